import PRouterAutodiff
import PRouterGraph

/// Where the anchored model starts: one of four linear policies over the anchor rows
/// (``AnchorFeatures/Rows``), `score = priors · c + deviations · (users V)`, each chosen
/// without training. Training then learns a correction from that start, kept only when
/// it beats the start on validation.
enum AnchorStart: String, CaseIterable, Sendable {
    /// The table at the cross-validated level alone.
    case table
    /// That table plus the text regression's predicted deviations, weighted by the user's
    /// (user, task) least-squares fit.
    case tableText = "table-text"
    /// The user's utility of each LLM's predicted outcomes: the task means plus the text
    /// regression's deviations, weighted by the user's least-squares fit of their rewards
    /// (cost mode) or their conditional logit of which LLM they preferred (judge mode,
    /// ``PreferenceLogit``). This is the
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
        var v = Matrix(rows: AnchorFeatures.userWidth, cols: AnchoredModel.outcomeWidth)
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
            first = AnchorFeatures.utilityColumn
        case .taskUtility:
            c[AnchorFeatures.utilityPriorColumn + 1] = 1
            first = AnchorFeatures.utilityColumn + AnchorFeatures.userWidth / 2
        }
        if let first {
            for column in 0..<AnchoredModel.outcomeWidth { v[first + column, column] = 1 }
        }
        return (c, v)
    }

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

/// Where the anchored model starts: a convex blend of the ``AnchorStart``s (all linear,
/// so the blend routes by the same shares of their scores). Written as `utility` or
/// `0.75 utility + 0.25 table`.
struct AnchorMix: Hashable, Sendable {
    /// One share per ``AnchorStart/allCases``, summing to 1.
    private(set) var shares: [Float]

    /// The shares tried between two starts.
    static let pairShares: [Float] = [0.25, 0.5, 0.75]

    init(_ start: AnchorStart) {
        shares = AnchorStart.allCases.map { $0 == start ? 1 : 0 }
    }

    init(_ first: AnchorStart, _ second: AnchorStart, share: Float) {
        shares = AnchorStart.allCases.map { $0 == first ? share : $0 == second ? 1 - share : 0 }
    }

    /// The mean of `mixes`.
    init(averaging mixes: [AnchorMix]) {
        shares = AnchorStart.allCases.indices.map { i in mixes.reduce(0) { $0 + $1.shares[i] } / Float(mixes.count) }
    }

    private init(shares: [Float]) { self.shares = shares }

    /// The single starts first (the table leading, so that ties go to it), then every
    /// blend of two of them.
    static let candidates: [AnchorMix] = {
        let starts = AnchorStart.allCases
        var mixes = starts.map { AnchorMix($0) }
        for (i, first) in starts.enumerated() {
            for second in starts[(i + 1)...] { mixes += pairShares.map { AnchorMix(first, second, share: $0) } }
        }
        return mixes
    }()

    /// The prior weights `c` and utility map `V` of the blend.
    func weights(level: TableLevel, mode: GraphMode) -> (c: [Float], v: Matrix) {
        var c = [Float](repeating: 0, count: AnchorFeatures.priorWidth)
        var v = Matrix(rows: AnchorFeatures.userWidth, cols: AnchoredModel.outcomeWidth)
        for (start, share) in zip(AnchorStart.allCases, shares) where share > 0 {
            let (startC, startV) = start.weights(level: level, mode: mode)
            for i in c.indices { c[i] += share * startC[i] }
            for i in v.data.indices { v.data[i] += share * startV.data[i] }
        }
        return (c, v)
    }
}

extension AnchorMix: RawRepresentable {
    var rawValue: String {
        let terms = zip(shares, AnchorStart.allCases).filter { $0.0 > 0 }
        return terms.count == 1 ? terms[0].1.rawValue : terms.map { "\($0.0) \($0.1.rawValue)" }.joined(separator: " + ")
    }

    init?(rawValue: String) {
        if let start = AnchorStart(rawValue: rawValue) {
            self.init(start)
            return
        }
        var shares = [Float](repeating: 0, count: AnchorStart.allCases.count)
        for term in rawValue.split(separator: " + ", omittingEmptySubsequences: false) {
            let parts = term.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let share = Float(parts[0]), share > 0, share <= 1,
                  let start = AnchorStart(rawValue: String(parts[1])),
                  let index = AnchorStart.allCases.firstIndex(of: start), shares[index] == 0 else { return nil }
            shares[index] = share
        }
        guard abs(shares.reduce(0, +) - 1) < 1e-3 else { return nil }
        self.init(shares: shares)
    }
}

