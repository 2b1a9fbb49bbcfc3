import PRouterAutodiff
import PRouterGraph
import PRouterIO
import PRouterModels

extension Baselines {
    /// The plain text baseline `ridge`, the yardstick a router must meet on text.
    ///
    /// Per LLM, ridge regressions of the normalized performance and cost (min-max per task
    /// over the fit pairs, as pr-sim normalizes them) on `[bag-of-words counts, task
    /// one-hot]` (``WordVocabulary`` of the fit queries), one penalty for all of them
    /// chosen by leave-one-query-out error (``LeaveOneOutRidge``), fitted on the distinct
    /// queries of `fitPairs`. Each user weighs the predictions by their least-squares fit
    /// of what they observed: rewards on normalized performance and cost (cost mode), or
    /// which LLM they preferred on the same and an intercept (judge mode); a user without
    /// fit pairs gets the fit pooled over every user. Each evaluated pair goes to the
    /// candidate of highest predicted utility.
    static func ridge(_ truth: TruthTable, pairs: [Int], fitPairs: [Int], fit: String) -> PolicyResult {
        let scale = TaskScale(truth, pairs: fitPairs)
        var llms = Interner(), tasks = Interner()
        for pair in truth.pairs { for candidate in pair.candidates { _ = llms.intern(candidate.llm) } }
        for index in fitPairs { _ = tasks.intern(truth.pairs[index].task) }
        let text = QueryOutcomeRidge(truth, fitPairs: fitPairs, scale: scale, llms: llms, tasks: tasks)
        let weights = UserWeights(truth, fitPairs: fitPairs, scale: scale)
        let choices = pairs.map { index -> Int in
            let pair = truth.pairs[index]
            let predicted = text.predict(query: pair.query, task: pair.task)
            let w = weights.of(pair.user)
            return pair.bestCandidate(by: pair.candidates.map { candidate in
                let llm = Int(llms.lookup(candidate.llm)!)
                return w.performance * predicted[2 * llm] + w.cost * predicted[2 * llm + 1]
            })
        }
        var result = PolicyResult(name: "ridge", truth: truth, pairs: pairs, choices: choices)
        result.details = [("fit", fit)]
        return result
    }
}

/// Per task, the range of the performances and costs of the fit pairs' candidates, which
/// maps them to [0, 1] (a task without fit pairs uses every task's range).
private struct TaskScale {
    private var ranges: [String: (performance: MinMax, cost: MinMax)] = [:]
    private var overall = (performance: MinMax(), cost: MinMax())

    init(_ truth: TruthTable, pairs: [Int]) {
        for index in pairs {
            let pair = truth.pairs[index]
            for candidate in pair.candidates {
                ranges[pair.task, default: (MinMax(), MinMax())].performance.add(candidate.performance)
                ranges[pair.task]!.cost.add(candidate.cost)
                overall.performance.add(candidate.performance)
                overall.cost.add(candidate.cost)
            }
        }
    }

    /// `candidate`'s normalized performance and cost in `task` (0 where a range is empty).
    func normalized(_ candidate: TruthTable.Candidate, task: String) -> (performance: Double, cost: Double) {
        let range = ranges[task] ?? overall
        return (range.performance.normalize(candidate.performance), range.cost.normalize(candidate.cost))
    }
}

/// The ridge regressions of every LLM's normalized performance and cost on a query's
/// words and task, as deviations from each column's mean over the fit queries.
private struct QueryOutcomeRidge {
    private let vocabulary: WordVocabulary
    private let tasks: Interner
    /// Per column (performance and cost of each LLM), its mean over the queries that have it.
    private var means: [Double]
    /// `(words + tasks) x columns`; nil when no penalty beats predicting the means.
    private var weights: Matrix?

