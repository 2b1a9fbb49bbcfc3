extension Trainer {
    /// Trains on the graph file at `path`, whatever its mode: the gmt model on a
    /// multi-turn graph, the other models on a single-turn graph or on a multi-turn
    /// graph's single-turn view (``ConversationGraph/flattened()``: history ignored).
    public static func train(graphPath path: String, config: ModelConfig, options: TrainingOptions,
                             progress: (EpochReport) -> Void) throws -> TrainedModel {
        switch try GraphFile.read(from: path) {
        case .singleTurn(let graph, let fingerprint):
            return try train(graph: graph, fingerprint: fingerprint, config: config, options: options, progress: progress)
        case .multiTurn(let graph):
            if config.kind == .gmt { return try GMTTrainer.train(graph: graph, config: config, options: options, progress: progress) }
            return try train(graph: graph.flattened(), config: config, options: options, progress: progress)
        }
    }
}
