/// One line of `responses.jsonl`: how one LLM did on one query.
public struct Response: Sendable, Equatable {
    public var queryID: String
    public var task: String
    public var query: String
    public var llm: String
    /// The task metric, in 0...1.
    public var performance: Double
    /// The cost in USD, when given directly.
    public var cost: Double?
    /// Token counts, when the cost is to be priced from `llms.jsonl`.
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// The response text, when recorded (judge mode needs it).
    public var response: String?
    public var location: SourceLocation

    /// Decodes and validates a record.
    public init(_ record: JSONRecord) throws {
        queryID = try record.string("query_id")
        task = try record.string("task")
        query = try record.string("query")
        llm = try record.string("llm")
        performance = try record.number("performance", in: 0...1, describedAs: "a number in 0..1")
        cost = try record.optionalNumber("cost", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        inputTokens = try record.optionalInteger("input_tokens")
        outputTokens = try record.optionalInteger("output_tokens")
        response = try record.optionalString("response", allowEmpty: true)
        location = record.location
        if cost == nil {
            if inputTokens == nil, outputTokens == nil {
                throw record.error("cost", "missing (give cost, or input_tokens and output_tokens)")
            }
            if inputTokens == nil { throw record.error("input_tokens", "missing (output_tokens is given, cost is not)") }
            if outputTokens == nil { throw record.error("output_tokens", "missing (input_tokens is given, cost is not)") }
        }
    }
}

/// One line of `llms.jsonl`: a candidate LLM and its prices.
public struct LLMSpec: Sendable, Equatable {
    public var llm: String
    public var description: String
    /// USD per million input tokens.
    public var priceIn: Double
    /// USD per million output tokens.
    public var priceOut: Double
    /// Parameter count in billions, when known.
    public var paramsB: Double?
    public var location: SourceLocation

    public init(_ record: JSONRecord) throws {
        llm = try record.string("llm")
        description = try record.string("description")
        priceIn = try record.number("price_in", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        priceOut = try record.number("price_out", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        paramsB = try record.optionalNumber("params_b", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
        location = record.location
    }

    /// The USD cost of a call with the given token counts.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        (Double(inputTokens) * priceIn + Double(outputTokens) * priceOut) / 1_000_000
    }
}

/// One line of `tasks.jsonl`.
public struct TaskSpec: Sendable, Equatable {
    public var task: String
    public var description: String
    public var location: SourceLocation

    public init(_ record: JSONRecord) throws {
        task = try record.string("task")
        description = try record.string("description")
        location = record.location
    }
}
