import PRouterAutodiff

/// A transparent text baseline (`--model ridge`): per LLM, ridge regressions of
/// normalized performance and cost on the query's words (or embedding) and task
/// (``TextOutcomeRegression``), weighted by each user's least-squares fit of their
/// observed rewards (judge mode: their conditional logit of which LLM they preferred,
/// ``PreferenceLogit``): the anchored model's
/// ``AnchorStart/utility`` start; nothing to train.
struct RidgeModel: QueryRoutingModel {
    static let name = "ridge"
    static let summary = "per-LLM ridge regressions of performance and cost on the query's words and task, weighted by each user's fitted reward weights; nothing to train"
    static let inputs: ModelInputs = [.tables]
    static let trains = false

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {}

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        let (c, v) = AnchorStart.utility.weights(level: input.config.tableLevel, mode: input.data.mode)
        let targets = input.graph.targets
        return input.tape.constant(input.anchors!.rows(targets, data: input.data).linearScores(targets, data: input.data, c: c, v: v))
    }
}

extension ModelKind {
    public static let ridge = ModelKind(RidgeModel.self)
}
