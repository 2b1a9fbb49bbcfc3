/// GMTRouter anchored on the conversation's history (`--model gmt`, the default for
/// multi-turn graphs): each candidate's score starts from ``HistoryPriors`` (the user's
/// and the LLM's preference rates, what the conversation preferred or rejected and how
/// many turns ago), weighted by a conditional logit fitted on the training turns; the
/// HGT learns a gated correction, kept only when it beats the priors on validation
/// (``GMTNetwork``, ``GMTTrainer``).
struct GMTModel: TurnRoutingModel {
    static let name = "gmt"
    let network: GMTNetwork

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        network = GMTNetwork(config: config, anchored: true, parameters: &parameters, generator: &generator)
    }
}

/// The paper's GMTRouter (`--model gmt-paper`): HGT over multi-turn conversation graphs
/// (user, LLM, turn, query, response), scoring `z_t · h_m` alone.
struct GMTPaperModel: TurnRoutingModel {
    static let name = "gmt-paper"
    let network: GMTNetwork

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        network = GMTNetwork(config: config, anchored: false, parameters: &parameters, generator: &generator)
    }
}

extension ModelKind {
    public static let gmt = ModelKind(GMTModel.self)
    public static let gmtPaper = ModelKind(GMTPaperModel.self)
}
