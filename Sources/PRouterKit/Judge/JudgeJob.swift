/// What `pr-sim judge` does: ask judge LLMs which response each user would prefer, or
/// turn human questionnaire answers into the same labels.
///
/// This version plans the requests and, with `dryRun`, writes their exact bodies as
/// JSON Lines; sending them to an endpoint is not available yet.
public struct JudgeJob: Sendable {
    public var responsesPath: String
    public var llmsPath: String?
    /// Users with profiles (LLM judges)...
    public var usersPath: String?
    /// ...or human answers to convert.
    public var questionnairePath: String?
    public var configurations: [JudgeConfiguration]
    public var seed: UInt64
    public var dryRun: Bool

    public init(responsesPath: String, llmsPath: String?, usersPath: String?, questionnairePath: String?,
                configurations: [JudgeConfiguration], seed: UInt64, dryRun: Bool) {
        self.responsesPath = responsesPath
        self.llmsPath = llmsPath
        self.usersPath = usersPath
        self.questionnairePath = questionnairePath
        self.configurations = configurations
        self.seed = seed
        self.dryRun = dryRun
    }

    public func run(writer: JSONLWriter) throws {
        guard dryRun || questionnairePath != nil else {
            throw UnavailableError("sending requests to a judge endpoint is not available yet: use --dry-run to write them")
        }
        let llms = try llmsPath.map(Catalog.llms)
        let table = try ResponseTable(responses: try JSONLReader(path: responsesPath).decodeAll(Response.init), llms: llms)
        if let questionnairePath {
            try Questionnaire.convert(answersPath: questionnairePath, table: table, writer: writer)
            return
        }
        let users = try Catalog.users(usersPath!, requirePreferences: false)
        for request in try JudgePlan.requests(table: table, users: users, configurations: configurations, seed: seed) {
            try writer.writeText(request.body + "\n")
        }
    }
}
