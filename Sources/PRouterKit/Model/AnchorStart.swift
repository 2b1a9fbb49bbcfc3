/// Where the anchored model starts: one of four linear policies over the anchor rows
/// (``AnchorFeatures/Rows``), `score = priors · c + deviations · (users V)`, each chosen
/// without training. Training then learns a correction from that start, kept only when
/// it beats the start on validation.
enum AnchorStart: String, CaseIterable, Sendable {
    /// The table at the cross-validated level alone.
    case table
    /// That table plus the text regression's predicted deviations, weighted by the user's
    /// (user, task) reward fit (cost mode; the same as `table` in judge mode).
    case tableText = "table-text"
    /// The user's utility of each LLM's predicted outcomes: the task means plus the text
    /// regression's deviations, weighted by the user's reward fit (cost mode) or by their
    /// preferred LLMs' mean advantage in performance and cost (judge mode). This is the
    /// ridge baseline (`--model ridge`); it pools a user's evidence over all their tasks,
    /// where a (user, task) table has only that pair's queries.
    case utility
    /// The same with the user's weights for the query's task (shrunk towards the user's):
    /// for users whose trade-off differs by task.
    case taskUtility = "task-utility"

    /// The prior weights `c` (one per prior column) and the utility map `V`
    /// (``AnchorFeatures/userWidth`` x 2) of this start.
    func weights(level: TableLevel, mode: GraphMode) -> (c: [Float], v: Matrix) {
        var c = [Float](repeating: 0, count: AnchorFeatures.priorWidth)
        var v = Matrix(rows: AnchorFeatures.userWidth, cols: RouterModel.outcomeWidth)
        let first: Int?
        switch self {
        case .table:
            c[TableLevel.allCases.firstIndex(of: level)!] = 1
            first = nil
        case .tableText:
            c[TableLevel.allCases.firstIndex(of: level)!] = 1
            first = AnchorFeatures.rewardFitColumn
        case .utility:
            c[AnchorFeatures.utilityPriorColumn] = 1
            first = AnchorFeatures.utilityColumn(mode: mode)
        case .taskUtility:
            c[AnchorFeatures.utilityPriorColumn + 1] = 1
            first = AnchorFeatures.utilityColumn(mode: mode) + AnchorFeatures.userWidth / 2
        }
        if let first {
            for column in 0..<RouterModel.outcomeWidth { v[first + column, column] = 1 }
        }
        return (c, v)
    }

    /// Whether the start differs from the table in `mode`.
    func isDistinct(in mode: GraphMode) -> Bool { self != .table && !(self == .tableText && mode == .judge) }
}

extension AnchorFeatures.Rows {
    /// `priors · c + deviations · (users V)` per candidate edge of `targets` (whose rows
    /// these are), as a column: a start's scores, without the GNN head.
    func linearScores(_ targets: [Int], data: RoutingData, c: [Float], v: Matrix) -> Matrix {
        var scores = Matrix(rows: priors.rows, cols: 1)
        var edge = 0
        for (row, node) in targets.enumerated() {
            var weights = [Float](repeating: 0, count: v.cols)
            for k in 0..<v.rows where users[row, k] != 0 {
                for column in 0..<v.cols { weights[column] += users[row, k] * v[k, column] }
            }
            for _ in data.edges(of: node) {
                var score: Float = 0
                for k in 0..<c.count where c[k] != 0 { score += priors[edge, k] * c[k] }
                for column in 0..<v.cols { score += textDeviations[edge, column] * weights[column] }
                scores[edge, 0] = score
                edge += 1
            }
        }
        return scores
    }
}

/// Where the anchored model starts: a blend of at most two ``AnchorStart``s, `share` of
/// `first`'s weights plus the rest of `second`'s (both linear, so the blend routes by the
/// same share of each start's scores). Written as `utility` or `0.75 utility + 0.25 table`.
struct AnchorMix: Hashable, Sendable {
    var first: AnchorStart
    var second: AnchorStart
    /// `first`'s share: one of ``shares``, or 1 for a single start.
    var share: Float

    /// The shares tried between two starts.
    static let shares: [Float] = [0.25, 0.5, 0.75]

    init(_ start: AnchorStart) { (first, second, share) = (start, start, 1) }
    init(_ first: AnchorStart, _ second: AnchorStart, share: Float) { (self.first, self.second, self.share) = (first, second, share) }

