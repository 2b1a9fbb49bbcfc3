
/// The same GNN without user nodes (`--model graphrouter`: GraphRouter, the paper's
/// strongest baseline): ``LinkPredictionGNN`` over tasks, queries and LLMs.
struct GraphRouterModel: LinkPredictionModel {
    static let name = "graphrouter"
    static let summary = "GraphRouter: the same GNN without user nodes"
    let gnn: LinkPredictionGNN
}

extension ModelKind {
    public static let graphrouter = ModelKind(GraphRouterModel.self)
}
