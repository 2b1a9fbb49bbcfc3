import ArgumentParser
import PRouterCLI
import PRouterKit

@main
struct PREmbed: ParsableCommand {
    static func main() { mainAsTool("pr-embed") }

    static let configuration = CommandConfiguration(
        commandName: "pr-embed",
        abstract: "Add initial node features to a graph file.",
        discussion: """
            Embeds every query (its text), task (its description from --tasks) and LLM (its \
            description from --llms, followed by log-scaled price and size features) and \
            writes the graph with the vectors to -o FILE, or back to the input with --in-place \
            (atomically either way); running it again replaces them. \
            In a multi-turn graph (pr-build-graph --multi-turn) it embeds every turn's query, \
            every response text and every LLM; --tasks is not needed.

            The default encoder (--encoder hashed) needs no download: hashed word unigrams and \
            bigrams and character trigrams, sublinear term frequency, signed hashing into --dim \
            dimensions, L2-normalized; deterministic and fast. --encoder minilm runs the \
            sentence encoder all-MiniLM-L6-v2 in-process (384 dimensions, no Python), from the \
            model folder that `make model` installs (--model-dir, default \
            $PROUTER_MODEL_DIR or ~/.cache/prouter/all-MiniLM-L6-v2); it tells apart what a \
            text means rather than which words it shares, and pr-route embeds new queries \
            with it too. --embeddings uses vectors from \
            any external encoder instead ({"kind":"query|task|llm|response","id":...,"vector":[...]} \
            lines, where a multi-turn graph's queries are "CONVERSATION#TURN" and its \
            responses "CONVERSATION#TURN/LLM"; see docs/EMBEDDINGS.md); pr-route then needs vectors for new queries too.

            User nodes get no stored features: models derive them from each user's visible \
            interactions, so new users attach at routing time without retraining.

            Examples:
              pr-embed --tasks tasks.jsonl --llms llms.jsonl --in-place graph.prg
              pr-embed --encoder minilm --tasks tasks.jsonl --llms llms.jsonl -o embedded.prg graph.prg
              pr-embed --llms llms.jsonl --embeddings vectors.jsonl -o embedded.prg graph.prg
              pr-embed --llms llms.jsonl --in-place conversations.prg

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    @Argument(help: "The graph file.", completion: .file(extensions: ["prg"]))
    var graph: String

    @Option(help: ArgumentHelp("Task descriptions (tasks.jsonl); without them a task is described by its id.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var tasks: String?

    @Option(help: ArgumentHelp("LLM descriptions and prices (llms.jsonl); without them an LLM is described by its id, with no prices.",
                               valueName: "file"), completion: .file(extensions: ["jsonl"]))
    var llms: String?

    @Option(help: ArgumentHelp("The built-in encoder.", valueName: "name"))
    var encoder: BuiltInEncoder = .hashed

    @Option(parsing: .unconditional, help: "Dimensions of the hashed encoder.")
    var dim: Int = 256

    @Option(help: ArgumentHelp("The all-MiniLM-L6-v2 model folder (make model).", valueName: "dir"),
            completion: .directory)
    var modelDir: String?

    @Option(help: ArgumentHelp("External vectors instead of the built-in encoder.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var embeddings: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the embedded graph here (atomically).", valueName: "file"),
            completion: .file(extensions: ["prg"]))
    var output: String?

    @Flag(help: "Replace the input graph file with the embedded graph (atomically) instead of writing -o.")
    var inPlace = false

    @OptionGroup var diagnostics: DiagnosticOptions

    func validate() throws {
        guard (1...4096).contains(dim) else { throw ValidationError("--dim must be in 1...4096") }
        if output == nil && !inPlace { throw ValidationError("give -o FILE for the embedded graph, or --in-place to replace \(graph)") }
        if output != nil && inPlace { throw ValidationError("give -o FILE or --in-place, not both") }
    }

    func run() throws {
        let status = runTool("pr-embed", verbosity: diagnostics.verbosity) {
            try FileIO.checkDistinct(outputs: [("-o", output)], inputs: [("--tasks", tasks), ("--llms", llms), ("--embeddings", embeddings)]
                                         + (output == nil ? [] : [("graph", graph)]))
            try FileIO.checkOutput(output ?? graph)
            let textEncoder = try BuiltInEncoder.named((embeddings == nil ? encoder : .hashed).rawValue, dimension: dim, modelDirectory: modelDir)
            try EmbeddingJob(graphPath: graph, outputPath: output, tasksPath: tasks, llmsPath: llms,
                             encoder: textEncoder, embeddingsPath: embeddings).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
