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

extension AnchorStart {
    /// Query groups evaluated at most: the first of every so many groups beyond it.
    static let groupLimit = 20_000

    /// The start that routes `nodes` best when each query is left out of the tables and
    /// user statistics (the text regression's predictions of observed queries are its
    /// leave-one-query-out ones already), with each start's figure; ties go to the table.
    /// No standard-error margin, unlike the table level's choice: a start is chosen once,
    /// from every labeled query, and the suite's worlds showed that the leave-query-out
    /// gains of the text starts understate their gains on unseen queries far more often
    /// than a margin would have saved a world from them.
    static func crossValidated(nodes: [Int], data: RoutingData, anchors: AnchorFeatures,
                               level: TableLevel) -> (start: AnchorStart, figures: [Double]) {
        let groups = data.queryGroups(nodes.filter { !data.edges(of: $0).isEmpty })
        let step = max(1, (groups.count + groupLimit - 1) / groupLimit)
        let weights = allCases.map { $0.weights(level: level, mode: data.mode) }
        var outcomes = [PredictionContext.Outcome](repeating: PredictionContext.Outcome(), count: allCases.count)
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
        var chosen = 0
        for index in allCases.indices where allCases[index].isDistinct(in: data.mode) && figures[index] > figures[chosen] {
            chosen = index
        }
        return (allCases[chosen], figures)
    }
}
