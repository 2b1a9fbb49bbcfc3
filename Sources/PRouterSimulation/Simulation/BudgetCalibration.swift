import PRouterIO

/// The trade-off that meets a budget on a response table: the weight `beta` against
/// cost (with `alpha = 1 - beta` on performance) at which the LLMs such a user prefers
/// cost at most a given amount per 1,000 queries, or send at most a given share of the
/// queries to the most expensive LLM. RouteLLM's `calibrate_threshold` sets a two-model
/// router's threshold from a target share of strong-model calls; this does the same for
/// N LLMs through the users' preference weights, which pr-sim and the models understand.
///
/// Each query's preferred LLM gets cheaper as `beta` grows, so the total cost falls
/// monotonically and the smallest `beta` within budget (the most quality the budget buys)
/// is found by bisection.
public struct BudgetCalibration: Sendable {
    /// What the routing may spend.
    public enum Budget: Sendable, Equatable {
        /// US dollars per 1,000 queries.
        case costPerThousand(Double)
        /// Share (0...1) of the queries sent to the most expensive LLM.
        case expensiveShare(Double)
    }

    /// The calibrated weights and what they spend on the table.
    public struct Result: Sendable, Equatable {
        public var alpha: Double
        public var beta: Double
        public var costPerThousand: Double
        /// The LLM with the highest mean cost, and the share of queries preferring it.
        public var expensiveLLM: String
        public var expensiveShare: Double
        public var meanPerformance: Double
        public var queries: Int
    }

    public let table: ResponseTable
    /// The LLM with the highest mean cost over the queries it answered.
    let expensiveLLM: String

    public init(table: ResponseTable) {
        self.table = table
        var totals: [String: (sum: Double, count: Int)] = [:]
        for entry in table.entries { totals[entry.llm, default: (0, 0)].sum += entry.cost; totals[entry.llm, default: (0, 0)].count += 1 }
        expensiveLLM = totals.max { a, b in
            let (x, y) = (a.value.sum / Double(a.value.count), b.value.sum / Double(b.value.count))
            return x != y ? x < y : a.key > b.key
        }?.key ?? ""
    }

    /// What a user with weight `beta` against cost (and `1 - beta` on performance) spends.
    public func spending(beta: Double) -> Result {
        let expensive = expensiveLLM
        var (cost, performance, expensiveCount) = (0.0, 0.0, 0)
        for query in table.queries {
            let entries = query.entries.map { table.entries[$0] }
            let rewards = entries.map { CostSimulator.reward($0, alpha: 1 - beta, beta: beta) }
            let chosen = entries[CostSimulator.bestIndex(entries, rewards: rewards)]
            cost += chosen.cost
            performance += chosen.performance
            if chosen.llm == expensive { expensiveCount += 1 }
        }
        let n = Double(max(table.queries.count, 1))
        return Result(alpha: ((1 - beta) * 1e6).rounded() / 1e6, beta: beta, costPerThousand: cost / n * 1000, expensiveLLM: expensive,
                      expensiveShare: Double(expensiveCount) / n, meanPerformance: performance / n, queries: table.queries.count)
    }

    /// The smallest `beta` (to 1e-6) whose spending is within `budget`; nil when even
    /// `beta = 1` (the cheapest preferences) spends more.
    public func calibrate(_ budget: Budget) -> Result? {
        func within(_ result: Result) -> Bool {
            switch budget {
            case .costPerThousand(let limit): return result.costPerThousand <= limit * (1 + 1e-12)
            case .expensiveShare(let limit): return result.expensiveShare <= limit + 1e-12
            }
        }
        let unlimited = spending(beta: 0)
        if within(unlimited) { return unlimited }
        guard within(spending(beta: 1)) else { return nil }
        var (low, high) = (0.0, 1.0)  // low: over budget, high: within
        while high - low > 1e-6 {
            let middle = (low + high) / 2
            if within(spending(beta: middle)) { high = middle } else { low = middle }
        }
        return spending(beta: min(1, (high * 1e6).rounded(.up) / 1e6))  // six decimals, still within budget
    }
}

/// What `pr-sim calibrate` does: calibrate a response table to a budget and write the
/// result as one JSON line.
public struct CalibrationJob: Sendable {
    public var responsesPath: String
    public var llmsPath: String?
    public var budget: BudgetCalibration.Budget

    public init(responsesPath: String, llmsPath: String?, budget: BudgetCalibration.Budget) {
        self.responsesPath = responsesPath
        self.llmsPath = llmsPath
        self.budget = budget
    }

    /// Writes `{"alpha","beta","cost_per_1000","expensive_llm","expensive_share","mean_performance","queries"}`;
    /// a budget that even the cheapest preferences exceed is a data error naming what they cost.
    public func run(writer: JSONLWriter) throws {
        let result = try DataError.naming(responsesPath) { () throws -> BudgetCalibration.Result in
            let table = try ResponseTable(path: responsesPath, llmsPath: llmsPath)
            let calibration = BudgetCalibration(table: table)
            guard calibration.spending(beta: 1).queries > 0 else { throw DataError("no responses to calibrate on") }
            guard let result = calibration.calibrate(budget) else {
                let cheapest = calibration.spending(beta: 1)
                throw DataError("the budget cannot be met: even beta = 1 costs \(Decimals.fixed(cheapest.costPerThousand, 4)) USD "
                    + "per 1,000 queries and sends \(Decimals.fixed(cheapest.expensiveShare * 100, 2))% to \(cheapest.expensiveLLM)")
            }
            return result
        }
        try writer.write { line in
            line.add("alpha", result.alpha)
            line.add("beta", result.beta)
            line.add("cost_per_1000", result.costPerThousand)
            line.add("expensive_llm", result.expensiveLLM)
            line.add("expensive_share", result.expensiveShare)
            line.add("mean_performance", result.meanPerformance)
            line.add("queries", result.queries)
        }
    }
}
