/// One line of `users.jsonl`: a user's hidden preference.
///
/// In cost mode `alpha` weighs normalized performance and `beta` normalized cost;
/// in judge mode `profile` is the text a judge LLM role-plays.
public struct UserSpec: Sendable, Equatable {
    public var user: String
    public var alpha: Double?
    public var beta: Double?
    public var profile: String?
    public var location: SourceLocation?

    public init(user: String, alpha: Double?, beta: Double?, profile: String? = nil) {
        self.user = user
        self.alpha = alpha
        self.beta = beta
        self.profile = profile
    }

    /// Decodes a record; `requirePreferences` makes `alpha` and `beta` mandatory (cost mode).
    public init(_ record: JSONRecord, requirePreferences: Bool) throws {
        user = try record.string("user")
        let weight = 0...Double.greatestFiniteMagnitude
        if requirePreferences {
            alpha = try record.number("alpha", in: weight, describedAs: "a number >= 0")
            beta = try record.number("beta", in: weight, describedAs: "a number >= 0")
        } else {
            alpha = try record.optionalNumber("alpha", in: weight, describedAs: "a number >= 0")
            beta = try record.optionalNumber("beta", in: weight, describedAs: "a number >= 0")
        }
        if alpha == 0 && beta == 0 {
            throw record.error("alpha", "alpha and beta are both 0: every LLM would tie; give at least one a positive weight")
        }
        profile = try record.optionalString("profile")
        location = record.location
    }

    /// The paper's sweep of `count` users: alpha evenly from 0.2 to 1.0, beta = 1 - alpha.
    /// Ids are `sweep-0001`... zero-padded to the width of `count`.
    public static func sweep(_ count: Int) -> [UserSpec] {
        let width = String(count).count
        return (0..<count).map { i in
            let alpha = count == 1 ? 0.2 : 0.2 + 0.8 * Double(i) / Double(count - 1)
            let number = String(i + 1)
            let id = "sweep-" + String(repeating: "0", count: max(0, width - number.count)) + number
            return UserSpec(user: id, alpha: alpha, beta: 1 - alpha)
        }
    }
}

/// One line of `labels.jsonl`: which LLM a user (or a judge speaking for them) chose.
public struct Label: Sendable, Equatable {
    public var user: String
    public var queryID: String
    public var bestLLM: String
    /// The judge that made the label (a model name, or "human"), when recorded.
    public var judge: String?
    /// The judge's prompt style, when recorded.
    public var promptStyle: Int?
    public var location: SourceLocation

    public init(_ record: JSONRecord) throws {
        user = try record.string("user")
        queryID = try record.string("query_id")
        bestLLM = try record.string("best_llm")
        judge = try record.optionalString("judge")
        promptStyle = try record.optionalInteger("prompt_style", minimum: 1)
        location = record.location
    }
}
