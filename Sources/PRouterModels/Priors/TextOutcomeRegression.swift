import PRouterAutodiff
import PRouterIO

/// How each LLM's normalized performance and cost on a query differ from its means on
/// the query's task, predicted from the query's text by ridge regression.
///
/// One linear map from `[query inputs, task one-hot]` to the deviations of every LLM
/// (two columns per LLM), fitted in closed form on the distinct observed queries. The
/// query inputs are one of the views of its text (``View``): the graph's embedding
/// rows, or the words of a ``WordVocabulary`` (counted, present or squared: the
/// ``TermWeighting``); each view's ridge penalty
/// is chosen by exact leave-one-query-out error over a grid, and the view and penalty
/// with the lowest error are kept (a view other than the word counts, the embedding
/// included, only where it beats the counts query by query by ``viewSignificance``
/// standard errors), even where no penalty beats predicting no deviation: the stacking
/// below shrinks the fit as far as its held-out predictions ask (to nothing where the
/// text says nothing), and a few dozen queries split over tasks can leave the strongest
/// single penalty a little short of no deviation in squared error where the words still
/// route better (the plain ridge, whose task column always beats no deviation, kept its
/// words there and routed up to 3 points better). The kept view's fit is then the
/// combination of its fits under every penalty of the grid, with the non-negative
/// shares that fit their leave-one-query-out predictions best (stacking: a weak and a
/// strong penalty together can predict better than any one penalty between them).
/// Given the users' utility weights, stronger single penalties then replace it where
/// they route the observed queries significantly better. Each task's predicted
/// performance and cost deviations are then scaled by the factors that fit their
/// held-out predictions best. An observed query's
/// own prediction is its leave-one-query-out one, so that no query's outcome reaches its
/// own score (every user's copy of a query shares the query's outcomes, so leaving out
/// the query leaves out all of them).
struct TextOutcomeRegression {
    /// What the regression reads of a query.
    enum View: Equatable {
        /// The query's feature row (the graph's text embedding).
        case embedding
        /// The vocabulary's words in the query's text, each count weighted by the ``TermWeighting``.
        case words(WordVocabulary, TermWeighting)

        /// Whether this is the words counted, the view the others must beat.
        var isWordCounts: Bool {
            if case .words(_, .count) = self { return true }
            return false
        }

        /// The number of input columns before the task one-hot ones.
        func width(_ data: RoutingData) -> Int {
            switch self {
            case .embedding: data.queryFeatures.cols
            case .words(let vocabulary, _): vocabulary.count
            }
        }
    }

    let llmCount: Int
    private let taskCount: Int
    /// The inputs the map reads.
    private(set) var view = View.embedding
    /// `(inputs + tasks) x (2 · llmCount)`; nil when no view could be fitted.
    private var weights: Matrix?
    /// The input part of the prediction, `inputs x weights[input rows]` (computed a row
    /// at a time), for every query row the data had when fitted or last ``cover(_:)``ed
    /// (rows added later are computed when asked).
    private var byQueryRow = Matrix(rows: 0, cols: 0)
    /// Per observed query row, its leave-one-query-out prediction.
    private var heldOut: [Int32: [Float]] = [:]
    /// The chosen penalty (relative), nil when the map is zero.
    private(set) var penalty: Double?
    /// Per task, then pooled over the tasks (for a task the fit saw no query of), the
    /// factors its queries' predicted performance and cost deviations are scaled by:
    /// `[perf, cost]` pairs.
    private var taskScale: [Float] = []

    /// Penalties added to the grid when the penalty is chosen by routing.
    static let strongerPenalties: [Double] = [30, 100]
    /// Standard errors (clustered by query) by which a stronger penalty must route the
    /// observed nodes better than the one kept to replace it.
    static let routingSignificance = 1.0
    /// Standard errors by which a view other than the word counts (another
    /// ``TermWeighting``, or the embedding) must predict the observed queries better than
    /// the counts (paired by query, leave-one-query-out squared error) to be a candidate:
    /// where no word repeats with meaning, the weightings differ by noise, and an
    /// embedding of hundreds of dimensions fitted to a few hundred queries can beat the
    /// counts' squared error by a little and route worse.
    static let viewSignificance = 1.0

