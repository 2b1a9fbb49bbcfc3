import PRouterIO

/// The validated response table: every (query, LLM) outcome with its USD cost and
/// its performance and cost min-max normalized per task.
///
/// Normalization scope: for each task, the minimum and maximum are taken over all
/// responses of that task in the whole table (every query and every LLM), so a
/// query's rewards do not depend on which users are simulated. When a task's
/// values are all equal, the normalized value is 0 for all of them.
public struct ResponseTable: Sendable {
    /// One LLM's outcome on one query.
    public struct Entry: Sendable, Equatable {
        public var llm: String
        public var performance: Double
        public var cost: Double
        public var performanceNorm: Double
        public var costNorm: Double
        /// The response text, when recorded.
        public var response: String? = nil
    }

    /// A query and the indices of its entries, in input order.
    public struct Query: Sendable, Equatable {
        public var id: String
        public var task: String
        public var text: String
        public var entries: [Int]
        /// Where the query was first seen.
        public var location: SourceLocation
    }

    public private(set) var queries: [Query] = []
    public private(set) var entries: [Entry] = []
    private var queryIndex: [String: Int] = [:]

    /// The table in the responses file at `path` (`-`: standard input), token counts priced
    /// with the LLMs of `llmsPath` when given.
    public init(path: String, llmsPath: String?) throws {
        try self.init(responses: try JSONLReader(path: path).decodeAll(Response.init), llms: try llmsPath.map(Catalog.llms))
    }

    /// Validates `responses` and prices token counts with `llms` (keyed by LLM id).
    public init(responses: [Response], llms: [String: LLMSpec]?) throws {
        var seen: [String: [String: SourceLocation]] = [:]
        for response in responses {
            let cost = try Self.cost(of: response, llms: llms)
            let queryNumber: Int
            if let existing = queryIndex[response.queryID] {
                queryNumber = existing
                let query = queries[existing]
                if query.task != response.task {
                    throw DataError("query \"\(response.queryID)\" has task \"\(query.task)\" at \(query.location), here \"\(response.task)\"",
                                    at: response.location, field: "task")
                }
                if query.text != response.query {
                    throw DataError("query \"\(response.queryID)\" has a different text at \(query.location)",
                                    at: response.location, field: "query")
                }
            } else {
                queryNumber = queries.count
                queryIndex[response.queryID] = queryNumber
                queries.append(Query(id: response.queryID, task: response.task, text: response.query,
                                     entries: [], location: response.location))
            }
            if let first = seen[response.queryID, default: [:]][response.llm] {
                throw DataError("duplicate response of \"\(response.llm)\" to query \"\(response.queryID)\" (first at \(first))",
                                at: response.location, field: "llm")
            }
            seen[response.queryID, default: [:]][response.llm] = response.location
            queries[queryNumber].entries.append(entries.count)
            entries.append(Entry(llm: response.llm, performance: response.performance, cost: cost,
                                 performanceNorm: 0, costNorm: 0, response: response.response))
        }
        normalizePerTask()
    }

    /// The query with id `id`, if any.
    public func query(id: String) -> Query? {
        queryIndex[id].map { queries[$0] }
    }

    private static func cost(of response: Response, llms: [String: LLMSpec]?) throws -> Double {
        if let cost = response.cost { return cost }
        guard let llms else {
            throw DataError("missing, and no --llms file to price input_tokens and output_tokens",
                            at: response.location, field: "cost")
        }
        guard let spec = llms[response.llm] else {
            throw DataError("no price for \"\(response.llm)\" in the --llms file", at: response.location, field: "llm")
        }
        let cost = spec.cost(inputTokens: response.inputTokens ?? 0, outputTokens: response.outputTokens ?? 0)
        guard cost.isFinite else {
            throw DataError("the tokens at \(spec.llm)'s prices (\(spec.location)) cost more than a number can hold",
                            at: response.location, field: "output_tokens")
        }
        return cost
    }

    private mutating func normalizePerTask() {
        var performance: [String: MinMax] = [:]
        var cost: [String: MinMax] = [:]
        for query in queries {
            for index in query.entries {
                performance[query.task, default: MinMax()].add(entries[index].performance)
                cost[query.task, default: MinMax()].add(entries[index].cost)
            }
        }
        for query in queries {
            let perfRange = performance[query.task]!
            let costRange = cost[query.task]!
            for index in query.entries {
                entries[index].performanceNorm = perfRange.normalize(entries[index].performance)
                entries[index].costNorm = costRange.normalize(entries[index].cost)
            }
        }
    }
}
