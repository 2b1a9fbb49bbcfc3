/// Loading of the small id-keyed tables: `llms.jsonl`, `tasks.jsonl`, `users.jsonl`.
public enum Catalog {
    /// Reads `path` and keys its records by `id`; a repeated id is an error at its line.
    public static func load<T>(_ path: String, field: String, id: (T) -> String,
                               decode: (JSONRecord) throws -> T) throws -> [T] {
        var seen: [String: SourceLocation] = [:]
        var records: [T] = []
        try JSONLReader(path: path).forEach { record in
            let value = try decode(record)
            let key = id(value)
            if let first = seen[key] {
                throw record.error(field, "duplicate \"\(key)\" (first at \(first))")
            }
            seen[key] = record.location
            records.append(value)
        }
        return records
    }

    /// `llms.jsonl` keyed by LLM id.
    public static func llms(_ path: String) throws -> [String: LLMSpec] {
        let specs = try load(path, field: "llm", id: { $0.llm }, decode: LLMSpec.init)
        return Dictionary(uniqueKeysWithValues: specs.map { ($0.llm, $0) })
    }

    /// `users.jsonl`, in file order.
    public static func users(_ path: String, requirePreferences: Bool) throws -> [UserSpec] {
        try load(path, field: "user", id: { $0.user }, decode: { try UserSpec($0, requirePreferences: requirePreferences) })
    }

    /// `tasks.jsonl`, in file order.
    public static func tasks(_ path: String) throws -> [TaskSpec] {
        try load(path, field: "task", id: { $0.task }, decode: TaskSpec.init)
    }
}