    init(_ truth: TruthTable, fitPairs: [Int], scale: TaskScale, llms: Interner, tasks: Interner) {
        self.tasks = tasks
        let width = 2 * llms.count
        var rowOf: [String: Int] = [:]
        var queries: [(text: String, task: String)] = []
        var sums: [[Double]] = []
        var counts: [[Double]] = []
        for index in fitPairs {
            let pair = truth.pairs[index]
            let row = rowOf[pair.queryID] ?? {
                rowOf[pair.queryID] = queries.count
                queries.append((pair.query, pair.task))
                sums.append([Double](repeating: 0, count: width))
                counts.append([Double](repeating: 0, count: width))
                return queries.count - 1
            }()
            for candidate in pair.candidates {
                let column = 2 * Int(llms.lookup(candidate.llm)!)
                let outcome = scale.normalized(candidate, task: pair.task)
                sums[row][column] += outcome.performance
                sums[row][column + 1] += outcome.cost
                counts[row][column] += 1
                counts[row][column + 1] += 1
            }
        }
        means = (0..<width).map { column in
            let observed = counts.indices.filter { counts[$0][column] > 0 }
            return observed.isEmpty ? 0 : observed.reduce(0) { $0 + sums[$1][column] / counts[$1][column] } / Double(observed.count)
        }
        vocabulary = WordVocabulary(texts: queries.map(\.text))
        var design = Matrix(rows: queries.count, cols: vocabulary.count + tasks.count)
        var targets = Matrix(rows: queries.count, cols: width)
        for (row, query) in queries.enumerated() {
            for (column, value) in Self.inputs(query.text, task: query.task, vocabulary: vocabulary, tasks: tasks) {
                design[row, column] = value
            }
            for column in 0..<width where counts[row][column] > 0 {
                let mean: Double = sums[row][column] / counts[row][column]
                targets[row, column] = Float(mean - means[column])
            }
        }
        weights = queries.count > 1 ? LeaveOneOutRidge(design: design, targets: targets)?.weights : nil
    }

    /// The nonzero inputs of a query: its word counts, then its task's one-hot column.
    private static func inputs(_ text: String, task: String, vocabulary: WordVocabulary, tasks: Interner) -> [(Int, Float)] {
        var inputs = vocabulary.counts(text).map { ($0.column, $0.count) }
        if let task = tasks.lookup(task) { inputs.append((vocabulary.count + Int(task), 1)) }
        return inputs
    }

    /// The predicted normalized performance and cost of every LLM (two columns each).
    func predict(query: String, task: String) -> [Double] {
        var predicted = means
        guard let weights else { return predicted }
        for (row, value) in Self.inputs(query, task: task, vocabulary: vocabulary, tasks: tasks) {
            for column in predicted.indices { predicted[column] += Double(value * weights[row, column]) }
        }
        return predicted
    }
}

/// Each user's least-squares weights of normalized performance and cost.
private struct UserWeights {
    typealias Weights = (performance: Double, cost: Double)
    private var byUser: [String: Weights] = [:]
    private var pooled: Weights = (1, 0)

    init(_ truth: TruthTable, fitPairs: [Int], scale: TaskScale) {
        // Normal equations over [performance, cost, 1] (the intercept only in judge mode,
        // where a preference is not a reward).
        let width = truth.mode == .cost ? 2 : 3
        var sums: [String: [Double]] = [:]
        var all = [Double](repeating: 0, count: width * width + width)
        for index in fitPairs {
            let pair = truth.pairs[index]
            var user = sums[pair.user] ?? [Double](repeating: 0, count: width * width + width)
            for candidate in pair.candidates {
                let outcome = scale.normalized(candidate, task: pair.task)
                let x = [outcome.performance, outcome.cost, 1][0..<width]
                let y = truth.mode == .cost ? candidate.reward! : (candidate.best ? 1 : 0)
                for (i, xi) in x.enumerated() {
                    for (j, xj) in x.enumerated() { user[i * width + j] += xi * xj }
                    user[width * width + i] += xi * y
                }
            }
            sums[pair.user] = user
            for i in all.indices { all[i] += user[i] }
        }
        pooled = Self.solve(all, width: width) ?? pooled
        for (user, sum) in sums { byUser[user] = Self.solve(sum, width: width) ?? pooled }
    }

    func of(_ user: String) -> Weights { byUser[user] ?? pooled }

    /// The weights of normal equations `[A (width x width), b]`, lightly ridged so that a
    /// user who saw one kind of outcome only still gets finite weights.
    private static func solve(_ sums: [Double], width: Int) -> Weights? {
        var a = Array(sums[0..<width * width])
        let trace = (0..<width).reduce(0) { $0 + a[$1 * width + $1] }
        guard trace > 0 else { return nil }
        for i in 0..<width { a[i * width + i] += 1e-6 * trace }
        guard let w = SymmetricEigen.solve(a, Array(sums[(width * width)...]), size: width, floor: 0),
              w.allSatisfy(\.isFinite) else { return nil }
        return (w[0], w[1])
    }
}
