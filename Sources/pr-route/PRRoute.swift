import ArgumentParser
import PRouterKit

@main
struct PRRoute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pr-route",
        abstract: "Route queries to the LLM each user would want.",
        discussion: """
            Not yet implemented: this tool arrives with the model (autodiff on OpenBLAS, \
            the PersonalizedRouter GNN and its baselines). Until then it exits with status 69.

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    func run() throws {
        throw ExitCode(reportNotImplemented("pr-route"))
    }
}
