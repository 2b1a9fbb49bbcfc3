import ArgumentParser
import PRouterCLI
import PRouterKit

@main
struct PREval: ParsableCommand {
    static func main() { mainAsTool("pr-eval") }

    static let configuration = CommandConfiguration(
        commandName: "pr-eval",
        abstract: "Score routes against the truth and trivial baselines.",
        discussion: """
            Reads routes ({"user","query_id","llm"} per line, as pr-route writes them) and the \
            truth (interactions.jsonl, or labelled conversations.jsonl for multi-turn routes, \
            whose turns are judge-mode pairs "CONVERSATION#TURN"). Reports, for each route file and for the baselines \
            computed on the same (user, query) pairs (random, cheapest, single-best, oracle): \
            mean reward, Oracle reward and ratio to Oracle (cost mode), accuracy (share of \
            routes that chose the best LLM), total cost and mean performance, with per-user \
            rows. Several route files are compared side by side; they must cover the same pairs. \
            Every other route file and baseline is compared with the first route file: the \
            difference of the ratio to Oracle (cost mode) or accuracy (judge mode) on the same \
            pairs, with its standard error clustered by query (by conversation for turns), since \
            every user's copy of a query shares its outcomes.

            The single-best baseline is the LLM with the highest mean reward (or best rate in \
            judge mode) on the truth pairs outside the evaluated ones (fit "held-out"), or on \
            all pairs when there are no others (fit "all", optimistic). The table baselines \
            (table-user-task, table-user, table-task: the best shrunk mean outcome per user \
            and task, user, task) are fitted the same way, and so, for single-turn truth, is \
            the plain text baseline ridge (per LLM, ridge regressions of performance and cost \
            normalized per task on the query's word counts and task, penalty by \
            leave-one-query-out error, weighted by each user's least-squares fit of their \
            rewards, or in judge mode of which LLM they preferred); for conversation turns, \
            so are the history tables: table-history (the conversation's last preferred LLM when \
            offered, else table-user's choice), history-last (else the LLM preferred most \
            overall), history-favourite (the user's highest shrunk preference rate) and \
            history-blend (a conditional logit of those history features). Baselines fitted \
            with fit "all" are marked [in-sample] in the table, CSV's fit column says which \
            fit each baseline had, and a warning says to give the whole log as --truth.

            Routes of cross-validation folds (pr-build-graph --fold K/N), concatenated, score \
            every query once; --fold-queries FILE, once per fold with that fold's test \
            queries, fits single-best and the tables the same way, each fold's on the \
            queries outside it, so that they are compared on every query too.

            Examples:
              pr-route --graph graph.prg --weights model.prw --split test | pr-eval --truth interactions.jsonl
              pr-eval --truth interactions.jsonl --format table a.jsonl b.jsonl
              pr-eval --truth interactions.jsonl --format table --plot plane.svg a.jsonl b.jsonl
              pr-eval --truth interactions.jsonl --queries test-queries.jsonl --format table
              pr-eval --truth interactions.jsonl --fold-queries test-1.jsonl --fold-queries test-2.jsonl routes-1-and-2.jsonl
              pr-eval --truth labelled-conversations.jsonl --format table gmt.jsonl personalized.jsonl

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, table, csv
    }

    @Argument(help: "Route files; none reads standard input, unless --queries or --fold-queries gives the pairs to score the baselines on.", completion: .file(extensions: ["jsonl"]))
    var routes: [String] = []

    @Option(help: ArgumentHelp("The ground truth (interactions.jsonl or labelled conversations.jsonl).", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var truth: String

    @Option(help: ArgumentHelp("Evaluate only the baselines on these {\"user\",\"query_id\"} lines instead of routes.",
                               valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var queries: String?

    @Option(help: ArgumentHelp("One fold's test {\"user\",\"query_id\"} lines (pr-build-graph --fold K/N --export-queries test), repeated for every fold: single-best and the tables are fitted and routed fold by fold, on the queries outside each.",
                               valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var foldQueries: [String] = []

    @Option(help: "Output format: json (one object), table (aligned, for people) or csv (a row per system, baseline and, with --per-user, user).")
    var format: Format = .json

    @Flag(help: "With --format table or csv, add per-user rows for each route file.")
    var perUser = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(parsing: .unconditional, help: "Seed for the random baseline.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Also draw the cost-quality plane and per-user bars into this SVG file (atomically).", valueName: "file"),
            completion: .file(extensions: ["svg"]))
    var plot: String?

    @OptionGroup var diagnostics: DiagnosticOptions

    func validate() throws {
        if queries != nil && !routes.isEmpty { throw ValidationError("give route files or --queries, not both") }
        if (routes + foldQueries + [queries].compactMap { $0 }).filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input can be read only once")
        }
    }

    func run() throws {
        let job = EvaluationJob(truthPath: truth, routePaths: queries == nil && foldQueries.isEmpty && routes.isEmpty ? ["-"] : routes,
                                queriesPath: queries, foldPaths: foldQueries, seed: seed)
        let status = runTool("pr-eval", verbosity: diagnostics.verbosity) {
            try FileIO.checkDistinct(outputs: [("-o", output), ("--plot", plot)],
                                     inputs: [("--truth", truth), ("--queries", queries)] + foldQueries.map { ("--fold-queries", $0) }
                                        + routes.map { ("routes", $0) })
            if let output { try FileIO.checkOutput(output) }
            if let plot { try FileIO.checkOutput(plot) }
            let report = try job.run()
            if let plot { try FileIO.writeAtomically(Array(CostQualityPlot(report: report).svg().utf8), to: plot) }
            try OutputFile(path: output, lineBuffered: false).produce { writer in
                switch format {
                case .json: try report.writeJSON(to: writer)
                case .table: try writer.writeText(report.table(perUser: perUser))
                case .csv: try writer.writeText(report.csv(perUser: perUser))
                }
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
