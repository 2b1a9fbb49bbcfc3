import ArgumentParser
import PRouterCLI
import PRouterKit

@main
struct PRBuildGraph: ParsableCommand {
    static func main() { mainAsTool("pr-build-graph") }

    static let configuration = CommandConfiguration(
        commandName: "pr-build-graph",
        abstract: "Build the binary interaction graph from interactions.jsonl.",
        discussion: """
            Reads interactions (pr-sim's output) and writes a graph file of user, task, query \
            and LLM nodes with a train/validation/test split. A query node is one (user, query) \
            pair. The split is over query ids by default, so that every copy of a test query \
            is in the test split and none leaks its outcome through another user's edges; \
            --split-unit node gives the leaky per-node split, for comparison only.

            --fold K/N cross-validates: the same --seed and N give N graphs whose test splits \
            are disjoint and together hold every query once, so that the routes of all N \
            folds, evaluated together, score every query instead of a fifth of them.

            --multi-turn reads conversations.jsonl instead (one line per turn, with \
            feedback from pr-sim multi-turn or from users) and writes a multi-turn graph of \
            user, LLM, turn, query and response nodes for GMTRouter (pr-train --model gmt). \
            Its split unit is the conversation; conversations that share a query text go to \
            the same split. A new user's first --shots turns (from the first half of their \
            conversations) are their support set, their second half of conversations their \
            test set, and the rest is dropped.

            --new-users/--new-user hold users out of training and validation, keeping --shots \
            of their training queries as a few-shot support set; --new-llms/--new-llm likewise \
            hide LLMs from training except on --shots support queries each.

            Examples:
              pr-sim --users users.jsonl responses.jsonl | pr-build-graph -o graph.prg
              pr-build-graph --new-users 3 --shots 5 -o graph.prg interactions.jsonl
              for k in 1 2 3 4 5; do pr-build-graph --fold $k/5 -o fold-$k.prg interactions.jsonl; done
              pr-build-graph --multi-turn -o conversations.prg labelled-conversations.jsonl
              pr-build-graph --info graph.prg
              pr-build-graph --export-queries test graph.prg > test-queries.jsonl

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    @Argument(help: "Interactions (interactions.jsonl; '-' or nothing reads standard input), or the graph with --info/--export-queries.",
              completion: .file())
    var input: String = "-"

    @Option(name: .shortAndLong, help: ArgumentHelp("The graph file to write (atomically).", valueName: "file"),
            completion: .file(extensions: ["prg"]))
    var output: String?

    @Flag(help: "Print a JSON summary of the graph file given as input.")
    var info = false

    @Flag(help: "Read conversations.jsonl and build a multi-turn graph (GMTRouter).")
    var multiTurn = false

    @Option(help: ArgumentHelp("Print the query nodes of a split of the graph file given as input, as pr-route input lines "
                               + "(of a multi-turn graph, its turns, with their conversation and turn number), for pr-eval --queries "
                               + "or --fold-queries.", valueName: "split"))
    var exportQueries: Split?

    @Option(help: ArgumentHelp("Train/validation/test proportions (default: 70/10/20).", valueName: "t/v/t"), transform: Self.fractions)
    var split: [Double] = [70, 10, 20]

    @Option(help: ArgumentHelp("Test fold K of N: cut the shuffled split units into N folds, test the K-th and split the rest by --split's train/validation ratio (its test part is not used). The N graphs of one --seed test every query once.",
                               valueName: "K/N"), transform: Self.fold)
    var fold: Fold?

    @Option(help: ArgumentHelp("What the split assigns: query (no leakage) or node (leaky).", valueName: "unit"))
    var splitUnit: SplitUnit = .query

    @Option(parsing: .unconditional, help: "Seed for the split and the support sets.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Hold out the first N users (by order of appearance) as new users.", valueName: "n"))
    var newUsers: Int = 0

    @Option(help: ArgumentHelp("Hold out this user as a new user (repeatable).", valueName: "id"))
    var newUser: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Hold out the first M LLMs (by order of appearance) as new LLMs.", valueName: "m"))
    var newLlms: Int = 0

    @Option(help: ArgumentHelp("Hold out this LLM as a new LLM (repeatable).", valueName: "id"))
    var newLlm: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Few-shot support interactions per new user and per new LLM.", valueName: "k"))
    var shots: Int = 5

    @Flag(help: "Flush every output line (the default when standard output is a terminal).")
    var lineBuffered = false

    @OptionGroup var diagnostics: DiagnosticOptions

    func validate() throws {
        if info && exportQueries != nil { throw ValidationError("--info and --export-queries do not go together") }
        if info || exportQueries != nil {
            if input == "-" { throw ValidationError("give the graph file to read") }
            if output != nil { throw ValidationError("-o is for building a graph") }
            return
        }
        guard output != nil else { throw ValidationError("give the graph file to write with -o") }
        if newUsers < 0 || newLlms < 0 { throw ValidationError("--new-users and --new-llms must be >= 0") }
        if newUsers > 0 && !newUser.isEmpty { throw ValidationError("give --new-users or --new-user, not both") }
        if newLlms > 0 && !newLlm.isEmpty { throw ValidationError("give --new-llms or --new-llm, not both") }
        if shots < 0 { throw ValidationError("--shots must be >= 0") }
        if multiTurn {
            if splitUnit != .query { throw ValidationError("a multi-turn graph is split by conversation: leave out --split-unit") }
            if newLlms > 0 || !newLlm.isEmpty { throw ValidationError("--new-llms is not available with --multi-turn") }
        }
    }

    /// `--split`'s value: three finite numbers >= 0 separated by '/', the first positive.
    static func fractions(_ text: String) throws -> [Double] {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Double($0) ?? .nan }
        guard parts.count == 3, parts.allSatisfy({ $0.isFinite && $0 >= 0 }), parts[0] > 0 else {
            throw ValidationError("give three numbers >= 0 separated by '/', such as 70/10/20, with a positive train part")
        }
        return parts
    }

    /// `--fold`'s value, `K/N`.
    static func fold(_ text: String) throws -> Fold {
        guard let fold = Fold(text) else {
            throw ValidationError("give K/N with 2 <= N <= \(Fold.maximumCount) and 1 <= K <= N, such as 1/5")
        }
        return fold
    }

    func run() throws {
        let status = runTool("pr-build-graph", verbosity: diagnostics.verbosity) {
            let stdout = JSONLWriter(lineBuffered: lineBuffered ? true : nil)
            if info {
                let bytes = try FileBytes(path: input)
                let file = try SectionFile(decoding: bytes, name: input)
                switch try GraphFileMode(file: file, name: input) {
                case .singleTurn: try Graph(file: file, name: input).writeSummary(to: stdout, fileSize: bytes.buffer.count)
                case .multiTurn: try ConversationGraph(file: file, name: input).writeSummary(to: stdout, fileSize: bytes.buffer.count)
                }
            } else if let exportQueries {
                switch try GraphFile.read(from: input) {
                case .singleTurn(let graph, _): try graph.writeQueries(of: exportQueries, to: stdout)
                case .multiTurn(let graph): try graph.writeQueries(of: exportQueries, to: stdout)
                }
            } else {
                var options = GraphBuildOptions()
                options.splitUnit = splitUnit
                options.fractions = split
                options.seed = seed
                options.fold = fold
                options.shots = shots
                options.newUserCount = newUsers
                options.newUserIDs = newUser
                options.newLLMCount = newLlms
                options.newLLMIDs = newLlm
                try FileIO.checkDistinct(outputs: [("-o", output)], inputs: [("input", input)])
                try FileIO.checkOutput(output!)
                if multiTurn {
                    let log = try ConversationLog(path: input)
                    try DataError.naming(input) { try ConversationGraphBuilder.build(log, options: options) }.write(to: output!)
                } else {
                    var builder = GraphBuilder()
                    try builder.addAll(from: input)
                    try DataError.naming(input) { try builder.build(options) }.write(to: output!)
                }
            }
            try stdout.flush()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
