import PRouterGraph
import PRouterIO

extension Trainer {
    /// Trains on the graph file at `path`, whatever its mode: the gmt models on a
    /// multi-turn graph, the other models on a single-turn graph or on a multi-turn
    /// graph's single-turn view (``ConversationGraph/flattened()``: history ignored).
    /// The model and its layers are `model` and `layers` (not `config`'s), by default those
    /// of the graph's mode: anchored with 2 layers on a single-turn graph, gmt with 3 on a
    /// multi-turn one. A model with a number that is not finite is refused, not returned.
    public static func train(graphPath path: String, model: ModelKind? = nil, layers: Int? = nil, config: ModelConfig,
                             options: TrainingOptions, progress: (EpochReport) -> Void) throws -> TrainedModel {
        var config = config
        func resolve(multiTurn: Bool) {
            config.kind = model ?? (multiTurn ? .gmt : .anchored)
            config.layers = layers ?? (config.kind.readsConversations ? 3 : 2)
        }
        let trained: TrainedModel
        switch try GraphFile.read(from: path) {
        case .singleTurn(let graph, let fingerprint):
            resolve(multiTurn: false)
            trained = try train(graph: graph, fingerprint: fingerprint, config: config, options: options, progress: progress)
        case .multiTurn(let graph):
            resolve(multiTurn: true)
            trained = config.kind.readsConversations
                ? try GMTTrainer.train(graph: graph, config: config, options: options, progress: progress)
                : try train(graph: graph.flattened(), config: config, options: options, progress: progress)
        }
        guard trained.isFinite else {
            throw DataError("\(path): training gave numbers that are not finite; an input number of the graph (a cost, a reward, an embedding value) is too large")
        }
        return trained
    }
}
