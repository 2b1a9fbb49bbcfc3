
/// Running totals of a routing policy's outcomes over (user, query) pairs.
public struct Scorecard: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var rewardSum = 0.0
    public private(set) var oracleRewardSum = 0.0
    public private(set) var hits = 0
    public private(set) var totalCost = 0.0
    public private(set) var performanceSum = 0.0

    public init() {}

    /// Records choosing candidate `choice` for `pair`.
    public mutating func record(_ pair: TruthTable.Pair, choice: Int) {
        let chosen = pair.candidates[choice]
        count += 1
        rewardSum += chosen.reward ?? 0
        oracleRewardSum += pair.candidates[pair.bestIndex].reward ?? 0
        if chosen.best { hits += 1 }
        totalCost += chosen.cost
        performanceSum += chosen.performance
    }

    /// Mean reward per routed query.
    public var meanReward: Double { count > 0 ? rewardSum / Double(count) : 0 }
    /// Mean reward of always choosing the best LLM.
    public var oracleReward: Double { count > 0 ? oracleRewardSum / Double(count) : 0 }
    /// `meanReward / oracleReward`, or nil when the Oracle's reward is not positive.
    public var ratioToOracle: Double? { oracleReward > 0 ? meanReward / oracleReward : nil }
    /// The share of routes that chose the best LLM.
    public var accuracy: Double { count > 0 ? Double(hits) / Double(count) : 0 }
    /// Mean task performance of the chosen responses.
    public var meanPerformance: Double { count > 0 ? performanceSum / Double(count) : 0 }
}
