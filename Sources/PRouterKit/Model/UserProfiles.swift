#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inductive user features, computed from a user's observed interactions rather than
/// learned per user id, so a new user is attached at routing time from a few support
/// interactions without retraining: the share of the user's observed queries on which
/// each LLM was preferred, the mean normalized performance and cost of the preferred
/// LLMs, and the log-scaled number of observed queries.
struct UserProfiles {
    let llmCount: Int
    var width: Int { llmCount + 3 }
    /// Per user: summed preference indicators, performance, cost, and the count.
    private(set) var totals: [[Float]]

    init(data: RoutingData) {
        llmCount = data.llmIDs.count
        totals = [[Float]](repeating: [Float](repeating: 0, count: data.llmIDs.count + 3), count: data.userIDs.count)
        for node in 0..<data.nodeCount where data.isPool[node] {
            add(node, data: data, sign: 1)
        }
    }

    /// Adds a user with no observed interactions yet.
    mutating func addUser() {
        totals.append([Float](repeating: 0, count: width))
    }

    /// Adds (`sign` 1) or removes (-1) the contribution of `node`'s preferred LLM.
    mutating func add(_ node: Int, data: RoutingData, sign: Float) {
        guard let contribution = Self.contribution(of: node, data: data) else { return }
        let user = Int(data.nodeUser[node])
        for (col, value) in contribution { totals[user][col] += sign * value }
    }

    /// The (column, value) pairs `node` adds to its user's totals.
    private static func contribution(of node: Int, data: RoutingData) -> [(Int, Float)]? {
        guard let best = data.edges(of: node).first(where: { data.edgeBest[$0] }) else { return nil }
        let llmCount = data.llmIDs.count
        let input = best * RoutingData.edgeInputWidth
        return [(Int(data.edgeLLM[best]), 1), (llmCount, data.edgeInput[input]),
                (llmCount + 1, data.edgeInput[input + 1]), (llmCount + 2, 1)]
    }

    /// The feature rows of `users`, leaving out the contributions of `excluded` nodes
    /// (the nodes being predicted, so that their own labels do not leak).
    func features(of users: [Int32], excluding excluded: [Int], data: RoutingData) -> Matrix {
        var adjusted: [Int: [Float]] = [:]
        for node in excluded where data.isPool[node] {
            guard let contribution = Self.contribution(of: node, data: data) else { continue }
            let user = Int(data.nodeUser[node])
            var total = adjusted[user] ?? totals[user]
            for (col, value) in contribution { total[col] -= value }
            adjusted[user] = total
        }
        var result = Matrix(rows: users.count, cols: width)
        for (row, user) in users.enumerated() {
            let total = adjusted[Int(user)] ?? totals[Int(user)]
            let count = total[llmCount + 2]
            guard count > 0 else { continue }
            for col in 0..<(llmCount + 2) { result[row, col] = total[col] / count }
            result[row, llmCount + 2] = logf(1 + count) / 5
        }
        return result
    }
}
