#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterAutodiff
import PRouterIO

/// Which simulation produced a graph's labels.
public enum GraphMode: String, Sendable, Equatable {
    /// Labels from alpha/beta rewards; edges carry normalized performance and cost.
    case cost
    /// Labels from a judge; edges carry the best bit.
    case judge
}

/// The role of a query node in an experiment.
public enum Split: UInt8, Sendable, Equatable, CaseIterable {
    case train = 0
    case validation = 1
    case test = 2
    /// A few-shot interaction of a new user, seen only at routing time.
    case support = 3

    /// The name used on the command line and in summaries.
    public var name: String {
        switch self {
        case .train: "train"
        case .validation: "val"
        case .test: "test"
        case .support: "support"
        }
    }

    /// The split called `name`, if any.
    public init?(name: String) {
        guard let split = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = split
    }
}

/// What a model may do with a query-LLM edge.
public enum EdgeStatus: UInt8, Sendable, Equatable {
    /// An ordinary edge.
    case visible = 0
    /// An edge to a new LLM kept as one of its few-shot support interactions: not for training.
    case support = 1
    /// An edge to a new LLM on a training or validation node: never shown to a model.
    case hidden = 2
}

/// How a graph was built, stored in its META section.
public struct GraphSettings: Sendable, Equatable {
    /// "query" (every copy of a query id in one split: no leakage) or "node".
    public var splitUnit: SplitUnit
    /// Train, validation and test fractions, summing to 1.
    public var fractions: [Double]
    public var seed: UInt64
    /// The cross-validation fold tested, if the split is one (`pr-build-graph --fold`).
    public var fold: Fold?
    public var shots: Int
    public var newUsers: [String]
    public var newLLMs: [String]
    /// Query nodes of new users dropped from training and validation.
    public var droppedNodes: Int

    public init(splitUnit: SplitUnit = .query, fractions: [Double] = [0.7, 0.1, 0.2], seed: UInt64 = 0, fold: Fold? = nil,
                shots: Int = 5, newUsers: [String] = [], newLLMs: [String] = [], droppedNodes: Int = 0) {
        self.splitUnit = splitUnit
        self.fractions = fractions
        self.seed = seed
        self.fold = fold
        self.shots = shots
        self.newUsers = newUsers
        self.newLLMs = newLLMs
        self.droppedNodes = droppedNodes
    }
}

/// One fold of a K-fold split: the split units (query ids, nodes or conversations), shuffled
/// by the seed, are cut into `count` near-equal folds; fold `index` is the test split and the
/// rest is divided between training and validation. The `count` folds of one seed test
/// every unit exactly once, so that routes of all folds together cover every query.
public struct Fold: Sendable, Equatable {
    /// 1-based, at most `count`.
    public var index: Int
    /// From 2 to ``maximumCount``.
    public var count: Int

    /// The most folds: one per query of a million-query log (and far from overflowing
    /// `index * unitCount`).
    public static let maximumCount = 1_000_000

    /// Nil unless `2 <= count <= maximumCount` and `1 <= index <= count`.
    public init?(index: Int, count: Int) {
        guard (2...Self.maximumCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `"INDEX/COUNT"`, such as `"2/5"`; nil if malformed or out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// The positions `lowerBound..<upperBound` of this fold among `unitCount` shuffled units.
    func positions(unitCount: Int) -> Range<Int> {
        (index - 1) * unitCount / count..<index * unitCount / count
    }
}

/// What is split: unique query ids, or query nodes (leaky, for comparison only).
public enum SplitUnit: String, Sendable, Equatable, CaseIterable {
    case query
    case node
}

/// The heterogeneous interaction graph of PersonalizedRouter.
///
/// Node types: users, tasks, query nodes and LLMs. A query node is one (user, query)
/// pair, so the same query text asked by two users is two nodes: each carries its
/// own user's preference label. Edge types: user-task (a user asked queries of the
/// task), task-query (each query node's task, `nodeTask`), and query-LLM (an LLM
/// answered the query; features, outcome and label bit). Query-LLM edges are stored
/// grouped by query node, in node order.
public struct Graph: Sendable, Equatable {
    public var mode: GraphMode
    public var settings: GraphSettings

    public var users: [String]
    public var tasks: [String]
    public var llms: [String]
    /// Unique query ids and their texts, referenced by `nodeQuery`.
    public var queryIDs: [String]
    public var queryTexts: [String]

    /// Per query node: its user, task, unique query, split and best LLM.
    public var nodeUser: [UInt32]
    public var nodeTask: [UInt32]
    public var nodeQuery: [UInt32]
    public var nodeSplit: [Split]
    public var nodeLabel: [UInt32]

    /// User-task edges, sorted by user then task.
    public var userTaskUser: [UInt32]
    public var userTaskTask: [UInt32]

    /// Query-LLM edges.
    public var edgeNode: [UInt32]
    public var edgeLLM: [UInt32]
    /// Names of the per-edge features, `["perf_norm", "cost_norm"]` or `["best"]`.
    public var featureNames: [String]
    /// Row-major, `edgeCount x featureNames.count`.
    public var edgeFeatures: [Float]
    public var edgeBest: [Bool]
    public var edgeStatus: [EdgeStatus]
    public var edgePerformance: [Double]
    public var edgeCost: [Double]
    /// Rewards in cost mode; empty in judge mode.
    public var edgeReward: [Double]

    /// Initial node features, once `pr-embed` has added them.
    public var features: NodeFeatures?

    /// Sections this version does not interpret (added by later tools), kept on rewrite.
    public var extraSections: [SectionFile.Section] = []

    public var nodeCount: Int { nodeUser.count }
    public var edgeCount: Int { edgeNode.count }

    /// The first edge of each node, plus `edgeCount` at the end.
    public func edgeStarts() -> [Int] {
        segmentStarts(of: edgeNode, count: nodeCount)
    }

    /// The number of query nodes in each split.
    public func splitCounts() -> [Split: Int] {
        var counts: [Split: Int] = [:]
        for split in Split.allCases { counts[split] = 0 }
        for split in nodeSplit { counts[split, default: 0] += 1 }
        return counts
    }
}

/// Initial features of the task, query and LLM nodes (`pr-embed`). User features are
/// not stored: models derive them from the user's visible interactions, so that a new
/// user can be attached at routing time without retraining.
public struct NodeFeatures: Sendable, Equatable {
    /// The text encoder that made the vectors (`hashed-ngrams-v1`, or `external`).
    public var encoder: String
    /// The text embedding width.
    public var dimension: Int
    /// One row per task.
    public var task: Matrix
    /// One row per unique query (`Graph.queryIDs`).
    public var query: Matrix
    /// One row per LLM: the text embedding followed by ``llmProfileColumns`` price and size features.
    public var llm: Matrix

    /// Price and size columns appended to each LLM's text embedding.
    public static let llmProfileColumns = 3

    public init(encoder: String, dimension: Int, task: Matrix, query: Matrix, llm: Matrix) {
        self.encoder = encoder
        self.dimension = dimension
        self.task = task
        self.query = query
        self.llm = llm
    }

    /// The profile columns of an LLM: log-scaled input and output prices and size.
    public static func llmProfile(_ spec: LLMSpec) -> [Float] {
        [Float(log1p(spec.priceIn)), Float(log1p(spec.priceOut)), Float(log1p(spec.paramsB ?? 0) / 3)]
    }
}
