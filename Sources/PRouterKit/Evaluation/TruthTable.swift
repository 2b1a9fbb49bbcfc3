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

    /// A (user, query) pair and its candidates.
    public struct Pair: Sendable, Equatable {
        public var user: String
        public var queryID: String
        public var candidates: [Candidate]
        public var location: SourceLocation

        /// The index of the candidate marked best.
        public var bestIndex: Int { candidates.firstIndex(where: \.best)! }

        /// The candidate for `llm`, if it answered.
        public func candidateIndex(_ llm: String) -> Int? { candidates.firstIndex { $0.llm == llm } }
    }

    public let mode: GraphMode
    public private(set) var pairs: [Pair] = []
    private var index: [PairKey: Int] = [:]

    /// Reads an interactions file; each pair must have exactly one best LLM.
    public init(path: String) throws {
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
                pairs.append(Pair(user: interaction.user, queryID: interaction.queryID, candidates: [], location: location))
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
