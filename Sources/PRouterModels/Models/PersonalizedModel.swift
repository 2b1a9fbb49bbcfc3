
/// The PersonalizedRouter heterogeneous GNN with user nodes (`--model personalized`):
/// ``LinkPredictionGNN`` over users, tasks, queries and LLMs.
struct PersonalizedModel: LinkPredictionModel {
    static let name = "personalized"
    static let summary = "PersonalizedRouter: a heterogeneous GNN over user, task, query and LLM nodes; score = MLP(h_u, h_t, h_q) . h_m"
    static let inputs: ModelInputs = [.users]
    let gnn: LinkPredictionGNN
}

extension ModelKind {
    public static let personalized = ModelKind(PersonalizedModel.self)
}
