import PRouterIO

/// Human-as-a-Judge answers: a participant's chosen response number for a query.
///
/// An answer line is `{"participant","query_id","choice"}` with an optional `"order"`,
/// the LLMs in the order the participant saw their responses; without it, response N
/// is the query's N-th response in responses.jsonl.
public enum Questionnaire {
    /// Turns answers into label lines `{"user","query_id","best_llm","judge":"human","prompt_style":null}`.
    public static func convert(answersPath: String, table: ResponseTable, writer: JSONLWriter) throws {
        var seen: [String: SourceLocation] = [:]
        try JSONLReader(path: answersPath).forEach { record in
            let participant = try record.string("participant")
            let queryID = try record.string("query_id")
            guard let query = table.query(id: queryID) else {
                throw record.error("query_id", "unknown query \"\(queryID)\" (not in the responses)")
            }
            let llms = query.entries.map { table.entries[$0].llm }
            var order = llms
            if record.has("order") {
                order = try record.stringArray("order")
                guard order.sorted() == llms.sorted() else {
                    throw record.error("order", "expected the \(llms.count) LLMs that answered \"\(queryID)\", each once")
                }
            }
            guard let choice = try record.optionalInteger("choice", minimum: 1), choice <= order.count else {
                throw record.error("choice", record.has("choice") ? "expected a response number from 1 to \(order.count)" : "missing")
            }
            let key = participant + "\u{0}" + queryID
            if let first = seen[key] {
                throw record.error("query_id", "second answer of \"\(participant)\" for this query (first at \(first))")
            }
            seen[key] = record.location
            try writer.write { label in
                label.add("user", participant)
                label.add("query_id", queryID)
                label.add("best_llm", order[choice - 1])
                label.add("judge", "human")
                label.addNull("prompt_style")
            }
        }
    }
}
