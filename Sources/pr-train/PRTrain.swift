import ArgumentParser
import PRouterKit

@main
struct PRTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pr-train",
        abstract: "Train a routing model on a graph file.",
        discussion: """
            Not yet implemented: this tool arrives with the model (autodiff on OpenBLAS, \
            the PersonalizedRouter GNN and its baselines). Until then it exits with status 69.

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    func run() throws {
        throw ExitCode(reportNotImplemented("pr-train"))
    }
}
