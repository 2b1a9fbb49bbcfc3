import PRouterAutodiff

/// The knn baseline (`--model knn`): the nearest training queries (cosine similarity of
/// embeddings) vote with their labels (``NearestQueries``); nothing to train.
struct NearestQueriesModel: QueryRoutingModel {
    static let name = "knn"
    static let summary = "the --neighbors most similar training queries vote; nothing to train"
    static let trains = false

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {}

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        input.tape.constant(NearestQueries(data: input.data, neighbors: input.config.neighbors).scores(input.graph.targets))
    }
}

extension ModelKind {
    public static let knn = ModelKind(NearestQueriesModel.self)
}
