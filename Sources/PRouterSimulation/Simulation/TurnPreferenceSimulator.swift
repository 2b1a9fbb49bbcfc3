import PRouterIO

/// A multi-turn user's hidden preference: weights on a response's quality, cost, length
/// and rare-word use, each signal min-max normalized over the turn's candidates
/// (GMTRouter's synthetic benchmarks weigh the same four). Positive weights like more of
/// a signal, negative ones less: a thrifty user has a negative cost weight.
public struct TurnWeights: Sendable, Equatable {
    public var quality: Double
    public var cost: Double
    public var length: Double
    public var rareWords: Double

    public init(quality: Double = 0, cost: Double = 0, length: Double = 0, rareWords: Double = 0) {
        self.quality = quality
        self.cost = cost
        self.length = length
        self.rareWords = rareWords
    }

    /// Decodes a `users.jsonl` line `{"user","weights":{"quality","cost","length","rare_words"}}`
    /// (missing weights are 0), optionally with a `conversation_id` whose turns take these
    /// weights instead of the user's own (a preference of the moment); returns the user
    /// id, the conversation id if any, and the weights.
    public static func decode(_ record: JSONRecord) throws -> (user: String, conversationID: String?, weights: TurnWeights) {
        let user = try record.string("user")
        let conversationID = try record.optionalString("conversation_id")
        let object = try record.object("weights")
        let weights = TurnWeights(quality: try object.optionalNumber("quality") ?? 0, cost: try object.optionalNumber("cost") ?? 0,
                                  length: try object.optionalNumber("length") ?? 0,
                                  rareWords: try object.optionalNumber("rare_words") ?? 0)
        guard weights != TurnWeights() else { throw record.error("weights", "expected at least one non-zero weight") }
        return (user, conversationID, weights)
    }
}

/// Marks, in every turn of a conversation log, the response its user prefers: the
/// highest weighted sum of normalized signals (ties: higher score, then the LLM id that
/// sorts first). Quality is `score`; cost is `cost`; length is `length`, else the
/// response's word count; rare-word use is the share of a response's words that occur in
/// at most 1% of all the log's responses (at least one).
public struct TurnPreferenceSimulator: Sendable {
    /// Each user's weights.
    public var weights: [String: TurnWeights]
    /// Weights that replace the user's in one conversation, by conversation id.
    public var conversationWeights: [String: TurnWeights]

    public init(weights: [String: TurnWeights], conversationWeights: [String: TurnWeights] = [:]) {
        self.weights = weights
        self.conversationWeights = conversationWeights
    }

    /// The log with `preferred` set on every response (true for one per turn).
    public func run(_ log: ConversationLog) throws -> [ConversationTurn] {
        let rare = RareWords(texts: log.turns.flatMap { $0.responses.compactMap(\.response) })
        return try log.turns.map { turn in
            guard let weights = conversationWeights[turn.conversationID] ?? weights[turn.user] else {
                throw DataError("user \"\(turn.user)\" has no weights in the users file", at: turn.location, field: "user")
            }
            var utilities = [Double](repeating: 0, count: turn.responses.count)
            for signal in Signal.allCases {
                let weight = signal.weight(in: weights)
                guard weight != 0 else { continue }  // a signal nobody weighs need not be recorded
                let values = Self.normalized(try turn.responses.indices.map { try signal.value(of: turn, response: $0, rare: rare) })
                for i in utilities.indices { utilities[i] += weight * values[i] }
            }
            let best = turn.responses.indices.max { a, b in
                if utilities[a] != utilities[b] { return utilities[a] < utilities[b] }
                let (qa, qb) = (turn.responses[a].score ?? 0, turn.responses[b].score ?? 0)
                if qa != qb { return qa < qb }
                return turn.responses[a].llm > turn.responses[b].llm
            }!
            var labelled = turn
            for i in labelled.responses.indices { labelled.responses[i].preferred = i == best }
            return labelled
        }
    }

    /// Min-max scaled into 0...1; all equal gives zeros.
    static func normalized(_ values: [Double]) -> [Double] {
        let low = values.min()!, high = values.max()!
        return values.map { high > low ? ($0 - low) / (high - low) : 0 }
    }

    private enum Signal: CaseIterable {
        case quality, cost, length, rareWords

        func weight(in weights: TurnWeights) -> Double {
            switch self {
            case .quality: weights.quality
            case .cost: weights.cost
            case .length: weights.length
            case .rareWords: weights.rareWords
            }
        }

        func value(of turn: ConversationTurn, response i: Int, rare: RareWords) throws -> Double {
            let response = turn.responses[i]
            let missing = { (field: String) in
                DataError("missing (multi-turn simulation needs it for every response)", at: turn.location,
                          field: "responses[\(i)].\(field)")
            }
            switch self {
            case .quality:
                guard let score = response.score else { throw missing("score") }
                return score
            case .cost:
                guard let cost = response.cost else { throw missing("cost") }
                return cost
            case .length:
                if let length = response.length { return length }
                guard let text = response.response else { throw missing("length") }
                return Double(RareWords.words(text).count)
            case .rareWords:
                guard let text = response.response else { throw missing("response") }
                return rare.share(in: text)
            }
        }
    }
}

/// Which words are rare in a body of texts: those in at most 1% of them (at least one).
struct RareWords: Sendable {
    private var documentFrequency: [Substring: Int] = [:]
    private let threshold: Int

    init(texts: [String]) {
        for text in texts {
            for word in Set(Self.words(text)) { documentFrequency[word, default: 0] += 1 }
        }
        threshold = max(1, texts.count / 100)
    }

    /// The share of `text`'s words that are rare (0 for no words).
    func share(in text: String) -> Double {
        let words = Self.words(text)
        guard !words.isEmpty else { return 0 }
        let rare = words.filter { documentFrequency[$0, default: 0] <= threshold }.count
        return Double(rare) / Double(words.count)
    }

    /// Lower-case runs of letters.
    static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !$0.isLetter }
    }
}
