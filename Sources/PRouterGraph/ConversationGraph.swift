import PRouterAutodiff
import PRouterIO

/// The multi-turn interaction graph of GMTRouter, the `multi-turn` mode of the graph file.
///
/// Node types: users, LLMs, turns, queries and responses. Every turn of a conversation
/// is a (virtual) turn node tied to its user, to the next turn of its conversation, to
/// its query node (one per turn) and to its candidate responses; each response is tied
/// to its query and to the LLM that wrote it. The user's feedback (preferred, rating)
/// sits on the query-response edges, one per response. Turns are stored conversation
/// by conversation in turn order, and responses grouped by turn, in turn order.
public struct ConversationGraph: Sendable, Equatable {
    public var settings: GraphSettings
    public var users: [String]
    public var llms: [String]
    public var conversations: [String]

    /// Per turn: its user, conversation, position in the conversation, split and query text.
    public var turnUser: [UInt32]
    public var turnConversation: [UInt32]
    public var turnNumber: [UInt32]
    public var turnSplit: [Split]
    public var queryTexts: [String]

    /// Per response (query-response edge): its turn, LLM and text.
    public var responseTurn: [UInt32]
    public var responseLLM: [UInt32]
    public var responseTexts: [String]
    /// Row-major `responseCount x 3`: score, cost and length as logged; NaN where missing.
    public var responseSignals: [Float]
    /// The feedback: preferred (1), not preferred (0) or unknown; the rating, NaN where missing.
    public var responseFeedback: [Feedback]
    public var responseRating: [Float]

    /// Text features of the query, response and LLM nodes, once `pr-embed` has added them.
    public var features: ConversationFeatures?

    /// The user's feedback on one response.
    public enum Feedback: UInt8, Sendable, Equatable {
        case rejected = 0
        case preferred = 1
        case unknown = 2
    }

    public var turnCount: Int { turnUser.count }
    public var responseCount: Int { responseTurn.count }

    /// The first response of each turn, plus `responseCount` at the end.
    public func responseStarts() -> [Int] {
        segmentStarts(of: responseTurn, count: turnCount)
    }

    /// The turn ids of routes and evaluation, `CONVERSATION#TURN`.
    public func queryID(ofTurn turn: Int) -> String {
        "\(conversations[Int(turnConversation[turn])])#\(turnNumber[turn])"
    }

    /// The number of turns in each split.
    public func splitCounts() -> [Split: Int] {
        var counts: [Split: Int] = [:]
        for split in Split.allCases { counts[split] = 0 }
        for split in turnSplit { counts[split, default: 0] += 1 }
        return counts
    }
}

/// Text features of a conversation graph's nodes (`pr-embed`): user and turn nodes have
/// none (users are known by their turns, turns by their position).
public struct ConversationFeatures: Sendable, Equatable {
    /// The text encoder that made the vectors.
    public var encoder: String
    public var dimension: Int
    /// One row per turn's query.
    public var query: Matrix
    /// One row per response.
    public var response: Matrix
    /// One row per LLM: text embedding and ``NodeFeatures/llmProfileColumns`` profile columns.
    public var llm: Matrix

    public init(encoder: String, dimension: Int, query: Matrix, response: Matrix, llm: Matrix) {
        self.encoder = encoder
        self.dimension = dimension
        self.query = query
        self.response = response
        self.llm = llm
    }
}
