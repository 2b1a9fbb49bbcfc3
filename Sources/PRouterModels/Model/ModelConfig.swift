import PRouterGraph
import PRouterIO

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
    /// What that cross-validation found (absent in files written before 2026-12-05).
    var anchorStartEvidence: StartEvidence?
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
        case .query: queryWidth + (self.kind.inputs.contains(.users) ? userWidth : 0)
        case .llm: llmWidth
        }
    }
}
