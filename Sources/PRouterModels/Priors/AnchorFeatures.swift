import PRouterAutodiff
import PRouterIO

/// What the anchored model starts from, computed from the observed query nodes only:
///
/// - per candidate edge, the table priors: the LLM's shrunk mean outcome (reward in cost
///   mode, preference rate in judge mode) for the user and task, the user, the task, and
///   overall (``OutcomeTables``), and the utility priors: the LLM's expected normalized
///   performance and cost on the task (its task means, pulled towards its means over
///   every task as far as their noise asks, ``TaskShrinkage``) weighted by the user's
///   utility weights (``utilityColumn``), at user and at (user, task) level;
/// - per query node, the user's utility statistics, at user level and at (user, task)
///   level shrunk towards the user's: how much better than the candidates' mean the
///   preferred LLM's normalized performance and cost were, and the weights of
///   performance and cost in a least-squares fit of the user's rewards
///   (`reward ≈ a·perf_norm + b·cost_norm + c`; in judge mode a conditional logit of
///   which LLM they preferred, ``PreferenceLogit``).
///
/// Both leave out the nodes being predicted, so that no target's own outcome reaches its
/// score.
package struct AnchorFeatures {
    /// One prior column per ``TableLevel``, then the utility priors at user and at
    /// (user, task) level.
    static let priorWidth = TableLevel.allCases.count + 2
    /// The prior column of the user's utility of the LLM's task means (the (user, task)
    /// utility's next).
    static let utilityPriorColumn = TableLevel.allCases.count
    static let userWidth = 8
    /// The column of the (user, task) reward fit's performance weight (cost weight next).
    static let rewardFitColumn = 6

    /// The user-level column whose two values weight normalized performance and cost in
    /// the user's utility: the least-squares fit of their rewards (cost mode) or the
    /// conditional logit of which LLM they preferred (judge mode).
    static let utilityColumn = 2
    /// Pseudo-count of the (user, task) statistics' pull towards the user's.
    static let shrinkage: Float = 5

    /// Sums of one group's statistics (fixed-size vectors, so that copying the tables for
    /// each training batch copies plain memory).
    struct Sums {
        /// `[d_perf, d_cost, count]` (fourth lane unused).
        var choice = SIMD4<Float>()
        /// The normal equations of the reward fit over `[perf, cost, 1]`: 3x3 then 3 (last
        /// four lanes unused); cost mode.
        var normal = SIMD16<Float>()
        /// The preference logit's sums (``PreferenceLogit/Lane``); judge mode.
        var logit = SIMD8<Float>()

        mutating func add(_ other: Sums, sign: Float) {
            choice += sign * other.choice
            normal += sign * other.normal
            logit += sign * other.logit
        }

        /// `[d_perf, d_cost]` means and the reward fit's `[a, b]`, each pulled towards its
        /// value in `prior` (`[d_perf, d_cost, a, b]`) with weight `ridge`.
        func statistics(prior: SIMD4<Float>, ridge: Float) -> SIMD4<Float> {
            let n = choice[2]
            var m = normal
            var y = SIMD3<Float>(normal[9], normal[10], normal[11])
            for i in 0..<2 {
                m[i * 3 + i] += ridge + 1e-3
                y[i] += ridge * prior[2 + i]
            }
            m[8] += 1e-3
            let fit = Self.solve3(m, y)
            return SIMD4((choice[0] + ridge * prior[0]) / (n + ridge), (choice[1] + ridge * prior[1]) / (n + ridge),
                         fit?[0] ?? prior[2], fit?[1] ?? prior[3])
        }

        /// The solution of the 3x3 system `m x = y` (`m` row-major in the first nine
        /// lanes; Cramer's rule), nil when singular.
        static func solve3(_ m: SIMD16<Float>, _ y: SIMD3<Float>) -> SIMD3<Float>? {
            func det(_ a: SIMD16<Float>) -> Float {
                a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
            }
            let d = det(m)
            guard abs(d) > 1e-9 else { return nil }
            var x = SIMD3<Float>()
            for column in 0..<3 {
                var replaced = m
                for row in 0..<3 { replaced[row * 3 + column] = y[row] }
                x[column] = det(replaced) / d
            }
            return x
        }
    }

    private var tables: OutcomeTables
    /// Per (task, LLM): summed normalized performance, cost, and the count.
    private var outcomeSums: [SIMD4<Double>]
    /// Per (task, LLM): how much of the task mean's departure from the LLM's mean over
    /// all tasks its outcome means keep, for performance and cost
    /// (``TaskShrinkage``).
    private var taskShares: [SIMD2<Float>]
    private var user: [Sums]
    private var userTask: [Int64: Sums] = [:]
    /// Judge mode: each user's preference logit over their observed nodes, the point
    /// their nodes' ``Sums/logit`` are taken at (``PreferenceLogit``); empty in cost mode.
    private var anchors: [SIMD2<Float>] = []
    /// The predicted deviations of each LLM's outcomes from its expected ones on the task.
    private(set) var textOutcomes: TextOutcomeRegression?

    init(data: RoutingData) {
        tables = OutcomeTables(llmCount: data.llmIDs.count, taskCount: data.taskIDs.count)
        user = Array(repeating: Sums(), count: data.userIDs.count)
        outcomeSums = Array(repeating: SIMD4(), count: data.taskIDs.count * data.llmIDs.count)
        taskShares = TaskShrinkage.shares(data: data, llmCount: data.llmIDs.count, taskCount: data.taskIDs.count)
        if data.mode == .judge { anchors = PreferenceLogit.anchors(data: data) }
        for node in 0..<data.nodeCount where data.isPool[node] {
            apply(node, data: data, sign: 1)
        }
        textOutcomes = regression(data)
    }

    /// The text regression of `data`'s observed queries, against these features' task
    /// means and user weights.
    private func regression(_ data: RoutingData) -> TextOutcomeRegression {
        let observed = self
        let overall = overallMeans()
        return TextOutcomeRegression(data: data, llmCount: tables.llmCount,
                                     means: { observed.outcomeMean(task: $0, llm: $1, overall: overall) },
                                     userWeights: { observed.utilityWeights(user: Int(data.nodeUser[$0])) })
    }

    /// These features with the text regression's held-out predictions cross-fitted over
    /// `folds` folds of the observed queries
    /// (``TextOutcomeRegression/crossFitted(data:folds:fits:)``). Each fold's refit is
    /// fitted against these features' task means and user weights, which saw the fold's
    /// queries: refitting the whole features without the fold removes that, and routed
    /// the test queries worse (BENCHMARKS.md, "Thirty-first session").
    func crossFitted(data: RoutingData, folds: Int) -> AnchorFeatures {
        var copy = self
        copy.textOutcomes = textOutcomes?.crossFitted(data: data, folds: folds) { _, without in regression(without) }
        return copy
    }

    /// Per LLM, its mean observed normalized performance and cost over every task (zero
    /// where never observed).
    private func overallMeans() -> [SIMD2<Double>] {
        (0..<tables.llmCount).map { llm in
            var sum = SIMD4<Double>()
            for task in 0..<tables.taskCount { sum += outcomeSums[task * tables.llmCount + llm] }
            return SIMD2(sum[0], sum[1]) / max(sum[2], 1)
        }
    }

    /// The expected normalized performance and cost of `llm` on `task`: its mean over
    /// every task (`overall`, from ``overallMeans()``) plus the ``taskShares`` of its
    /// task mean's departure from it; zero for an LLM added at routing time.
    private func outcomeMean(task: Int, llm: Int, overall: [SIMD2<Double>]) -> (Float, Float) {
        guard llm < tables.llmCount else { return (0, 0) }
        let index = task * tables.llmCount + llm
        guard task < tables.taskCount, outcomeSums[index][2] > 0 else {
            return (Float(overall[llm][0]), Float(overall[llm][1]))
        }
        let cell = outcomeSums[index]
        let mean = overall[llm] + SIMD2<Double>(taskShares[index]) * (SIMD2(cell[0], cell[1]) / cell[2] - overall[llm])
        return (Float(mean[0]), Float(mean[1]))
    }

    /// `user`'s statistics at user level and at (user, `task`) level, pulled towards the
    /// user's (``Sums/statistics(prior:ridge:)``; in judge mode the utility weights are
    /// ``PreferenceLogit``'s), as ``rows(_:data:)`` reports them.
    private func userStatistics(_ u: Int, task: Int? = nil) -> (overall: SIMD4<Float>, pair: SIMD4<Float>) {
        let sums = u < user.count ? user[u] : Sums()
        let pairSums = task.flatMap { userTask[Self.key(Int32(u), Int32($0))] } ?? Sums()
        var overall = sums.statistics(prior: SIMD4(), ridge: 1)
        var pair = pairSums.statistics(prior: overall, ridge: Self.shrinkage)
        if u < anchors.count {
            let weights = PreferenceLogit.weights(sums.logit, anchor: anchors[u], prior: .zero,
                                                  ridge: PreferenceLogit.userRidge(sums.logit))
            let pairWeights = PreferenceLogit.weights(pairSums.logit, anchor: anchors[u], prior: weights,
                                                      ridge: PreferenceLogit.pairRidge(sums.logit, pseudoCount: Self.shrinkage))
            let scale = PreferenceLogit.scale(sums.logit)
            for i in 0..<2 {
                overall[Self.utilityColumn + i] = scale * weights[i]
                pair[Self.utilityColumn + i] = scale * pairWeights[i]
            }
        }
        return (overall, pair)
    }

    /// The weights of normalized performance and cost in `user`'s utility (the user-level
    /// fit that ``rows(_:data:)`` reports in ``utilityColumn``).
    private func utilityWeights(user u: Int) -> (Float, Float) {
        let overall = userStatistics(u).overall
        return (overall[Self.utilityColumn], overall[Self.utilityColumn + 1])
    }

    private static func key(_ user: Int32, _ task: Int32) -> Int64 { Int64(user) << 32 | Int64(task) }

    /// The statistics node `node` adds to its user's and (user, task) sums.
    private func sums(of node: Int, data: RoutingData) -> Sums? {
        let edges = data.edges(of: node)
        guard let best = edges.first(where: { data.edgeBest[$0] }) else { return nil }
        var sums = Sums()
        let width = RoutingData.edgeInputWidth
        var mean: (Float, Float) = (0, 0)
        for edge in edges {
            mean.0 += data.edgeInput[edge * width] / Float(edges.count)
            mean.1 += data.edgeInput[edge * width + 1] / Float(edges.count)
            // The reward fit is cost mode's; judge mode's weights are the logit's (below).
            guard data.mode == .cost else { continue }
            let x = SIMD3<Float>(data.edgeInput[edge * width], data.edgeInput[edge * width + 1], 1)
            let y = Float(data.edgeReward[edge])
            for i in 0..<3 {
                for j in 0..<3 { sums.normal[i * 3 + j] += x[i] * x[j] }
                sums.normal[9 + i] += x[i] * y
            }
        }
        sums.choice = SIMD4(data.edgeInput[best * width] - mean.0, data.edgeInput[best * width + 1] - mean.1, 1, 0)
        let u = Int(data.nodeUser[node])
        if u < anchors.count { sums.logit = PreferenceLogit.sums(of: node, data: data, anchor: anchors[u]) }
        return sums
    }

    private mutating func apply(_ node: Int, data: RoutingData, sign: Float) {
        let (u, t) = (Int(data.nodeUser[node]), Int(data.nodeTask[node]))
        for edge in data.edges(of: node) where Int(data.edgeLLM[edge]) < tables.llmCount {
            let cell = t * tables.llmCount + Int(data.edgeLLM[edge])
            outcomeSums[cell] += SIMD4(Double(sign * data.edgeInput[edge * RoutingData.edgeInputWidth]),
                                       Double(sign * data.edgeInput[edge * RoutingData.edgeInputWidth + 1]), Double(sign), 0)
        }
        tables.add(node: node, data: data, weight: Double(sign))
        guard let sums = sums(of: node, data: data) else { return }
        while user.count <= u { user.append(Sums()) }
        user[u].add(sums, sign: sign)
        userTask[Self.key(Int32(u), Int32(t)), default: Sums()].add(sums, sign: sign)
    }

    /// Prepares the text predictions of the query rows `data` gained since these tables
    /// were made (new queries to route), so that looking them up costs nothing.
    package mutating func cover(_ data: RoutingData) {
        textOutcomes?.cover(data)
    }

    /// Without the observed nodes among `excluded`.
    func excluding(_ excluded: [Int], data: RoutingData) -> AnchorFeatures {
        var copy = self
        copy.remove(excluded, data: data)
        return copy
    }

    /// Takes the observed nodes among `nodes` out of the sums (in place, for
    /// cross-validation; ``restore(_:data:)`` puts them back, up to rounding).
    mutating func remove(_ nodes: [Int], data: RoutingData) {
        for node in nodes where data.isPool[node] { apply(node, data: data, sign: -1) }
    }

    /// Puts back the observed nodes among `nodes` that ``remove(_:data:)`` took out.
    mutating func restore(_ nodes: [Int], data: RoutingData) {
        for node in nodes where data.isPool[node] { apply(node, data: data, sign: 1) }
    }

    /// The rows of ``AnchorFeatures`` for some query nodes.
    struct Rows {
        /// Per candidate edge (target then edge order), one column per ``TableLevel``.
        var priors: Matrix
        /// Per target, the user's statistics.
        var users: Matrix
        /// Per candidate edge, the expected normalized performance and cost of its LLM on
        /// the target's task (``outcomeMean(task:llm:overall:)``).
        var outcomeMeans: Matrix
        /// Per candidate edge, the text regression's predicted deviation from those means.
        var textDeviations: Matrix
    }

    /// The table priors, user statistics and outcome means of `targets`.
    func rows(_ targets: [Int], data: RoutingData) -> Rows {
        let edgeCount = targets.reduce(0) { $0 + data.edges(of: $1).count }
        var priors: [Float] = []
        var means: [Float] = []
        var deviations: [Float] = []
        priors.reserveCapacity(edgeCount * Self.priorWidth)
        means.reserveCapacity(edgeCount * 2)
        deviations.reserveCapacity(edgeCount * 2)
        var users = Matrix(rows: targets.count, cols: Self.userWidth)
        let utility = Self.utilityColumn
        let llmMeans = overallMeans()
        for (row, node) in targets.enumerated() {
            let (u, t) = (Int(data.nodeUser[node]), Int(data.nodeTask[node]))
            let (overall, pair) = userStatistics(u, task: t)
            for edge in data.edges(of: node) {
                let llm = Int(data.edgeLLM[edge])
                let mean = outcomeMean(task: t, llm: llm, overall: llmMeans)
                means.append(mean.0)
                means.append(mean.1)
                let deviation = textOutcomes?.prediction(node: node, llm: llm, data: data) ?? (0, 0)
                deviations.append(deviation.0)
                deviations.append(deviation.1)
                for level in TableLevel.allCases { priors.append(prior(level, user: u, task: t, llm: llm)) }
                priors.append(overall[utility] * mean.0 + overall[utility + 1] * mean.1)
                priors.append(pair[utility] * mean.0 + pair[utility + 1] * mean.1)
            }
            for col in 0..<4 {
                users[row, col] = overall[col]
                users[row, 4 + col] = pair[col]
            }
        }
        return Rows(priors: Matrix(rows: priors.count / Self.priorWidth, cols: Self.priorWidth, data: priors), users: users,
                    outcomeMeans: Matrix(rows: means.count / 2, cols: 2, data: means),
                    textDeviations: Matrix(rows: deviations.count / 2, cols: 2, data: deviations))
    }

    /// The table policy's scores of every candidate edge of `targets` at `level`, as a column.
    func tableScores(_ targets: [Int], level: TableLevel, data: RoutingData) -> Matrix {
        let scores = targets.flatMap { node in
            data.edges(of: node).map { prior(level, user: Int(data.nodeUser[node]), task: Int(data.nodeTask[node]),
                                             llm: Int(data.edgeLLM[$0])) }
        }
        return Matrix(rows: scores.count, cols: 1, data: scores)
    }

    /// The table's score of `llm` at `level`; 0 for an LLM added at routing time.
    private func prior(_ level: TableLevel, user: Int, task: Int, llm: Int) -> Float {
        llm < tables.llmCount ? Float(tables.score(level, user: user, task: task, llm: llm)) : 0
    }
}

