/// The PersonalizedRouter heterogeneous GNN with user nodes (`--model personalized`):
/// ``LinkPredictionGNN`` over users, tasks, queries and LLMs.
struct PersonalizedModel: MessagePassingModel {
    static let name = "personalized"
    static let inputs: ModelInputs = [.neighborhoods, .users]
    private let gnn: LinkPredictionGNN

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        gnn = LinkPredictionGNN(config: config, includesUsers: true, parameters: &parameters, generator: &generator)
    }

    var encoder: GraphEncoder { gnn.encoder }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable { gnn.scores(input, parameters: parameters) }
}

extension ModelKind {
    public static let personalized = ModelKind(PersonalizedModel.self)
}