    /// Fitted on the observed (pool) nodes of `data`, against the per-(task, LLM) means
    /// `means(task, llm)` of normalized performance and cost, with the best of `penalties`
    /// and of `views` (nil: the words of the observed queries' texts under each
    /// ``TermWeighting``, counts first, then the embedding).
    ///
    /// With `userWeights` (a node's weights of normalized performance and cost in its
    /// user's utility), the chosen view's penalty is then raised (on the grid with
    /// ``strongerPenalties`` added) to each stronger one under which the
    /// leave-one-query-out predictions route the observed nodes better than under the
    /// one kept, by ``routingSignificance`` standard errors
    /// (``routing(_:rowOf:data:llmCount:means:userWeights:)``).
    package init(data: RoutingData, llmCount: Int, penalties: [Double] = LeaveOneOutRidge.penalties, views: [View]? = nil,
                 means: (Int, Int) -> (Float, Float), userWeights: ((Int) -> (Float, Float))? = nil) {
        self.llmCount = llmCount
        taskCount = data.taskIDs.count
        let width = 2 * llmCount
        // The distinct observed queries and their deviations (mean over their copies).
        var rowOf: [Int32: Int] = [:]
        var queries: [Int32] = []
        var tasks: [Int] = []
        var sums: [[Float]] = []
        for node in 0..<data.nodeCount where data.isPool[node] {
            let query = data.nodeQueryRow[node]
            let task = Int(data.nodeTask[node])
            let row = rowOf[query] ?? {
                rowOf[query] = queries.count
                queries.append(query)
                tasks.append(task)
                sums.append([Float](repeating: 0, count: width * 2))
                return queries.count - 1
            }()
            for edge in data.edges(of: node) where Int(data.edgeLLM[edge]) < llmCount {
                let llm = Int(data.edgeLLM[edge])
                let mean = means(task, llm)
                let input = edge * RoutingData.edgeInputWidth
                sums[row][2 * llm] += data.edgeInput[input] - mean.0
                sums[row][2 * llm + 1] += data.edgeInput[input + 1] - mean.1
                sums[row][width + 2 * llm] += 1
                sums[row][width + 2 * llm + 1] += 1
            }
        }
        guard queries.count > 1 else { return }
        var targets = Matrix(rows: queries.count, cols: width)
        for row in queries.indices {
            for col in 0..<width where sums[row][width + col] > 0 {
                targets[row, col] = sums[row][col] / sums[row][width + col]
            }
        }
        let zeroErrors = queries.indices.map { row in (0..<width).reduce(0) { $0 + Double(targets[row, $1] * targets[row, $1]) } }
        // Views are compared by their squared-error choice; only the kept view's penalty
        // is then chosen by routing, so only its fit routes.
        var best: (view: View, fit: LeaveOneOutRidge)?
        var countErrors: [Double]?
        let candidates = views ?? {
            let vocabulary = WordVocabulary(texts: queries.map { data.queryTexts[Int($0)] })
            return TermWeighting.allCases.map { .words(vocabulary, $0) } + [.embedding]
        }()
        let taskCount = taskCount
        for view in candidates where view.width(data) > 0 {
            let design = Self.design(view, queries: queries, tasks: tasks, data: data, taskCount: taskCount)
            let fitted = LeaveOneOutRidge(design: design, targets: targets, penalties: penalties, reference: .infinity)
            if view.isWordCounts {
                // Where counts predict nothing, the reference is predicting no deviation.
                countErrors = fitted.flatMap { $0.leastError < zeroErrors.reduce(0, +) ? $0.leastRowErrors : nil } ?? zeroErrors
            } else if let countErrors, let fitted,
                      !PairedGain(countErrors, over: fitted.leastRowErrors, clusters: queries).isSignificant(Self.viewSignificance) {
                continue
            }
            guard let fit = fitted, fit.leastError < best?.fit.leastError ?? .infinity else { continue }
            best = (view, fit)
        }
        if let kept = best {
            withoutActuallyEscaping(means) { means in
                let prefers = userWeights.map { userWeights in
                    { (candidate: Matrix, kept: Matrix) -> Bool in
                        let routed = [candidate, kept].map {
                            Self.routing($0, rowOf: rowOf, data: data, llmCount: llmCount, means: means, userWeights: userWeights)
                        }
                        return routed[0].pairedGain(over: routed[1]).isSignificant(Self.routingSignificance)
                    }
                }
                best?.fit = kept.fit.refined(stronger: Self.strongerPenalties, stacked: true, prefers: prefers)
            }
        }
        guard let best else { return }
        (view, penalty) = (best.view, best.fit.penalty)
        weights = best.fit.weights
        taskScale = Self.taskScales(best.fit.heldOut, targets: targets, tasks: tasks, taskCount: taskCount)
        for (row, query) in queries.enumerated() {
            heldOut[query] = (0..<width).map { best.fit.heldOut[row, $0] * factor(task: tasks[row], column: $0) }
        }
        cover(data)
    }

