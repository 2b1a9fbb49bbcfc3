import PRouterAutodiff
import PRouterIO

/// The paper's multi-cost-efficiency simulation: each user has a hidden preference
/// `alpha` for performance and `beta` against cost, and prefers the LLM with the
/// highest `reward = alpha * performance_norm - beta * cost_norm`.
public struct CostSimulator: Sendable {
    public var table: ResponseTable
    public var users: [UserSpec]

    public init(table: ResponseTable, users: [UserSpec]) {
        self.table = table
        self.users = users
    }

    /// The reward of `entry` for a user with weights `alpha` and `beta`.
    public static func reward(_ entry: ResponseTable.Entry, alpha: Double, beta: Double) -> Double {
        alpha * entry.performanceNorm - beta * entry.costNorm
    }

    /// Emits one interaction per (user, query, LLM): users in order, each user's
    /// queries in table order, each query's LLMs in table order.
    ///
    /// With `queriesPerUser`, each user gets that many distinct queries drawn with a
    /// generator seeded by `seed` and the user's position, so adding users does not
    /// change the draws of earlier ones.
    public func run(queriesPerUser: Int?, seed: UInt64, emit: (Interaction) throws -> Void) throws {
        for (userNumber, user) in users.enumerated() {
            guard let alpha = user.alpha, let beta = user.beta else {
                throw DataError("missing (cost mode needs alpha and beta for every user)",
                                at: user.location, field: user.alpha == nil ? "alpha" : "beta")
            }
            let queryNumbers: [Int]
            if let queriesPerUser {
                var generator = SplitMix64(seed: seed, stream: UInt64(userNumber))
                queryNumbers = generator.sample(queriesPerUser, of: table.queries.count)
            } else {
                queryNumbers = Array(table.queries.indices)
            }
            for queryNumber in queryNumbers {
                let query = table.queries[queryNumber]
                let rewards = query.entries.map { Self.reward(table.entries[$0], alpha: alpha, beta: beta) }
                let best = Self.bestIndex(query.entries.map { table.entries[$0] }, rewards: rewards)
                for (position, index) in query.entries.enumerated() {
                    let entry = table.entries[index]
                    try emit(Interaction(user: user.user, queryID: query.id, task: query.task, query: query.text,
                                         llm: entry.llm, performance: entry.performance, cost: entry.cost,
                                         reward: rewards[position], best: position == best))
                }
            }
        }
    }

    /// The position of the preferred entry: highest reward, then higher performance,
    /// then lower cost, then the LLM id that sorts first.
    public static func bestIndex(_ entries: [ResponseTable.Entry], rewards: [Double]) -> Int {
        var best = 0
        for i in entries.indices.dropFirst() {
            let (a, b) = (entries[i], entries[best])
            if rewards[i] != rewards[best] {
                if rewards[i] > rewards[best] { best = i }
            } else if a.performance != b.performance {
                if a.performance > b.performance { best = i }
            } else if a.cost != b.cost {
                if a.cost < b.cost { best = i }
            } else if a.llm < b.llm {
                best = i
            }
        }
        return best
    }
}
