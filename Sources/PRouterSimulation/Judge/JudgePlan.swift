import PRouterAutodiff
import PRouterIO

/// One judge configuration: a judge model and a prompt style (the paper's large-scale
/// setting uses 3 judges x 2 styles = 6 configurations per user profile).
public struct JudgeConfiguration: Sendable, Equatable {
    public var model: String
    public var style: PromptStyle

    public init(model: String, style: PromptStyle) {
        self.model = model
        self.style = style
    }
}

/// One question to a judge: which response to a query a user would prefer.
public struct JudgeRequest: Sendable, Equatable {
    public var user: String
    public var queryID: String
    public var configuration: JudgeConfiguration
    /// The LLM behind each numbered response, in the order the judge sees them.
    public var order: [String]
    /// The exact `POST /v1/chat/completions` body, as one line of JSON.
    public var body: String

    /// What identifies a judge question: user, query, judge model and prompt style. The plan
    /// seeds its shuffle with it, the runner its retry jitter, and a resumed run matches
    /// labels already written against it.
    static func key(user: String, queryID: String, model: String, style: Int) -> String {
        [user, queryID, model, String(style)].joined(separator: "\u{0}")
    }

    /// This request's ``key(user:queryID:model:style:)``.
    var key: String {
        Self.key(user: user, queryID: queryID, model: configuration.model, style: configuration.style.rawValue)
    }

    /// The request in messages: `USER / QUERY (MODEL, style N)`.
    var name: String {
        "\(user) / \(queryID) (\(configuration.model), style \(configuration.style.rawValue))"
    }
}

/// The questions of a judge run: every user with a profile, every query, every configuration.
public enum JudgePlan {
    /// The requests, users in order, then queries, then configurations. Each request's
    /// responses are shuffled (against position bias) by a generator seeded with `seed`
    /// and the (user, query, configuration), so a request does not depend on the others.
    public static func requests(table: ResponseTable, users: [UserSpec], configurations: [JudgeConfiguration],
                                seed: UInt64) throws -> [JudgeRequest] {
        var requests: [JudgeRequest] = []
        for user in users {
            guard let profile = user.profile else {
                throw DataError("missing (judge mode needs a profile for every user)", at: user.location, field: "profile")
            }
            for query in table.queries {
                let entries = query.entries.map { table.entries[$0] }
                if let silent = entries.first(where: { $0.response == nil }) {
                    throw DataError("query \"\(query.id)\": the response of \"\(silent.llm)\" has no text to judge",
                                    at: query.location, field: "response")
                }
                guard entries.count >= 2 else { continue }
                for configuration in configurations {
                    var order = Array(entries.indices)
                    let key = JudgeRequest.key(user: user.user, queryID: query.id, model: configuration.model,
                                               style: configuration.style.rawValue)
                    var generator = SplitMix64(seed: seed, stream: StableHash.fnv1a(key))
                    generator.shuffle(&order)
                    let prompt = configuration.style.userMessage(query: query.text, responses: order.map { entries[$0].response! })
                    var body = JSONObjectBuilder()
                    body.add("model", configuration.model)
                    body.addArray("messages", [("system", profile), ("user", prompt)]) { message, item in
                        message.add("role", item.0)
                        message.add("content", item.1)
                    }
                    body.add("temperature", 0)
                    requests.append(JudgeRequest(user: user.user, queryID: query.id, configuration: configuration,
                                                 order: order.map { entries[$0].llm }, body: body.text()))
                }
            }
        }
        return requests
    }
}