    /// This map with every observed query's held-out prediction replaced by the
    /// prediction of `fits(k)`, a regression fitted afresh (view, penalties, stacking and
    /// task factors all chosen again) without the queries of fold `k` of `folds`, the
    /// query's fold: the regression's own held-out predictions come from a penalty and
    /// factors chosen on every query, itself included.
    func crossFitted(data: RoutingData, folds: Int, fits: (_ fold: Int, _ without: RoutingData) -> TextOutcomeRegression) -> TextOutcomeRegression {
        guard weights != nil, folds > 1 else { return self }
        let queries = heldOut.keys.sorted()
        let fold = Dictionary(uniqueKeysWithValues: queries.enumerated().map { ($0.element, $0.offset % folds) })
        var node = [Int32: Int]()
        for index in 0..<data.nodeCount where data.isPool[index] { node[data.nodeQueryRow[index]] = node[data.nodeQueryRow[index]] ?? index }
        var result = self
        for k in 0..<min(folds, queries.count) {
            var without = data
            for index in 0..<data.nodeCount where data.isPool[index] && fold[data.nodeQueryRow[index]] == k {
                without.isPool[index] = false
            }
            let fit = fits(k, without)
            for query in queries where fold[query] == k {
                result.heldOut[query] = (0..<llmCount).flatMap { llm in
                    let (perf, cost) = fit.prediction(node: node[query]!, llm: llm, data: without)
                    return [perf, cost]
                }
            }
        }
        return result
    }

    /// Per task, then pooled over the tasks, the least-squares factors (within [0, 1]) of
    /// the held-out predictions of the performance and of the cost columns against their
    /// targets, for ``taskScale``: where the text says little about one task's outcomes
    /// (right answers that no wording predicts, say), the one map fitted across tasks
    /// still predicts deviations for its queries, and these shrink them to what held out.
    /// A task without observed queries gets the pooled factors.
    static func taskScales(_ heldOut: Matrix, targets: Matrix, tasks: [Int], taskCount: Int) -> [Float] {
        var products = [Double](repeating: 0, count: 2 * (taskCount + 1)), squares = products
        for (row, task) in tasks.enumerated() {
            for col in 0..<targets.cols {
                let prediction = Double(heldOut[row, col])
                for index in [2 * min(task, taskCount) + col % 2, 2 * taskCount + col % 2] {
                    products[index] += prediction * Double(targets[row, col])
                    squares[index] += prediction * prediction
                }
            }
        }
        func fitted(_ index: Int, otherwise: Double) -> Double { squares[index] > 0 ? products[index] / squares[index] : otherwise }
        let pooled = (0..<2).map { fitted(2 * taskCount + $0, otherwise: 1) }
        return products.indices.map { Float(min(max(fitted($0, otherwise: pooled[$0 % 2]), 0), 1)) }
    }

