extension Trainer {
    /// Trains on the graph file at `path`, whatever its mode: the gmt model on a
    /// multi-turn graph, the other models on a single-turn graph or on a multi-turn
    /// graph's single-turn view (``ConversationGraph/flattened()``: history ignored).
    public static func train(graphPath path: String, config: ModelConfig, options: TrainingOptions,
                             progress: (EpochReport) -> Void) throws -> TrainedModel {
        let file = try SectionFile(decoding: FileIO.readAll(path: path), name: path)
        switch try GraphFileMode(file: file, name: path) {
        case .singleTurn:
            return try train(graph: Graph(file: file, name: path), fingerprint: file.fingerprint, config: config,
                             options: options, progress: progress)
        case .multiTurn:
            let graph = try ConversationGraph(file: file, name: path)
            if config.kind == .gmt { return try GMTTrainer.train(graph: graph, config: config, options: options, progress: progress) }
            return try train(graph: graph.flattened(), config: config, options: options, progress: progress)
        }
    }
}
