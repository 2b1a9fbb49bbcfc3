import ArgumentParser
import PRouterCLI
import PRouterKit

extension PRSim {
    /// `pr-sim calibrate`: the alpha/beta that meets a budget on a response table.
    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calibrate",
            abstract: "Find the cost weight (alpha/beta) that meets a budget on a response table.",
            discussion: """
                For a user with weight beta against normalized cost and alpha = 1 - beta on \
                normalized performance (the cost-mode reward), each query's preferred LLM gets \
                cheaper as beta grows. Finds the smallest beta (the most quality) whose preferred \
                LLMs cost at most --budget US dollars per 1,000 queries, or send at most \
                --max-expensive-share of the queries to the most expensive LLM (the one with the \
                highest mean cost): RouteLLM's threshold calibration, for N LLMs. Writes one JSON \
                line {"alpha","beta","cost_per_1000","expensive_llm","expensive_share", \
                "mean_performance","queries"}, to use with `pr-sim --alpha A --beta B` or \
                examples/what-if.py. A budget that even the cheapest preferences exceed is an \
                error (exit 65) that names what they cost.

                Examples:
                  pr-sim calibrate --budget 2.50 --llms llms.jsonl responses.jsonl
                  pr-sim calibrate --max-expensive-share 0.1 --llms llms.jsonl responses.jsonl

                \(exitStatusHelp)
                """
        )

        @Argument(help: "The response table (responses.jsonl) to calibrate on; '-' or nothing reads standard input.",
                  completion: .file(extensions: ["jsonl"]))
        var responses: String = "-"

        @Option(help: ArgumentHelp("LLM prices (llms.jsonl), to cost responses given as token counts.", valueName: "file"),
                completion: .file(extensions: ["jsonl"]))
        var llms: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("US dollars per 1,000 queries.", valueName: "usd"))
        var budget: Double?

        @Option(parsing: .unconditional, help: ArgumentHelp("Largest share (0...1) of queries for the most expensive LLM.", valueName: "share"))
        var maxExpensiveShare: Double?

        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"),
                completion: .file())
        var output: String?

        @OptionGroup var diagnostics: DiagnosticOptions

        func validate() throws {
            guard (budget == nil) != (maxExpensiveShare == nil) else {
                throw ValidationError("give one of --budget and --max-expensive-share")
            }
            if let budget, !(budget.isFinite && budget >= 0) { throw ValidationError("--budget must be a number of US dollars >= 0") }
            if let share = maxExpensiveShare, !(0...1).contains(share) { throw ValidationError("--max-expensive-share must be in 0...1") }
        }

        func run() throws {
            let job = CalibrationJob(responsesPath: responses, llmsPath: llms,
                                     budget: budget.map { .costPerThousand($0) } ?? .expensiveShare(maxExpensiveShare!))
            let status = runTool("pr-sim calibrate", verbosity: diagnostics.verbosity) {
                try FileIO.checkDistinct(outputs: [("-o", output)], inputs: [("responses", responses), ("--llms", llms)])
                try OutputFile(path: output, lineBuffered: false).produce(job.run)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