    /// The factor of ``taskScale`` that scales column `column` (performance or cost, by
    /// parity) of a query of `task`: the pooled one for a task the fit did not know.
    private func factor(task: Int, column: Int) -> Float {
        taskScale[2 * min(max(task, 0), taskCount) + column % 2]
    }

    /// How every observed node of `data` fares when routed to the candidate with the
    /// highest predicted utility: its user's weights (`userWeights`) of the LLM's task
    /// means plus the held-out deviations of the node's query (`heldOut` row
    /// `rowOf[query]`). The means include the query; the held-out task column, fitted
    /// without it, takes it out again (taking it out of the means too routed worse,
    /// BENCHMARKS.md "Thirty-third session").
    private static func routing(_ heldOut: Matrix, rowOf: [Int32: Int], data: RoutingData, llmCount: Int,
                                means: (Int, Int) -> (Float, Float), userWeights: (Int) -> (Float, Float)) -> PredictionContext.Outcome {
        var outcome = PredictionContext.Outcome()
        for node in 0..<data.nodeCount where data.isPool[node] {
            guard let row = rowOf[data.nodeQueryRow[node]] else { continue }
            let (a, b) = userWeights(node)
            let task = Int(data.nodeTask[node])
            var best: (edge: Int, score: Float)?
            for edge in data.edges(of: node) where Int(data.edgeLLM[edge]) < llmCount {
                let llm = Int(data.edgeLLM[edge])
                let mean = means(task, llm)
                let score = a * (mean.0 + heldOut[row, 2 * llm]) + b * (mean.1 + heldOut[row, 2 * llm + 1])
                if score > best?.score ?? -.infinity { best = (edge, score) }
            }
            if let best { outcome.record(node: node, chosen: best.edge, data: data) }
        }
        return outcome
    }

    /// Computes the input part of the query rows `data` gained since the last call, so
    /// that predictions for them are looked up.
    mutating func cover(_ data: RoutingData) {
        guard weights != nil, byQueryRow.rows < data.queryFeatures.rows else { return }
        // Appended in place: a stream covers a few rows at a time, and copying every row
        // covered so far each time would cost in proportion to the graph's distinct texts.
        let added = inputPart(data, rows: byQueryRow.rows..<data.queryFeatures.rows)
        byQueryRow.cols = added.cols
        byQueryRow.rows += added.rows
        byQueryRow.data += added.data
    }

    /// `inputs[rows] x weights[input rows]`, a row at a time: a row's prediction does not
    /// depend on which rows it was computed with.
    private func inputPart(_ data: RoutingData, rows: Range<Int>) -> Matrix {
        let weights = weights!
        switch view {
        case .embedding:
            let features = data.queryFeatures.cols
            let featureWeights = Matrix(rows: features, cols: weights.cols, data: Array(weights.data[0..<features * weights.cols]))
            let x = Matrix(rows: rows.count, cols: features,
                           data: Array(data.queryFeatures.data[rows.lowerBound * features..<rows.upperBound * features]))
            return BLAS.rowStableProduct(x, featureWeights)
        case .words(let vocabulary, let weighting):
            var result = Matrix(rows: rows.count, cols: weights.cols)
            for (row, query) in rows.enumerated() {
                for (column, count) in vocabulary.counts(data.queryTexts[query], weighting) {
                    for col in 0..<weights.cols { result[row, col] += count * weights[column, col] }
                }
            }
            return result
        }
    }