    /// The single starts first (the table leading, so that ties go to it), then every
    /// blend of two distinct starts in `mode`.
    static func candidates(in mode: GraphMode) -> [AnchorMix] {
        let distinct = AnchorStart.allCases.filter { $0 == .table || $0.isDistinct(in: mode) }
        var mixes = distinct.map { AnchorMix($0) }
        for (i, first) in distinct.enumerated() {
            for second in distinct[(i + 1)...] { mixes += shares.map { AnchorMix(first, second, share: $0) } }
        }
        return mixes
    }

    /// The prior weights `c` and utility map `V` of the blend.
    func weights(level: TableLevel, mode: GraphMode) -> (c: [Float], v: Matrix) {
        var (c, v) = first.weights(level: level, mode: mode)
        guard share < 1 else { return (c, v) }
        let (c2, v2) = second.weights(level: level, mode: mode)
        c = zip(c, c2).map { share * $0 + (1 - share) * $1 }
        v.data = zip(v.data, v2.data).map { share * $0 + (1 - share) * $1 }
        return (c, v)
    }
}

extension AnchorMix: RawRepresentable {
    var rawValue: String {
        share < 1 ? "\(share) \(first.rawValue) + \(1 - share) \(second.rawValue)" : first.rawValue
    }

    init?(rawValue: String) {
        if let start = AnchorStart(rawValue: rawValue) {
            self.init(start)
            return
        }
        let parts = rawValue.split(separator: " ")
        guard parts.count == 5, parts[2] == "+", let share = Float(parts[0]), let rest = Float(parts[3]),
              Self.shares.contains(share), rest == 1 - share,
              let first = AnchorStart(rawValue: String(parts[1])), let second = AnchorStart(rawValue: String(parts[4])),
              first != second else { return nil }
        self.init(first, second, share: share)
    }
}

extension AnchorMix {
    /// Query groups evaluated at most: the first of every so many groups beyond it.
    static let groupLimit = 20_000

    /// The candidate (``candidates(in:)``) that routes `nodes` best when each query is
    /// left out of the tables and user statistics (the text regression's predictions of
    /// observed queries are its leave-one-query-out ones already), with every candidate's
    /// figure; ties go to the earlier candidate. No standard-error margin, unlike the table
    /// level's choice: a start is chosen once, from every labeled query, and the suite's
    /// worlds showed that the leave-query-out gains of the text starts understate their
    /// gains on unseen queries far more often than a margin would have saved a world from
    /// them. Blends of two starts route better than either where each knows what the
    /// other misses (a user's (user, task) cells and the text, say).
    static func crossValidated(nodes: [Int], data: RoutingData, anchors: AnchorFeatures,
                               level: TableLevel) -> (start: AnchorMix, candidates: [AnchorMix], figures: [Double]) {
        let candidates = candidates(in: data.mode)
        let groups = data.queryGroups(nodes.filter { !data.edges(of: $0).isEmpty })
        let step = max(1, (groups.count + groupLimit - 1) / groupLimit)
        let weights = candidates.map { $0.weights(level: level, mode: data.mode) }
        var outcomes = [PredictionContext.Outcome](repeating: PredictionContext.Outcome(), count: candidates.count)
        var scratch = anchors
        for group in stride(from: 0, to: groups.count, by: step).map({ groups[$0] }) {
            scratch.remove(group, data: data)
            let rows = scratch.rows(group, data: data)
            for (index, (c, v)) in weights.enumerated() {
                // Candidate edges of the group's nodes, in node order, as one column.
                let scores = rows.linearScores(group, data: data, c: c, v: v).data
                var first = 0
                for node in group {
                    let candidates = first..<first + data.edges(of: node).count
                    let best = candidates.max { scores[$0] < scores[$1] }!
                    outcomes[index].record(node: node, chosen: data.edges(of: node).lowerBound + best - first, data: data)
                    first = candidates.upperBound
                }
            }
            scratch.restore(group, data: data)
        }
        let figures = outcomes.map { $0.figure(mode: data.mode) }
        let chosen = figures.indices.max { figures[$0] < figures[$1] || (figures[$0] == figures[$1] && $0 > $1) }!
        return (candidates[chosen], candidates, figures)
    }
}
