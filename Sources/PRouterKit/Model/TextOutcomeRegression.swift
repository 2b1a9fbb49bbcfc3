import COpenBLAS

/// How each LLM's normalized performance and cost on a query differ from its means on
/// the query's task, predicted from the query's features by ridge regression.
///
/// One linear map from `[query features, task one-hot]` to the deviations of every
/// LLM (two columns per LLM), fitted in closed form on the distinct observed queries.
/// The ridge penalty is chosen by exact leave-one-query-out error over a grid, and
/// compared with predicting no deviation at all: on worlds whose text says nothing the
/// map is zero. An observed query's own prediction is its leave-one-query-out one, so
/// that no query's outcome reaches its own score (every user's copy of a query shares
/// the query's outcomes, so leaving out the query leaves out all of them).
struct TextOutcomeRegression {
    /// Ridge penalties tried, as multiples of the Gram matrix's mean diagonal.
    static let penalties: [Double] = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]

    let llmCount: Int
    private let taskCount: Int
    /// `(features + tasks) x (2 · llmCount)`; nil when no penalty beats predicting zero.
    private var weights: Matrix?
    /// The feature part of the prediction, `queryFeatures x weights[features rows]` (a
    /// row-stable product), for every query row the data had when fitted or last
    /// ``cover(_:)``ed (rows added later are computed when asked).
    private var byQueryRow = Matrix(rows: 0, cols: 0)
    /// Per observed query row, its leave-one-query-out prediction.
    private var heldOut: [Int32: [Float]] = [:]
    /// The chosen penalty (relative), nil when the map is zero.
    private(set) var penalty: Double?

    /// Fitted on the observed (pool) nodes of `data`, against the per-(task, LLM) means
    /// `means(task, llm)` of normalized performance and cost, with the best of `penalties`.
    init(data: RoutingData, llmCount: Int, penalties: [Double] = Self.penalties, means: (Int, Int) -> (Float, Float)) {
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
        let design = Self.design(queries, tasks: tasks, data: data, taskCount: taskCount)
        fit(design: design, targets: targets, queries: queries, penalties: penalties)
        cover(data)
    }

    /// Computes the feature part of the query rows `data` gained since the last call, so
    /// that predictions for them are looked up.
    mutating func cover(_ data: RoutingData) {
        guard weights != nil, byQueryRow.rows < data.queryFeatures.rows else { return }
        // Appended in place: a stream covers a few rows at a time, and copying every row
        // covered so far each time would cost in proportion to the graph's distinct texts.
        let added = featurePart(data, rows: byQueryRow.rows..<data.queryFeatures.rows)
        byQueryRow.cols = added.cols
        byQueryRow.rows += added.rows
        byQueryRow.data += added.data
    }

    /// `queryFeatures[rows] x weights[features rows]`, a row at a time: a row's prediction
    /// does not depend on which rows it was computed with.
    private func featurePart(_ data: RoutingData, rows: Range<Int>) -> Matrix {
        let features = data.queryFeatures.cols
        let featureWeights = Matrix(rows: features, cols: weights!.cols, data: Array(weights!.data[0..<features * weights!.cols]))
        let x = Matrix(rows: rows.count, cols: features, data: Array(data.queryFeatures.data[rows.lowerBound * features..<rows.upperBound * features]))
        return BLAS.rowStableProduct(x, featureWeights)
    }

    /// `[features, task one-hot]` rows.
    private static func design(_ queries: [Int32], tasks: [Int], data: RoutingData, taskCount: Int) -> Matrix {
        let features = data.queryFeatures.rowsGathered(queries)
        var tasksOneHot = Matrix(rows: queries.count, cols: taskCount)
        for (row, task) in tasks.enumerated() where task < taskCount { tasksOneHot[row, task] = 1 }
        return features.concatenatingColumns(tasksOneHot)
    }

    private mutating func fit(design x: Matrix, targets y: Matrix, queries: [Int32], penalties: [Double]) {
        // One eigendecomposition G = Q diag(s) Qᵀ of the Gram matrix serves every penalty:
        // with Z = X Q, the fit is Z diag(1 / (s + λ)) Zᵀ Y and the leverage of row i is
        // Σ_k Z_ik² / (s_k + λ).
        let n = x.cols
        let gram = BLAS.product(x, transposeA: true, x)
        guard let (values, vectors) = SymmetricEigen.decompose(gram.data.map(Double.init), size: n) else { return }
        let basis = Matrix(rows: n, cols: n, data: vectors.map(Float.init))  // row k: eigenvector k
        let z = BLAS.product(x, basis, transposeB: true)
        let projected = BLAS.product(z, transposeA: true, y)
        let scale = max(values.reduce(0, +) / Double(n), 1e-12)
        var bestError = y.data.reduce(0) { $0 + Double($1) * Double($1) }
        var best: (penalty: Double, coefficients: Matrix, heldOut: Matrix)?
        for relative in penalties {
            let inverse = values.map { Float(1 / (max($0, 0) + relative * scale)) }
            var coefficients = projected
            for k in 0..<n { for col in 0..<y.cols { coefficients[k, col] *= inverse[k] } }
            let fitted = BLAS.product(z, coefficients)
            var held = fitted
            var error = 0.0
            for row in 0..<x.rows {
                var h: Float = 0
                for k in 0..<n { h += z[row, k] * z[row, k] * inverse[k] }
                let keep = 1 / max(1 - h, 1e-3)
                for col in 0..<y.cols {
                    let residual = (y[row, col] - fitted[row, col]) * keep
                    held[row, col] = y[row, col] - residual
                    error += Double(residual) * Double(residual)
                }
            }
            if error < bestError { (bestError, best) = (error, (relative, coefficients, held)) }
        }
        guard let best else { return }
        penalty = best.penalty
        weights = BLAS.product(basis, transposeA: true, best.coefficients)
        for (row, query) in queries.enumerated() {
            heldOut[query] = Array(best.heldOut.data[row * y.cols..<(row + 1) * y.cols])
        }
    }

    /// The predicted deviations `[perf, cost]` of `llm` on query node `node`: zero for an
    /// LLM added after fitting.
    func prediction(node: Int, llm: Int, data: RoutingData) -> (Float, Float) {
        guard llm < llmCount, let weights else { return (0, 0) }
        let query = data.nodeQueryRow[node]
        if let held = heldOut[query] { return (held[2 * llm], held[2 * llm + 1]) }
        let features = data.queryFeatures.cols
        let covered = Int(query) < byQueryRow.rows
        let part = covered ? byQueryRow : featurePart(data, rows: Int(query)..<Int(query) + 1)
        let row = covered ? Int(query) : 0
        var result = (part[row, 2 * llm], part[row, 2 * llm + 1])
        let task = Int(data.nodeTask[node])
        if task < taskCount {
            result.0 += weights[features + task, 2 * llm]
            result.1 += weights[features + task, 2 * llm + 1]
        }
        return result
    }
}

