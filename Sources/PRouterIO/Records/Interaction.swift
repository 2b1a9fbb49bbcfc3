/// One line of `interactions.jsonl`: a (user, query, LLM) triple and its outcome.
///
/// `reward` is present in cost mode and absent in judge mode; `best` marks the LLM
/// the user prefers for the query (exactly one per user and query).
public struct Interaction: Sendable, Equatable {
    public var user: String
    public var queryID: String
    public var task: String
    public var query: String
    public var llm: String
    public var performance: Double
    public var cost: Double
    public var reward: Double?
    public var best: Bool
    public var location: SourceLocation?

    public init(user: String, queryID: String, task: String, query: String, llm: String,
                performance: Double, cost: Double, reward: Double?, best: Bool) {
        self.user = user
        self.queryID = queryID
        self.task = task
        self.query = query
        self.llm = llm
        self.performance = performance
        self.cost = cost
        self.reward = reward
        self.best = best
    }

    public init(_ record: JSONRecord) throws {
        user = try record.string("user")
        queryID = try record.string("query_id")
        task = try record.string("task")
        query = try record.string("query")
        llm = try record.string("llm")
        performance = try record.number("performance", in: 0...1, describedAs: "a number in 0..1")
        cost = try record.number("cost", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        reward = try record.optionalNumber("reward")
        best = try record.bool("best")
        location = record.location
    }

    /// Writes the record in the schema's key order.
    public func encode(into object: inout JSONObjectBuilder) {
        object.add("user", user)
        object.add("query_id", queryID)
        object.add("task", task)
        object.add("query", query)
        object.add("llm", llm)
        object.add("performance", performance)
        object.add("cost", cost)
        if let reward { object.add("reward", reward) }
        object.add("best", best)
    }
}

/// One routing decision, as `pr-route` writes it and `pr-eval` reads it.
public struct Route: Sendable, Equatable {
    public var user: String
    public var queryID: String
    public var llm: String
    public var location: SourceLocation

    public init(_ record: JSONRecord) throws {
        user = try record.string("user")
        queryID = try record.string("query_id")
        llm = try record.string("llm")
        location = record.location
    }
}
