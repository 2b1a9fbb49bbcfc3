/// The routing models `pr-train` offers.
public enum ModelKind: String, Sendable, CaseIterable {
    /// The default: the table policy's prior for each LLM (per user and task, user, task,
    /// overall) plus a learned per-query utility: a GNN over tasks, queries and LLMs
    /// predicts each candidate's normalized performance and cost, weighted by the user's
    /// utility statistics.
    case anchored
    /// The PersonalizedRouter heterogeneous GNN with user nodes.
    case personalized
    /// The same GNN without user nodes (GraphRouter, the paper's strongest baseline).
    case graphrouter
    /// An MLP from the query and task embeddings to one score per LLM.
    case mlp
    /// The nearest training queries (cosine similarity of embeddings) vote with their labels.
    case knn
    /// RouteLLM-style matrix factorization: a bilinear score of query and LLM embeddings.
    case mf
    /// GMTRouter anchored on the conversation's history (the default for multi-turn
    /// graphs): each candidate's score starts from ``HistoryPriors`` (the user's and the
    /// LLM's preference rates, what the conversation preferred or rejected and how many
    /// turns ago), weighted by a conditional logit fitted on the training turns; the HGT
    /// learns a gated correction, kept only when it beats the priors on validation.
    case gmt
    /// The paper's GMTRouter: HGT over multi-turn conversation graphs (user, LLM, turn,
    /// query, response), scoring `z_t · h_m` alone.
    case gmtPaper = "gmt-paper"
    /// A table policy: the LLM with the best shrunk mean outcome per user and task, per
    /// user, per task or overall (the level chosen on validation); nothing to train.
    case table
    /// A transparent text baseline: per LLM, ridge regressions of normalized performance
    /// and cost on the query's words (or embedding) and task, weighted by each user's
    /// least-squares fit of their observed rewards (judge mode: of which LLM they
    /// preferred); nothing to train.
    case ridge

    /// Whether the model routes conversation turns (multi-turn graphs only).
    public var readsConversations: Bool { self == .gmt || self == .gmtPaper }

    /// Whether the model passes messages over the graph.
    var isGraph: Bool { self == .personalized || self == .graphrouter || self == .anchored }

    /// Whether the model scores from the table priors (``AnchorFeatures``).
    var usesTables: Bool { self == .anchored || self == .table || self == .ridge }

    /// Whether the model has trainable parameters.
    var isTrained: Bool { self != .knn && self != .table && self != .ridge }
}

/// The loss over each query's candidate LLMs.
public enum LossKind: String, Sendable, CaseIterable {
    /// Softmax cross-entropy over the candidate set (the default).
    case softmax
    /// Per-edge binary cross-entropy (best edge 1, others 0).
    case bce
}

/// Everything needed to rebuild a model's parameters, stored in the weights file.
public struct ModelConfig: Sendable, Equatable {
    public var kind: ModelKind = .anchored
    public var hidden = 32
    public var layers = 2
    public var dropout: Float = 0
    /// Neighbors sampled per node and relation while training (all at inference).
    public var fanout = 10
    /// Neighbors that vote in the knn baseline.
    public var neighbors = 10
    public var loss: LossKind = .softmax
    /// The table model's level.
    public var tableLevel: TableLevel = .userTask
    /// Where the anchored model starts (chosen by cross-validation when training).
    var anchorStart = AnchorMix(.tableText)
    public var mode: GraphMode = .cost
    public var encoder = ""
    public var queryWidth = 0
    public var taskWidth = 0
    public var llmWidth = 0
    /// Response input width (gmt).
    public var responseWidth = 0
    public var llmCount = 0

    public init() {}

    var userWidth: Int { llmCount + 3 }

    /// The input width of each node kind.
    func inputWidth(_ kind: NodeKind) -> Int {
        switch kind {
        case .user: userWidth
        case .task: taskWidth
        case .query: queryWidth + (self.kind == .personalized ? userWidth : 0)
        case .llm: llmWidth
        }
    }
}
