import PRouterGraph
import PRouterIO

/// Ground truth for evaluation: every (user, query) pair of an interactions file with
/// its candidate LLMs and outcomes.
public struct TruthTable: Sendable {
    /// One candidate LLM's outcome for a pair.
    public struct Candidate: Sendable, Equatable {
        public var llm: String
        public var performance: Double
        public var cost: Double
        public var reward: Double?
        public var best: Bool
    }

    /// A turn's conversation and position in it.
    public struct TurnPosition: Sendable, Equatable {
        public var id: String
        public var turn: Int
    }

    /// A (user, query) pair and its candidates.
    public struct Pair: Sendable, Equatable {
        public var user: String
        public var queryID: String
        /// The query's task (`conversation` for conversation turns).
        public var task: String
        /// The query's text.
        public var query: String
        /// For a conversation turn: its conversation and position.
        public var conversation: TurnPosition?
        public var candidates: [Candidate]
        public var location: SourceLocation

        /// The index of the candidate marked best.
        public var bestIndex: Int { candidates.firstIndex(where: \.best)! }

        /// The candidate with the highest of `scores` (one per candidate); among equals,
        /// the LLM whose id sorts first.
        func bestCandidate(by scores: [Double]) -> Int {
            candidates.indices.max { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : candidates[$0].llm > candidates[$1].llm }!
        }

        /// The candidate for `llm`, if it answered.
        public func candidateIndex(_ llm: String) -> Int? { candidates.firstIndex { $0.llm == llm } }
    }

    public private(set) var mode: GraphMode = .judge
    public private(set) var pairs: [Pair] = []
    private var index: [PairKey: Int] = [:]
    /// The conversation turns without feedback (no truth to score a route against).
    private var unlabelled: Set<PairKey> = []

    /// Reads an interactions file, or a labelled conversations file (each turn is a
    /// judge-mode pair `CONVERSATION#TURN`); each pair must have exactly one best LLM.
    public init(path: String) throws {
        self = try Self.isConversationLog(path) ? TruthTable(conversations: ConversationLog(path: path)) : TruthTable(interactionsAt: path)
    }

    private init(interactionsAt path: String) throws {
        var mode: GraphMode?
        var pairs: [Pair] = []
        var index: [PairKey: Int] = [:]
        try JSONLReader(path: path).forEachDecoded({ try Interaction($0) }) { interaction in
            let location = interaction.location!
            let recordMode: GraphMode = interaction.reward == nil ? .judge : .cost
            if let mode, mode != recordMode {
                throw DataError(mode == .cost ? "missing (earlier lines have rewards)" : "unexpected (earlier lines have none)",
                                at: location, field: "reward")
            }
            mode = recordMode
            let key = PairKey(user: interaction.user, queryID: interaction.queryID)
            let position: Int
            if let existing = index[key] {
                position = existing
            } else {
                position = pairs.count
                index[key] = position
                pairs.append(Pair(user: interaction.user, queryID: interaction.queryID, task: interaction.task, query: interaction.query,
                                  candidates: [],
                                  location: location))
            }
            if pairs[position].candidateIndex(interaction.llm) != nil {
                throw DataError("duplicate interaction of this user, query and LLM", at: location, field: "llm")
            }
            pairs[position].candidates.append(Candidate(llm: interaction.llm, performance: interaction.performance,
                                                        cost: interaction.cost, reward: interaction.reward,
                                                        best: interaction.best))
        }
        guard let mode else { throw DataError("\(path): no interactions") }
        self.mode = mode
        self.pairs = pairs
        self.index = index
        for pair in pairs where pair.candidates.filter(\.best).count != 1 {
            throw DataError("user \"\(pair.user)\" and query \"\(pair.queryID)\" have \(pair.candidates.filter(\.best).count) LLMs marked best, expected exactly one",
                            at: pair.location, field: "best")
        }
    }

    /// Every turn with feedback of a conversation log, as a judge-mode pair whose best
    /// LLM is the preferred response's (performance: score, cost: cost; 0 when missing).
    public init(conversations log: ConversationLog) throws {
        mode = .judge
        for turn in log.turns {
            guard let preferred = turn.preferredIndex else {
                unlabelled.insert(PairKey(user: turn.user, queryID: turn.queryID))
                continue
            }
            index[PairKey(user: turn.user, queryID: turn.queryID)] = pairs.count
            let candidates = turn.responses.enumerated().map { i, response in
                Candidate(llm: response.llm, performance: response.score ?? 0, cost: response.cost ?? 0, reward: nil, best: i == preferred)
            }
            pairs.append(Pair(user: turn.user, queryID: turn.queryID, task: "conversation", query: turn.query,
                              conversation: TurnPosition(id: turn.conversationID, turn: turn.turn), candidates: candidates,
                              location: turn.location!))
        }
        guard !pairs.isEmpty else { throw DataError("no turn has feedback (preferred or rating)", at: log.turns.first?.location) }
    }

    /// Whether the first line of `path` is a conversation turn (has `conversation_id`).
    private static func isConversationLog(_ path: String) throws -> Bool {
        struct Peeked: Error { var isConversation: Bool }
        do {
            try JSONLReader(path: path).forEach { throw Peeked(isConversation: $0.has("conversation_id")) }
        } catch let peeked as Peeked {
            return peeked.isConversation
        }
        return false
    }

    /// Whether `user` and `queryID` name a conversation turn of the truth without feedback.
    public func isUnlabelledTurn(user: String, queryID: String) -> Bool {
        unlabelled.contains(PairKey(user: user, queryID: queryID))
    }

    /// The position of the pair for `user` and `queryID`, if known.
    public func pairIndex(user: String, queryID: String) -> Int? {
        index[PairKey(user: user, queryID: queryID)]
    }
}

/// A (user, query id) dictionary key.
struct PairKey: Hashable, Sendable {
    var user: String
    var queryID: String
}
