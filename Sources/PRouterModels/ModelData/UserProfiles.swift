#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterAutodiff

/// Inductive user features, computed from a user's observed interactions rather than
/// learned per user id, so a new user is attached at routing time from a few support
/// interactions without retraining: the share of the user's observed queries on which
/// each LLM was preferred, the mean normalized performance and cost of the preferred
/// LLMs, and the log-scaled number of observed queries. The same profile restricted to
/// one task (the user-task edge) is an input of the user's query nodes of that task.
struct UserProfiles {
    let llmCount: Int
    var width: Int { llmCount + 3 }
    /// Per user: summed preference indicators, performance, cost, and the count.
    private var totals: [[Float]]
    /// The same per (user, task) pair.
    private var taskTotals: [Int64: [Float]] = [:]

    /// Profiles over the first `llmCount` LLMs (those the model was trained with; a
    /// preference for an LLM added at routing time counts in the totals only).
    init(data: RoutingData, llmCount: Int) {
        self.llmCount = llmCount
        let width = llmCount + 3
        totals = [[Float]](repeating: [Float](repeating: 0, count: width), count: data.userIDs.count)
        for node in 0..<data.nodeCount where data.isPool[node] {
            guard let contribution = Contribution(node: node, data: data) else { continue }
            contribution.add(to: &totals[Int(data.nodeUser[node])], llmCount: llmCount, sign: 1)
            contribution.add(to: &taskTotals[Self.key(data.nodeUser[node], data.nodeTask[node]),
                                              default: [Float](repeating: 0, count: width)], llmCount: llmCount, sign: 1)
        }
    }

    /// No observed interactions at all: for the models that take no user inputs.
    init(emptyWith llmCount: Int, users: Int) {
        self.llmCount = llmCount
        totals = [[Float]](repeating: [Float](repeating: 0, count: llmCount + 3), count: users)
    }

    private static func key(_ user: Int32, _ task: Int32) -> Int64 { Int64(user) << 32 | Int64(task) }

    /// What an observed node adds to its user's totals: its preferred LLM and that LLM's
    /// normalized performance and cost.
    private struct Contribution {
        var llm: Int
        var performance: Float
        var cost: Float

        init?(node: Int, data: RoutingData) {
            guard let best = data.edges(of: node).first(where: { data.edgeBest[$0] }) else { return nil }
            let input = best * RoutingData.edgeInputWidth
            (llm, performance, cost) = (Int(data.edgeLLM[best]), data.edgeInput[input], data.edgeInput[input + 1])
        }

        /// Adds (`sign` 1) or removes (-1) the contribution to `totals`.
        func add(to totals: inout [Float], llmCount: Int, sign: Float) {
            totals[llmCount] += sign * performance
            totals[llmCount + 1] += sign * cost
            totals[llmCount + 2] += sign
            if llm < llmCount { totals[llm] += sign }
        }
    }

    /// The profile rows of `users`, leaving out the contributions of `excluded` nodes
    /// (the nodes being predicted, so that their own labels do not leak).
    func userRows(_ users: [Int32], excluding excluded: [Int], data: RoutingData) -> Matrix {
        let adjusted = adjustments(excluded, data: data, key: { Int64(data.nodeUser[$0]) },
                                   total: { totals[Int($0)] })
        return rows(users.map { adjusted[Int64($0)] ?? totals[Int($0)] })
    }

    /// The user-task profile rows of query `nodes`, leaving out `excluded` nodes.
    func queryRows(_ nodes: [Int32], excluding excluded: [Int], data: RoutingData) -> Matrix {
        let empty = [Float](repeating: 0, count: width)
        let adjusted = adjustments(excluded, data: data, key: { Self.key(data.nodeUser[$0], data.nodeTask[$0]) },
                                   total: { taskTotals[$0] ?? empty })
        return rows(nodes.map { node in
            let key = Self.key(data.nodeUser[Int(node)], data.nodeTask[Int(node)])
            return adjusted[key] ?? taskTotals[key] ?? empty
        })
    }

    /// Totals with the excluded nodes' contributions removed, keyed by `key(node)`.
    private func adjustments(_ excluded: [Int], data: RoutingData, key: (Int) -> Int64,
                             total: (Int64) -> [Float]) -> [Int64: [Float]] {
        var adjusted: [Int64: [Float]] = [:]
        for node in excluded where data.isPool[node] {
            guard let contribution = Contribution(node: node, data: data) else { continue }
            let k = key(node)
            if adjusted[k] == nil { adjusted[k] = total(k) }
            contribution.add(to: &adjusted[k]!, llmCount: llmCount, sign: -1)
        }
        return adjusted
    }

    /// Normalized rows from totals.
    private func rows(_ sums: [[Float]]) -> Matrix {
        var result = Matrix(rows: sums.count, cols: width)
        for (row, total) in sums.enumerated() {
            let count = total[llmCount + 2]
            guard count > 0 else { continue }
            for col in 0..<(llmCount + 2) { result[row, col] = total[col] / count }
            result[row, llmCount + 2] = logf(1 + count) / 5
        }
        return result
    }
}
