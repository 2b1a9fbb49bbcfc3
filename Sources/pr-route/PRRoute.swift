import ArgumentParser
import PRouterCLI
import PRouterKit

@main
struct PRRoute: ParsableCommand {
    static func main() { mainAsTool("pr-route") }

    static let configuration = CommandConfiguration(
        commandName: "pr-route",
        abstract: "Route queries to the LLM each user would want.",
        discussion: """
            Reads {"user","query","task"} lines (optional "query_id"; default "line-N") and \
            writes {"user","query_id","llm","score","scores":{llm: score}} lines in input \
            order. New queries are attached to the graph inductively (embedded like the \
            graph's queries, linked to their task and to every LLM, with no outcome) and the \
            whole input is scored in one graph pass, without retraining.

            Users are known by their observed interactions: the graph's training queries, \
            its support queries (pr-build-graph --new-users), and --support interactions of \
            users not in the graph at all. --support interactions may also name LLMs that \
            are not in the graph, described with --llms: they join as new LLM nodes and \
            become candidates for every routed query (the few-shot new-LLM setting). A user with none is an error unless \
            --allow-unknown-users, which routes them with an empty profile (population \
            behaviour).

            Input is routed as it is read: the graph and model are loaded once, then whenever \
            pr-route would wait for more input (a pipe or a terminal) and every 8,192 lines, \
            the lines read so far are routed and their routes flushed. So pr-route can sit \
            behind `tail -f` or run as a gateway's coprocess. A route depends on its own line \
            only: the output is the same bytes from a file or a pipe, whatever the timing. \
            Users must be in the graph or in --support; --allow-unknown-users reads the whole \
            input first (the users it adds are part of every route's context). gmt models \
            route their input in one pass.

            --split test routes the graph's own held-out test queries instead, so that \
            `pr-route --split test ... | pr-eval --truth interactions.jsonl` reproduces an experiment.

            With a gmt model (multi-turn graph), the input is conversations.jsonl lines: each \
            conversation's last turn is routed (among the LLMs of its "responses", or every \
            LLM when it has none) with the earlier turns, their responses and the user's \
            feedback as history; --every-turn routes every turn given the turns before it \
            (replaying a labelled log). Routes add "conversation_id" and "turn", and their \
            query_id is "CONVERSATION#TURN". --support takes conversations.jsonl lines of \
            users who are not in the graph's training turns; they are attached as that \
            user's turns without retraining. --split test routes the graph's test turns, \
            each with its conversation's earlier turns only.

            Examples:
              pr-route --graph graph.prg --weights model.prw < queries.jsonl
              pr-route --graph graph.prg --weights model.prw --split test | pr-eval --truth interactions.jsonl
              pr-route --graph graph.prg --weights model.prw --support alice-history.jsonl < alice.jsonl
              pr-route --graph graph.prg --weights model.prw --support new-llm.jsonl --llms llms.jsonl < q.jsonl
              pr-route --graph conv.prg --weights gmt.prw --support bob-turns.jsonl < bob-conversation.jsonl
              tail -f requests.jsonl | pr-route --graph graph.prg --weights model.prw

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    @Argument(help: "Queries to route; '-' or nothing reads standard input.", completion: .file(extensions: ["jsonl"]))
    var queries: String = "-"

    @Option(help: ArgumentHelp("The graph file the model was trained on.", valueName: "file"), completion: .file(extensions: ["prg"]))
    var graph: String

    @Option(help: ArgumentHelp("The weights file from pr-train.", valueName: "file"), completion: .file(extensions: ["prw"]))
    var weights: String

    @Option(help: ArgumentHelp("Route the graph's own query nodes of this split.", valueName: "split"))
    var split: Split?

    @Option(help: ArgumentHelp("Past interactions (interactions.jsonl; conversations.jsonl for gmt) of users not in the graph.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var support: String?

    @Option(help: ArgumentHelp("Descriptions and prices (llms.jsonl) of LLMs not in the graph used by --support.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var llms: String?

    @Option(help: ArgumentHelp("Vectors for new queries, when the graph was embedded with external vectors.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var embeddings: String?

    @Flag(help: "Route users without observed interactions with an empty profile instead of failing.")
    var allowUnknownUsers = false

    @Flag(help: "With a gmt model, route every input turn given the turns before it, not just each conversation's last.")
    var everyTurn = false

    @Option(parsing: .unconditional, help: "OpenBLAS threads.")
    var threads: Int = 1

    @Option(help: ArgumentHelp("The all-MiniLM-L6-v2 model folder, for a graph embedded with --encoder minilm.", valueName: "dir"),
            completion: .directory)
    var modelDir: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var output: String?

    @Flag(help: "Flush every route line as it is written (routes are flushed a batch at a time without it).")
    var lineBuffered = false

    @Flag(help: "Route every good input line; skip bad ones, report them (see --errors) and exit 65 at the end.")
    var keepGoing = false

    @Option(help: ArgumentHelp("With --keep-going, write the skipped lines' errors here as {\"line\",\"error\"} lines (default: standard error).",
                               valueName: "file"), completion: .file())
    var errors: String?

    @OptionGroup var diagnostics: DiagnosticOptions

    func validate() throws {
        if split != nil && queries != "-" { throw ValidationError("give --split or a queries file, not both") }
        if errors != nil && !keepGoing { throw ValidationError("--errors goes with --keep-going") }
        if lineBuffered && allowUnknownUsers {
            throw ValidationError("--line-buffered cannot take --allow-unknown-users (an unknown user changes the context of every route): give their interactions with --support")
        }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1...1024") }
    }

    func run() throws {
        var job = RoutingJob(graphPath: graph, weightsPath: weights, split: split,
                             queriesPath: queries, supportPath: support, llmsPath: llms, embeddingsPath: embeddings,
                             allowUnknownUsers: allowUnknownUsers)
        job.everyTurn = everyTurn
        job.keepGoing = keepGoing
        job.errorsPath = errors
        job.modelDirectory = modelDir
        let status = runTool("pr-route", verbosity: diagnostics.verbosity) {
            BLAS.setThreads(threads)
            try FileIO.checkDistinct(outputs: [("-o", output), ("--errors", errors)],
                                     inputs: [("queries", queries), ("--graph", graph), ("--weights", weights), ("--support", support),
                                              ("--llms", llms), ("--embeddings", embeddings)])
            if let errors { try FileIO.checkOutput(errors) }
            var skipped = 0
            // (An empty split has its own warning; skipped lines are reported already.)
            let empty = { split == nil && skipped == 0 ? "\(FileIO.displayName(queries)): no queries to route: the output is empty" : nil }
            try OutputFile(path: output, lineBuffered: lineBuffered).produce(emptyWarning: empty) { skipped = try job.run(writer: $0) }
            if skipped > 0 {
                try DataError.naming(queries) {
                    throw DataError("\(skipped) bad line\(skipped == 1 ? "" : "s") skipped\(errors.map { " (errors in \($0))" } ?? ""); the other lines were routed")
                }
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
