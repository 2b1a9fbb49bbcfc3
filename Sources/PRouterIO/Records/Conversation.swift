/// One candidate LLM's response in a conversation turn, with its signals and the user's feedback.
public struct TurnResponse: Sendable, Equatable {
    public var llm: String
    public var response: String?
    /// Quality in 0...1.
    public var score: Double?
    /// USD.
    public var cost: Double?
    /// Length in tokens (or any consistent unit).
    public var length: Double?
    /// Whether the user preferred this response.
    public var preferred: Bool?
    /// The user's rating, on the log's own scale.
    public var rating: Double?

    public init(llm: String, response: String? = nil, score: Double? = nil, cost: Double? = nil, length: Double? = nil,
                preferred: Bool? = nil, rating: Double? = nil) {
        self.llm = llm
        self.response = response
        self.score = score
        self.cost = cost
        self.length = length
        self.preferred = preferred
        self.rating = rating
    }

    init(_ record: JSONRecord) throws {
        llm = try record.string("llm")
        response = try record.optionalString("response", allowEmpty: true)
        score = try record.optionalNumber("score", in: 0...1, describedAs: "a number in 0..1")
        cost = try record.optionalNumber("cost", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        length = try record.optionalNumber("length", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        preferred = record.has("preferred") ? try record.bool("preferred") : nil
        rating = try record.optionalNumber("rating")
    }

    func encode(into object: inout JSONObjectBuilder) {
        object.add("llm", llm)
        if let response { object.add("response", response) }
        if let score { object.add("score", score) }
        if let cost { object.add("cost", cost) }
        if let length { object.add("length", length) }
        if let preferred { object.add("preferred", preferred) }
        if let rating { object.add("rating", rating) }
    }
}

/// One line of `conversations.jsonl`: a turn of a user's conversation, the query asked
/// and every candidate LLM's response to it.
public struct ConversationTurn: Sendable, Equatable {
    public var user: String
    public var conversationID: String
    /// 0-based position in the conversation.
    public var turn: Int
    public var query: String
    public var responses: [TurnResponse]
    public var location: SourceLocation?

    public init(user: String, conversationID: String, turn: Int, query: String, responses: [TurnResponse]) {
        self.user = user
        self.conversationID = conversationID
        self.turn = turn
        self.query = query
        self.responses = responses
    }

    /// Decodes and validates a line: at least two responses, each LLM once. With `responsesOptional`, a line without `responses` (a turn to
    /// route to any LLM) is accepted with none.
    public init(_ record: JSONRecord, responsesOptional: Bool = false) throws {
        user = try record.string("user")
        conversationID = try record.string("conversation_id")
        guard let turn = try record.optionalInteger("turn") else { throw record.error("turn", "missing") }
        self.turn = turn
        query = try record.string("query")
        location = record.location
        guard !responsesOptional || record.has("responses") else {
            responses = []
            return
        }
        responses = try record.objectArray("responses").map(TurnResponse.init)
        var seen = Set<String>()
        for (i, response) in responses.enumerated() where !seen.insert(response.llm).inserted {
            throw record.error("responses[\(i)].llm", "\"\(response.llm)\" answers this turn twice")
        }
        guard responses.count >= 2 else { throw record.error("responses", "expected at least two candidate responses") }
    }

    /// The query id the turn goes by in routes and evaluation: `CONVERSATION#TURN`.
    public var queryID: String { "\(conversationID)#\(turn)" }

    /// Whether the user's feedback on this turn is known (a response marked preferred, or ratings).
    public var hasFeedback: Bool { preferredIndex != nil }

    /// The response the user preferred: the first marked `preferred`, or else the highest
    /// `rating` (the first of equals); nil without feedback.
    public var preferredIndex: Int? {
        if let marked = responses.firstIndex(where: { $0.preferred == true }) { return marked }
        var best: Int?
        for (i, response) in responses.enumerated() {
            guard let rating = response.rating else { continue }
            if best == nil || rating > responses[best!].rating! { best = i }
        }
        return best
    }

    /// Writes the line, keys in schema order.
    public func encode(into object: inout JSONObjectBuilder) {
        object.add("user", user)
        object.add("conversation_id", conversationID)
        object.add("turn", turn)
        object.add("query", query)
        object.addArray("responses", responses) { item, response in response.encode(into: &item) }
    }
}

/// A conversation log read whole: turns grouped by conversation, in turn order.
public struct ConversationLog: Sendable {
    /// Every turn, in file order.
    public var turns: [ConversationTurn]
    /// Conversations in order of first appearance: indices into `turns`, by turn number.
    public var conversations: [[Int]]

    /// Groups and checks `turns`: a conversation belongs to one user and numbers its
    /// turns 0, 1, 2... without gaps or repeats (in any line order).
    public init(turns: [ConversationTurn]) throws {
        self.turns = turns
        var index: [String: Int] = [:]
        var groups: [[Int]] = []
        for (i, turn) in turns.enumerated() {
            if let g = index[turn.conversationID] {
                let first = turns[groups[g][0]]
                guard first.user == turn.user else {
                    throw DataError("conversation \"\(turn.conversationID)\" belongs to \"\(first.user)\" (\(first.location.map(String.init(describing:)) ?? "")), not \"\(turn.user)\"",
                                    at: turn.location, field: "user")
                }
                groups[g].append(i)
            } else {
                index[turn.conversationID] = groups.count
                groups.append([i])
            }
        }
        for g in groups.indices {
            groups[g].sort { turns[$0].turn < turns[$1].turn }
            for (position, i) in groups[g].enumerated() where turns[i].turn != position {
                let message = turns[i].turn < position
                    ? "turn \(turns[i].turn) of conversation \"\(turns[i].conversationID)\" appears twice"
                    : "conversation \"\(turns[i].conversationID)\" has no turn \(position) before turn \(turns[i].turn)"
                throw DataError(message, at: turns[i].location, field: "turn")
            }
        }
        conversations = groups
    }

    /// Reads `path` (`-` for standard input).
    public init(path: String) throws {
        try self.init(turns: try JSONLReader(path: path).decodeAll { try ConversationTurn($0) })
    }
}