    /// `[inputs, task one-hot]` rows.
    private static func design(_ view: View, queries: [Int32], tasks: [Int], data: RoutingData, taskCount: Int) -> Matrix {
        let width = view.width(data)
        var x: Matrix
        switch view {
        case .embedding:
            x = data.queryFeatures.rowsGathered(queries).concatenatingColumns(Matrix(rows: queries.count, cols: taskCount))
        case .words(let vocabulary, let weighting):
            x = Matrix(rows: queries.count, cols: width + taskCount)
            for (row, query) in queries.enumerated() {
                for (column, count) in vocabulary.counts(data.queryTexts[Int(query)], weighting) { x[row, column] = count }
            }
        }
        for (row, task) in tasks.enumerated() where task < taskCount { x[row, width + task] = 1 }
        return x
    }

    /// The predicted deviations `[perf, cost]` of `llm` on query node `node`: zero for an
    /// LLM added after fitting.
    func prediction(node: Int, llm: Int, data: RoutingData) -> (Float, Float) {
        guard llm < llmCount, let weights else { return (0, 0) }
        let query = data.nodeQueryRow[node]
        if let held = heldOut[query] { return (held[2 * llm], held[2 * llm + 1]) }
        let covered = Int(query) < byQueryRow.rows
        let part = covered ? byQueryRow : inputPart(data, rows: Int(query)..<Int(query) + 1)
        let row = covered ? Int(query) : 0
        var result = (part[row, 2 * llm], part[row, 2 * llm + 1])
        let task = Int(data.nodeTask[node])
        if task < taskCount {
            let taskRow = view.width(data) + task
            result.0 += weights[taskRow, 2 * llm]
            result.1 += weights[taskRow, 2 * llm + 1]
        }
        return (result.0 * factor(task: task, column: 0), result.1 * factor(task: task, column: 1))
    }
}

extension TextOutcomeRegression {
    /// Writes the fitted map to `archive` (its view: 0 for the embedding, else the words
    /// and their ``TermWeighting``'s raw value; then held-out predictions by query
    /// row, sorted).
    func archive(into archive: inout StateArchive) {
        archive.append(count: llmCount)
        archive.append(count: taskCount)
        guard let weights, let penalty else { return archive.append(count: 0) }
        archive.append(count: weights.rows)
        switch view {
        case .embedding: archive.append(count: 0)
        case .words(let vocabulary, let weighting):
            archive.append(count: weighting.rawValue)
            vocabulary.archive(into: &archive)
        }
        archive.append(penalty)
        archive.append(reals: weights.data)
        archive.append(reals: taskScale)
        let rows = heldOut.keys.sorted()
        archive.append(count: rows.count)
        for row in rows {
            archive.append(count: Int(row))
            archive.append(reals: heldOut[row]!)
        }
    }

    /// The map `archive(into:)` wrote, for `data` (the graph it was fitted on, with any
    /// new query rows after it).
    init(from reader: inout StateArchive.Reader, data: RoutingData) throws {
        llmCount = try reader.count(atMost: 1 << 16)
        taskCount = try reader.count(atMost: 1 << 20)
        let width = 2 * llmCount
        let rows = try reader.count()
        guard rows > 0 else { return }
        let viewCode = try reader.count(atMost: TermWeighting.allCases.count)
        view = try TermWeighting(rawValue: viewCode).map { .words(try WordVocabulary(from: &reader), $0) } ?? .embedding
        guard rows == view.width(data) + taskCount else { throw reader.corrupted() }
        penalty = try reader.next()
        weights = Matrix(rows: rows, cols: width, data: try reader.floats(rows * width))
        taskScale = try reader.floats(2 * (taskCount + 1))
        guard taskScale.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw reader.corrupted() }
        for _ in 0..<(try reader.count()) {
            let row = try reader.count()
            guard row < data.queryFeatures.rows else { throw reader.corrupted() }
            heldOut[Int32(row)] = try reader.floats(width)
        }
        cover(data)
    }
}
