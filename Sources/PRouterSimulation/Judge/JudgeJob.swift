import PRouterIO

/// What `pr-sim judge` does: ask judge LLMs which response each user would prefer, or
/// turn human questionnaire answers into the same labels.
public struct JudgeJob: Sendable {
    public var responsesPath: String
    public var llmsPath: String?
    /// Users with profiles (LLM judges)...
    public var usersPath: String?
    /// ...or human answers to convert.
    public var questionnairePath: String?
    public var configurations: [JudgeConfiguration]
    /// Seeds the response order shown to the judges.
    public var seed: UInt64

    public init(responsesPath: String, llmsPath: String?, usersPath: String?, questionnairePath: String?,
                configurations: [JudgeConfiguration], seed: UInt64) {
        self.responsesPath = responsesPath
        self.llmsPath = llmsPath
        self.usersPath = usersPath
        self.questionnairePath = questionnairePath
        self.configurations = configurations
        self.seed = seed
    }

    /// Writes the labels of the questionnaire, or else the exact request bodies (a dry run).
    public func write(to writer: JSONLWriter) throws {
        let table = try responseTable()
        if let questionnairePath {
            try Questionnaire.convert(answersPath: questionnairePath, table: table, writer: writer)
            return
        }
        for request in try plan(table) {
            try writer.writeText(request.body + "\n")
        }
    }

    /// Sends the plan's requests, appending labels to `outputPath` (standard output when
    /// nil or `-`) and failures to `errorsPath`. An existing labels file is resumed: a torn
    /// last line is cut, and the (user, query, judge, prompt style) already labelled are
    /// skipped; one labelled twice is an error.
    public func send(options: JudgeRunOptions, outputPath: String?, errorsPath: String?,
                     diagnostics: @escaping @Sendable (String) -> Void) async throws -> JudgeRunSummary {
        let requests = try plan(try responseTable())
        let labels = try AppendLog(path: outputPath)
        if labels.repairedBytes > 0 {
            diagnostics("\(labels.name): cut an unfinished last line (\(labels.repairedBytes) bytes) left by an interrupted run")
        }
        // What is labelled already; a label given twice would make the file one that
        // `pr-sim --labels` rejects, so it is refused before anything is appended.
        var done: [String: SourceLocation] = [:]
        if labels.isFile {
            try JSONLReader(path: labels.name).forEach { record in
                let label = try Label(record)
                let key = JudgeRequest.key(user: label.user, queryID: label.queryID, model: label.judge ?? "", style: label.promptStyle ?? 0)
                if let first = done[key] {
                    throw DataError("second label for user \"\(label.user)\" and query \"\(label.queryID)\" from this judge configuration "
                        + "(first at \(first)): keep one of them before resuming", at: label.location, field: "query_id")
                }
                done[key] = label.location
            }
        }
        let pending = requests.filter { done[$0.key] == nil }
        let errors = try errorsPath.map { try AppendLog(path: $0) }
        let runner = JudgeRunner(options: options, diagnostics: diagnostics)
        return try await runner.run(pending, skipped: requests.count - pending.count, labels: labels, errors: errors)
    }

    private func responseTable() throws -> ResponseTable {
        try ResponseTable(path: responsesPath, llmsPath: llmsPath)
    }

    private func plan(_ table: ResponseTable) throws -> [JudgeRequest] {
        guard let usersPath else { throw UsageError("judge requests need --users with profiles") }
        let users = try Catalog.users(usersPath, requirePreferences: false)
        return try JudgePlan.requests(table: table, users: users, configurations: configurations, seed: seed)
    }
}