/// What the start's cross-validation found: the chosen start's figure (mean reward per
/// node in cost mode, accuracy in judge mode) and its gain over the table start at the
/// chosen level, node by node, with the gain's standard error clustered by query. The
/// weights file records it, and `pr-train` reports it, so that a start's choice can be
/// checked against how it routes held-out queries.
struct StartEvidence: Sendable, Equatable {
    var figure: Double
    var tableGain: Double
    var standardError: Double
}

extension AnchorMix {
    /// Query groups evaluated at most: the first of every so many groups beyond it.
    static let groupLimit = 20_000
    /// Folds of the observed queries over which the text regression is fitted afresh for
    /// the start's cross-validation (``AnchorFeatures/crossFitted(data:folds:)``): its own
    /// held-out predictions come from a view, penalty and task factors chosen on every
    /// query, the held-out one included, and on 0/1 outcomes that made the utility start
    /// look better than the table where the test queries put it below.
    static let crossFitFolds = 10
    /// Standard errors (clustered by query) by which the best candidate must beat the
    /// utility start to replace it. Two, on the regression's own held-out predictions,
    /// kept the utility start where it routed below the table; on cross-fitted ones the
    /// comparison is fair, and one is enough.
    static let significance = 1.0

    /// The start for `nodes`, from how the ``candidates`` route them when each query is
    /// left out of the tables and user statistics and the text regression's predictions
    /// are cross-fitted over ``crossFitFolds`` folds
    /// (``AnchorFeatures/crossFitted(data:folds:)``), with every candidate's
    /// figure (in ``candidates`` order) and the chosen start's evidence. The utility start
    /// (the ridge baseline) is the reference: it is kept unless the best candidate beats it
    /// by ``significance`` standard errors (clustered by query); then the start is the mean
    /// of the best candidate and every candidate it does not beat by one standard error,
    /// so that one lucky figure does not choose alone. Blends
    /// of two starts route better than either where each knows what the other misses (a
    /// user's (user, task) cells and the text, say). Taking the table as the reference
    /// instead, or the best figure without a margin, left the default below the ridge on
    /// more suite worlds: most differences between starts are noise, and the utility start
    /// is rarely worse than another by much.
    static func crossValidated(nodes: [Int], data: RoutingData, anchors: AnchorFeatures,
                               level: TableLevel) -> (start: AnchorMix, figures: [Double], evidence: StartEvidence) {
        let anchors = anchors.crossFitted(data: data, folds: crossFitFolds)
        let groups = data.queryGroups(nodes.filter { !data.edges(of: $0).isEmpty })
        let step = max(1, (groups.count + groupLimit - 1) / groupLimit)
        let sampled = stride(from: 0, to: groups.count, by: step).map { groups[$0] }
        let outcomes = routed(candidates, groups: sampled, data: data, anchors: anchors, level: level)
        let figures = outcomes.map { $0.figure(mode: data.mode) }
        let best = figures.indices.max { figures[$0] < figures[$1] || (figures[$0] == figures[$1] && $0 > $1) }!
        let reference = candidates.firstIndex(of: AnchorMix(.utility))!
        var start = candidates[reference]
        if outcomes[best].pairedGain(over: outcomes[reference]).isSignificant(significance) {
            let peers = candidates.indices.filter { !outcomes[best].pairedGain(over: outcomes[$0]).isSignificant(1) }
            start = AnchorMix(averaging: peers.map { candidates[$0] })
        }
        let outcome = candidates.firstIndex(of: start).map { outcomes[$0] }
            ?? routed([start], groups: sampled, data: data, anchors: anchors, level: level)[0]
        let gain = outcome.pairedGain(over: outcomes[candidates.firstIndex(of: AnchorMix(.table))!]).estimate
        return (start, figures, StartEvidence(figure: outcome.figure(mode: data.mode), tableGain: gain.mean,
                                              standardError: gain.standardError))
    }

    /// How each of `mixes` routes the nodes of `groups`, each group (a query's nodes) left
    /// out of the tables and user statistics while it is routed.
    private static func routed(_ mixes: [AnchorMix], groups: [[Int]], data: RoutingData, anchors: AnchorFeatures,
                               level: TableLevel) -> [PredictionContext.Outcome] {
        let weights = mixes.map { $0.weights(level: level, mode: data.mode) }
        var outcomes = [PredictionContext.Outcome](repeating: PredictionContext.Outcome(), count: mixes.count)
        var scratch = anchors
        for group in groups {
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
        return outcomes
    }
}