extension AnchorFeatures {
    /// Writes the sums and the text regression to `archive` ((user, task) pairs sorted,
    /// so that the same features give the same bytes).
    func archive(into archive: inout StateArchive) {
        tables.archive(into: &archive)
        for cell in outcomeSums { archive.append(reals: (0..<3).map { cell[$0] }) }
        for share in taskShares { archive.append(reals: [Double(share[0]), Double(share[1])]) }
        let pairs = userTask.keys.sorted()
        archive.append(count: user.count)
        archive.append(count: pairs.count)
        func append(_ sums: Sums) {
            archive.append(reals: (0..<4).map { sums.choice[$0] })
            archive.append(reals: (0..<16).map { sums.normal[$0] })
            archive.append(reals: (0..<8).map { sums.logit[$0] })
        }
        archive.append(count: anchors.count)
        for anchor in anchors { archive.append(reals: [anchor[0], anchor[1]]) }
        user.forEach(append)
        for key in pairs {
            archive.append(count: Int(key >> 32))
            archive.append(count: Int(key & 0xffff_ffff))
            append(userTask[key]!)
        }
        archive.append(count: textOutcomes == nil ? 0 : 1)
        textOutcomes?.archive(into: &archive)
    }

    /// The features `archive(into:)` wrote, for `data` (the graph they were computed on,
    /// with any new query rows after it).
    init(from reader: inout StateArchive.Reader, data: RoutingData) throws {
        tables = try OutcomeTables(from: &reader)
        let cells = tables.taskCount * tables.llmCount
        outcomeSums = try (0..<cells).map { _ in
            let values = try reader.reals(3)
            return SIMD4(values[values.startIndex], values[values.startIndex + 1], values[values.startIndex + 2], 0)
        }
        taskShares = try (0..<cells).map { _ in
            let values = try reader.floats(2)
            guard values.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw reader.corrupted() }
            return SIMD2(values[values.startIndex], values[values.startIndex + 1])
        }
        let users = try reader.count(), pairs = try reader.count()
        func sums() throws -> Sums {
            let values = try reader.floats(28)
            return Sums(choice: SIMD4(values[0..<4]), normal: SIMD16(values[4..<20]), logit: SIMD8(values[20..<28]))
        }
        anchors = try (0..<reader.count(atMost: users)).map { _ in
            let values = try reader.floats(2)
            return SIMD2(values[0..<2])
        }
        user = try (0..<users).map { _ in try sums() }
        for _ in 0..<pairs {
            let (u, t) = (try reader.count(), try reader.count())
            userTask[Self.key(Int32(u), Int32(t))] = try sums()
        }
        textOutcomes = try reader.count(atMost: 1) == 1 ? TextOutcomeRegression(from: &reader, data: data) : nil
    }
}
