import ArgumentParser
import PRouterCLI
import PRouterKit

@main
struct PRTrain: ParsableCommand {
    static func main() { mainAsTool("pr-train") }

    static let configuration = CommandConfiguration(
        commandName: "pr-train",
        abstract: "Train a routing model on a graph file.",
        discussion: """
            Trains on the graph's training split (the best LLM of each query node, among the \
            candidates the model may see) and writes a weights file atomically; --model \
            lists the models. On a multi-turn graph the models other than gmt and gmt-paper see \
            each labelled turn as a single-turn judge-mode query, history ignored. See \
            MODEL.md (docs/ in the source; share/doc/prouter/ where installed).

            The edges of the query nodes being predicted carry no outcome (their features \
            are zeroed in message passing, and their labels are left out of the user \
            features); validation and test edges never carry one. Adam, learning rate \
            linearly decayed to 0, batches of query nodes, early stopping on validation \
            reward (cost mode) or accuracy (judge mode); the best epoch's weights are kept.

            Progress: a bar on a terminal, one JSON line per epoch with --log-json, nothing \
            with -q; a summary line at the end (for the anchored model, where it started and \
            that start's cross-validated gain over the table, which the weights file also \
            records). Output is byte-identical for the same graph, options and --seed.

            Examples:
              pr-train -o model.prw graph.prg
              pr-train --model graphrouter --layers 3 --epochs 200 --log-json -o gr.prw graph.prg
              pr-train --model gmt -o gmt.prw conversations.prg

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    @Argument(help: "The graph file (with features from pr-embed).", completion: .file(extensions: ["prg"]))
    var graph: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The weights file to write.", valueName: "file"),
            completion: .file(extensions: ["prw"]))
    var output: String

    @Option(help: ArgumentHelp("The model to train (default: anchored, or gmt on a multi-turn graph).", valueName: "model"))
    var model: ModelKind?

    @Option(parsing: .unconditional, help: "Message-passing layers (0 to 5; default 2, 3 for gmt and gmt-paper).")
    var layers: Int?

    @Option(parsing: .unconditional, help: "Hidden width (1...4096).")
    var hidden: Int = 32

    @Option(parsing: .unconditional, help: "Maximum epochs.")
    var epochs: Int = 400

    @Option(parsing: .unconditional, help: ArgumentHelp("Query nodes (gmt: turns) per batch (default 32; on more than 8,192 training units, enough for 256 steps per epoch; gmt: enough for 32 steps per epoch).",
                               valueName: "n"))
    var batchSize: Int?

    @Option(parsing: .unconditional, help: "Initial learning rate (decays linearly to 0).")
    var lr: Float = 1e-3

    @Option(parsing: .unconditional, help: "L2 weight decay.")
    var weightDecay: Float = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after this many epochs without a better validation figure (default 40 at batches of 32; with larger automatic batches, 40 x 32 / batch size, at least 3; gmt: as many as see 20,480 training turns, 3 to 40).",
                               valueName: "n"))
    var patience: Int?

    @Option(help: ArgumentHelp("softmax (cross-entropy over each query's candidates) or bce (per edge).", valueName: "loss"))
    var loss: LossKind = .softmax

    @Option(parsing: .unconditional, help: "Dropout rate.")
    var dropout: Float = 0

    @Option(parsing: .unconditional, help: "Neighbors sampled per node and relation while training.")
    var fanout: Int = 10

    @Option(parsing: .unconditional, help: "Training queries that vote in the knn baseline.")
    var neighbors: Int = 10

    @Option(parsing: .unconditional, help: "Seed for initialization, batching, sampling and dropout.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "OpenBLAS threads (results are byte-identical for the same count).")
    var threads: Int = 1

    @Flag(help: "One JSON line per epoch on stderr.")
    var logJson = false

    @Flag(name: .shortAndLong, help: "No progress output (warnings and errors still print).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Finish with the run's time and peak memory on standard error.")
    var verbose = false

    func validate() throws {
        guard (0...5).contains(layers ?? 2) else { throw ValidationError("--layers must be in 0...5") }
        guard hidden >= 1, epochs >= 1, batchSize ?? 1 >= 1, patience ?? 1 >= 1, fanout >= 1, neighbors >= 1, threads >= 1 else {
            throw ValidationError("--hidden, --epochs, --batch-size, --patience, --fanout, --neighbors and --threads must be positive")
        }
        // Upper bounds, checked before anything is allocated.
        for (name, value, limit) in [("--hidden", hidden, 4096), ("--epochs", epochs, 1_000_000), ("--batch-size", batchSize ?? 1, 1_000_000),
                                     ("--patience", patience ?? 1, 1_000_000), ("--fanout", fanout, 100_000),
                                     ("--neighbors", neighbors, 100_000), ("--threads", threads, 1024)] where value > limit {
            throw ValidationError("\(name) must be at most \(limit)")
        }
        guard lr > 0, lr.isFinite, (0..<1).contains(dropout), weightDecay >= 0, weightDecay.isFinite else {
            throw ValidationError("--lr must be > 0, --dropout in [0, 1) and --weight-decay >= 0")
        }
    }

    func run() throws {
        var config = ModelConfig()
        config.hidden = hidden
        config.loss = loss
        config.dropout = dropout
        config.fanout = fanout
        config.neighbors = neighbors
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = lr
        options.patience = patience
        options.weightDecay = weightDecay
        options.seed = seed
        let status = runTool("pr-train", verbosity: Verbosity(quiet: quiet, verbose: verbose)) {
            BLAS.setThreads(threads)
            try FileIO.checkDistinct(outputs: [("-o", output)], inputs: [("graph", graph)])
            try FileIO.checkOutput(output)
            var reporter = ProgressReporter(style: quiet ? .quiet : logJson ? .json : .automatic)
            let trained = try Trainer.train(graphPath: graph, model: model, layers: layers, config: config, options: options) {
                reporter.report($0)
            }
            try trained.write(to: output)
            if trained.isWorseThanTable(significance: options.significance), let table = trained.tableValidation {
                reporter.warnWorseThanTable(model: trained.model.config.kind.rawValue, validation: trained.bestValidation, table: table.level,
                                            tableFigure: table.figure, standardError: trained.tableGap?.standardError)
            }
            reporter.finish("pr-train: \(trained.model.config.kind.rawValue) trained \(trained.epochsRun) epochs, best validation "
                + "\(Decimals.fixed(trained.bestValidation, 4)) at epoch \(trained.bestEpoch)"
                + (trained.startSummary.map { " (\($0))" } ?? "") + "; wrote \(output)")
        }
        if status != 0 { throw ExitCode(status) }
    }
}

