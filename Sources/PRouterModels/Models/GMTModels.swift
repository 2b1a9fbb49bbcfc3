
/// GMTRouter anchored on the conversation's history (`--model gmt`, the default for
/// multi-turn graphs): each candidate's score starts from ``HistoryPriors`` (the user's
/// and the LLM's preference rates, what the conversation preferred or rejected and how
/// many turns ago), weighted by a conditional logit fitted on the training turns; the
/// HGT learns a gated correction, kept only when it beats the priors on validation
/// (``GMTNetwork``, ``GMTTrainer``).
struct GMTModel: TurnRoutingModel {
    static let name = "gmt"
    static let summary = "the default on multi-turn graphs: conversation-history priors fitted as a conditional logit, plus the gmt-paper network as a correction kept only where it beats them"
    static let anchored = true
    let network: GMTNetwork
}

/// The paper's GMTRouter (`--model gmt-paper`): HGT over multi-turn conversation graphs
/// (user, LLM, turn, query, response), scoring `z_t · h_m` alone.
struct GMTPaperModel: TurnRoutingModel {
    static let name = "gmt-paper"
    static let summary = "GMTRouter: heterogeneous graph transformer layers over user, LLM, turn, query and response nodes"
    static let anchored = false
    let network: GMTNetwork
}

extension ModelKind {
    public static let gmt = ModelKind(GMTModel.self)
    public static let gmtPaper = ModelKind(GMTPaperModel.self)
}
