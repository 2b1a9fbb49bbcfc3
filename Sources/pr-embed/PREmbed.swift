import ArgumentParser
import PRouterKit

@main
struct PREmbed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pr-embed",
        abstract: "Add initial node features to a graph file.",
        discussion: """
            Not yet implemented: this tool arrives with the model (autodiff on OpenBLAS, \
            the PersonalizedRouter GNN and its baselines). Until then it exits with status 69.

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    func run() throws {
        throw ExitCode(reportNotImplemented("pr-embed"))
    }
}
