/// Judge mode: turns preference labels (from an LLM judge, a questionnaire, or any
/// other source) into interactions, `best` true for the chosen LLM only.
public struct LabelSimulator: Sendable {
    public var table: ResponseTable

    public init(table: ResponseTable) { self.table = table }

    /// Emits, for each label in order, one interaction per LLM that answered the query.
    /// A label naming an unknown query or an LLM that did not answer it, or a second
    /// label for the same user and query, is an error at that label's line.
    public func run(labels: [Label], emit: (Interaction) throws -> Void) throws {
        var seen: [String: [String: SourceLocation]] = [:]
        for label in labels {
            guard let query = table.query(id: label.queryID) else {
                throw DataError("unknown query \"\(label.queryID)\" (not in the responses)",
                                at: label.location, field: "query_id")
            }
            guard query.entries.contains(where: { table.entries[$0].llm == label.bestLLM }) else {
                throw DataError("\"\(label.bestLLM)\" did not answer query \"\(label.queryID)\"",
                                at: label.location, field: "best_llm")
            }
            if let first = seen[label.user, default: [:]][label.queryID] {
                throw DataError("second label for user \"\(label.user)\" and this query (first at \(first))",
                                at: label.location, field: "query_id")
            }
            seen[label.user, default: [:]][label.queryID] = label.location
            for index in query.entries {
                let entry = table.entries[index]
                try emit(Interaction(user: label.user, queryID: query.id, task: query.task, query: query.text,
                                     llm: entry.llm, performance: entry.performance, cost: entry.cost,
                                     reward: nil, best: entry.llm == label.bestLLM))
            }
        }
    }
}