extension TextOutcomeRegression {
    /// Writes the fitted map to `archive` (held-out predictions by query row, sorted).
    func archive(into archive: inout StateArchive) {
        archive.append(count: llmCount)
        archive.append(count: taskCount)
        guard let weights, let penalty else { return archive.append(count: 0) }
        archive.append(count: weights.rows)
        archive.append(penalty)
        archive.append(reals: weights.data)
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
        guard rows == data.queryFeatures.cols + taskCount else { throw reader.corrupted() }
        penalty = try reader.next()
        weights = Matrix(rows: rows, cols: width, data: try reader.floats(rows * width))
        for _ in 0..<(try reader.count()) {
            heldOut[Int32(try reader.count())] = try reader.floats(width)
        }
        cover(data)
    }
}

/// The eigendecomposition of a symmetric matrix, by LAPACK's `dsyevd` (from OpenBLAS).
enum SymmetricEigen {
    /// Eigenvalues (ascending) and eigenvectors (row k of `vectors`, row-major
    /// `size x size`, is the eigenvector of value k) of the symmetric `matrix`; nil if
    /// LAPACK fails.
    static func decompose(_ matrix: [Double], size: Int) -> (values: [Double], vectors: [Double])? {
        guard size > 0 else { return ([], []) }
        var a = matrix  // symmetric: row- and column-major alike; LAPACK leaves the vectors in its columns
        var values = [Double](repeating: 0, count: size)
        var n = Int32(size), info: Int32 = 0
        var workSize: Double = 0
        var iworkSize: Int32 = 0
        var query: Int32 = -1
        dsyevd_("V", "U", &n, &a, &n, &values, &workSize, &query, &iworkSize, &query, &info, 1, 1)
        guard info == 0 else { return nil }
        var work = [Double](repeating: 0, count: Int(workSize))
        var iwork = [Int32](repeating: 0, count: Int(iworkSize))
        var lwork = Int32(work.count), liwork = Int32(iwork.count)
        dsyevd_("V", "U", &n, &a, &n, &values, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        return info == 0 ? (values, a) : nil
    }
}
