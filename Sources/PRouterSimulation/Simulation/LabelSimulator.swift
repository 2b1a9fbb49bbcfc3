import PRouterIO

/// Judge mode: turns preference labels (from an LLM judge, a questionnaire, or any
/// other source) into interactions, `best` true for the chosen LLM only.
public struct LabelSimulator: Sendable {
    /// Whose preference a label is.
    public enum Users: String, Sendable, CaseIterable {
        /// The label's `user`: one label per user and query.
        case user
        /// One user per user and judge configuration, `USER/JUDGE/STYLE` (`USER/JUDGE`
        /// without a prompt style), as in the paper's large-scale judge setting.
        case configuration
    }

    public var table: ResponseTable
    public var users: Users

    public init(table: ResponseTable, users: Users = .user) {
        self.table = table
        self.users = users
    }

    /// The user id a label speaks for.
    func user(of label: Label) -> String {
        guard users == .configuration else { return label.user }
        return ([label.user, label.judge ?? "unknown"] + (label.promptStyle.map { [String($0)] } ?? [])).joined(separator: "/")
    }

    /// Emits, for each label in order, one interaction per LLM that answered the query.
    /// A label naming an unknown query or an LLM that did not answer it, or a second
    /// label for the same user and query, is an error at that label's line, found before
    /// anything is emitted (so a bad labels file leaves no partial output on stdout).
    public func run(labels: [Label], emit: (Interaction) throws -> Void) throws {
        try check(labels)
        for label in labels {
            let query = table.query(id: label.queryID)!
            for index in query.entries {
                let entry = table.entries[index]
                try emit(Interaction(user: user(of: label), queryID: query.id, task: query.task, query: query.text,
                                     llm: entry.llm, performance: entry.performance, cost: entry.cost,
                                     reward: nil, best: entry.llm == label.bestLLM))
            }
        }
    }

    private func check(_ labels: [Label]) throws {
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
            let user = user(of: label)
            if let first = seen[user, default: [:]][label.queryID] {
                let hint = users == .user && label.judge != nil ? "; labels from several judge configurations need "
                    + "--label-users configuration" : ""
                throw DataError("second label for user \"\(user)\" and this query (first at \(first))\(hint)",
                                at: label.location, field: "query_id")
            }
            seen[user, default: [:]][label.queryID] = label.location
        }
    }
}
