/// The same GNN without user nodes (`--model graphrouter`: GraphRouter, the paper's
/// strongest baseline): ``LinkPredictionGNN`` over tasks, queries and LLMs.
struct GraphRouterModel: MessagePassingModel {
    static let name = "graphrouter"
    static let inputs: ModelInputs = [.neighborhoods]
    private let gnn: LinkPredictionGNN

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        gnn = LinkPredictionGNN(config: config, includesUsers: false, parameters: &parameters, generator: &generator)
    }

    var encoder: GraphEncoder { gnn.encoder }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable { gnn.scores(input, parameters: parameters) }
}

extension ModelKind {
    public static let graphrouter = ModelKind(GraphRouterModel.self)
}
