import ArgumentParser
import PRouterCLI
import PRouterKit

extension PRSim {
    /// `pr-sim multi-turn`: preference labels for conversation logs.
    struct MultiTurn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "multi-turn",
            abstract: "Mark the response each simulated user prefers in every conversation turn.",
            discussion: """
                Reads conversations.jsonl (one line per turn: user, conversation_id, turn, query \
                and the candidate LLMs' responses with score, cost, length and text) and \
                users.jsonl lines {"user","weights":{"quality","cost","length","rare_words"}}, \
                and writes the log back with "preferred" true on the one response per turn with \
                the highest weighted sum of the four signals, each min-max normalized over the \
                turn's candidates (ties: higher score, then the LLM id that sorts first). \
                Rare-word use is the share of a response's words found in at most 1% of the \
                log's responses. Schema: FORMATS.md (docs/ in the source; share/doc/prouter/ where installed).

                Examples:
                  pr-sim multi-turn --users conversation-users.jsonl conversations.jsonl > labelled.jsonl

                \(exitStatusHelp)
                """
        )

        @Argument(help: "The conversation log; '-' or nothing reads standard input.", completion: .file(extensions: ["jsonl"]))
        var conversations: String = "-"

        @Option(help: ArgumentHelp("Users with weights (users.jsonl).", valueName: "file"), completion: .file(extensions: ["jsonl"]))
        var users: String

        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"),
                completion: .file())
        var output: String?

        @OptionGroup var diagnostics: DiagnosticOptions

        func run() throws {
            let job = MultiTurnJob(conversationsPath: conversations, usersPath: users)
            let status = runTool("pr-sim multi-turn", verbosity: diagnostics.verbosity) {
                try FileIO.checkDistinct(outputs: [("-o", output)], inputs: [("conversations", conversations), ("--users", users)])
                try OutputFile(path: output, lineBuffered: false).produce(job.run)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
