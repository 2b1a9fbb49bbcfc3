import COpenBLAS
import PRouterAutodiff

/// A multi-output ridge regression `Y ≈ X W` (plus an unpenalized intercept per group
/// of rows, when given groups) whose penalty is chosen by exact leave-one-row-out error
/// over a grid, with each row's leave-one-out prediction.
package struct LeaveOneOutRidge {
    /// Ridge penalties tried by default, as multiples of the Gram matrix's mean diagonal.
    static let penalties: [Double] = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]

    /// The chosen penalty (relative to the Gram matrix's mean diagonal).
    var penalty: Double { chosen.penalty }
    /// `X.cols x Y.cols`.
    package var weights: Matrix { BLAS.product(spectrum.basis, transposeA: true, chosen.coefficients) }
    /// Per group, its intercept (`groups x Y.cols`): a row of group g is predicted as
    /// `intercepts[g] + x W`. Empty without groups.
    var intercepts: Matrix { chosen.intercepts }
    /// Each row's prediction by the fit without that row.
    var heldOut: Matrix { chosen.heldOut }
    /// The summed squared leave-one-out error of the chosen penalty.
    var error: Double { chosen.error }
    /// The least summed squared leave-one-out error over `penalties` (the squared-error
    /// choice's, whatever `prefers` then chose): what fits of different designs are
    /// compared by.
    var leastError: Double { squaredErrorChoice.error }
    /// Each row's squared leave-one-out error (summed over the columns) under the
    /// penalty of ``leastError``: what two designs' fits are compared by row by row.
    var leastRowErrors: [Double] { squaredErrorChoice.rowErrors }

    /// The design's eigendecomposition, which every penalty's fit (and ``refined(stronger:stacked:prefers:)``) reuses.
    private let spectrum: Spectrum
    /// The grid the squared-error choice was made over.
    private let penalties: [Double]
    /// The fit with the least leave-one-out error over `penalties`.
    private let squaredErrorChoice: Spectrum.Fit
    /// The fit kept: the squared-error choice, or what ``refined(stronger:stacked:prefers:)`` made of it.
    private var chosen: Spectrum.Fit

    /// The fit of `y` on `x` with the best of `penalties`; nil when none beats
    /// predicting zero, or with `groups` (each row's, `0..<groupCount`) each group's
    /// mean, both held out as the fits are. ``refined(stronger:stacked:prefers:)`` then
    /// refines it.
    ///
    /// The groups' intercepts are not penalized: `x` and `y` are centered within each
    /// group, and a row's leverage gains 1 / (its group's size), so that a row's
    /// leave-one-out prediction takes its group's mean without it. (A row's own outcome
    /// in its group's mean would make predicting that mean look better than it is, by
    /// about 2 / size of the error, and a penalized fit that shrinks towards it too.)
    package init?(design x: Matrix, targets y: Matrix, penalties: [Double] = Self.penalties, groups: (rows: [Int], count: Int)? = nil) {
        guard let spectrum = Spectrum(design: x, targets: y, groups: groups) else { return nil }
        var best: Spectrum.Fit?
        for relative in penalties {
            let candidate = spectrum.fit(relative)
            if candidate.error < best?.error ?? spectrum.zeroError { best = candidate }
        }
        guard let best else { return nil }
        (self.spectrum, self.penalties, squaredErrorChoice, chosen) = (spectrum, penalties, best, best)
    }

    /// The squared-error choice refined, from the eigendecomposition already made.
    ///
    /// With `stacked`, the fit is the combination of every penalty's fit with the
    /// non-negative shares that fit their leave-one-out predictions to `y` best (its
    /// ``penalty`` is still the single best one's; it predicts at least as well as that
    /// one, left out row by row: the shares are a handful of numbers fitted to every
    /// row's prediction at once). With `prefers`, a penalty of `stronger` with a smaller
    /// leave-one-out error than that fit's replaces it first, and the penalties of both
    /// above the best one are then tried in increasing order, each replacing the fit
    /// kept so far when `prefers(its held-out predictions, the kept one's)`
    /// (`x.rows x y.cols` each): a decision taken on the predictions (the largest
    /// predicted value, say) can gain from more shrinkage than their squared error asks
    /// for, since the noise in the estimates is what makes a wrong candidate look best.
    package func refined(stronger: [Double] = [], stacked: Bool = false,
                         prefers: ((_ candidate: Matrix, _ kept: Matrix) -> Bool)? = nil) -> Self {
        var best = squaredErrorChoice
        if stacked {
            let grid = penalties.map(spectrum.fit)
            best = spectrum.combined(grid, shares: Self.shares(of: grid.map(\.heldOut), targets: spectrum.targets),
                                     penalty: best.penalty)
        }
        if let prefers {
            let strongerFits = stronger.map(spectrum.fit)
            for candidate in strongerFits where candidate.error < best.error { best = candidate }
            for relative in penalties + stronger where relative > best.penalty {
                let candidate = strongerFits.first { $0.penalty == relative } ?? spectrum.fit(relative)
                if prefers(candidate.heldOut, best.heldOut) { best = candidate }
            }
        }
        var result = self
        result.chosen = best
        return result
    }

    /// Each row's squared leave-one-out error (summed over the columns) of predicting
    /// zero for `y`, or with `groups` its group's mean without the row: the reference
    /// every fit is compared with (``init(design:targets:penalties:groups:)``).
    static func referenceErrors(_ y: Matrix, groups: (rows: [Int], count: Int)? = nil) -> [Double] {
        let (rows, count) = groups ?? ([], 0)
        let means = Spectrum.groupMeans(y, groups: rows, count: count)
        return Spectrum.referenceErrors(centered: Spectrum.centered(y, means: means.means, groups: rows),
                                        leverage: Spectrum.leverage(groups: rows, sizes: means.sizes, count: y.rows))
    }

    /// The non-negative shares of `predictions` (each `targets`-shaped) whose sum fits
    /// `targets` best by least squares, over every entry (sums in double precision, in
    /// a fixed order).
    static func shares(of predictions: [Matrix], targets: Matrix) -> [Double] {
        let count = predictions.count
        var gram = [Double](repeating: 0, count: count * count), rhs = [Double](repeating: 0, count: count)
        for i in 0..<count {
            for index in targets.data.indices { rhs[i] += Double(predictions[i].data[index]) * Double(targets.data[index]) }
            for j in i..<count {
                var sum = 0.0
                for index in targets.data.indices { sum += Double(predictions[i].data[index]) * Double(predictions[j].data[index]) }
                (gram[i * count + j], gram[j * count + i]) = (sum, sum)
            }
        }
        return NonNegativeLeastSquares.solve(gram: gram, rhs: rhs)
    }
}

extension LeaveOneOutRidge {
    /// One eigendecomposition G = Q diag(s) Qᵀ of the Gram matrix serves every penalty:
    /// with Z = X Q, the fit is Z diag(1 / (s + λ)) Zᵀ Y and the leverage of row i is
    /// Σ_k Z_ik² / (s_k + λ).
    fileprivate struct Spectrum {
        /// A penalty's fit: coefficients in the eigenbasis (`Zᵀ`-side), the groups'
        /// intercepts, held-out predictions and their squared errors by row.
        typealias Fit = (error: Double, penalty: Double, coefficients: Matrix, intercepts: Matrix, heldOut: Matrix,
                         rowErrors: [Double])

        /// The Gram matrix's eigenvalues, ascending.
        let values: [Double]
        /// Row k: eigenvector k.
        let basis: Matrix
        /// The design (centered within groups) in the eigenbasis, `X Q`.
        let z: Matrix
        /// Per row, the leverage of its group's intercept: 1 / the group's size (0 without groups).
        let groupLeverage: [Float]
        /// Per group, its mean target (`groups x Y.cols`), and its mean design row in the
        /// eigenbasis (`groups x X.cols`): a fit's intercept is `ȳ - z̄ coefficients`.
        let groupMeans: (targets: Matrix, z: Matrix)
        /// `Y` centered within groups.
        let centered: Matrix
        /// `Zᵀ Y`.
        let projected: Matrix
        /// The Gram matrix's mean diagonal, the unit of the penalties.
        let scale: Double
        /// `Y`.
        let targets: Matrix
        /// The squared leave-one-out error of predicting zero (with groups, each group's mean).
        let zeroError: Double

        init?(design x: Matrix, targets y: Matrix, groups: (rows: [Int], count: Int)?) {
            let n = x.cols
            let (rows, count) = groups ?? ([], 0)
            let xMeans = Self.groupMeans(x, groups: rows, count: count)
            let yMeans = Self.groupMeans(y, groups: rows, count: count)
            let cx = Self.centered(x, means: xMeans.means, groups: rows)
            let gram = BLAS.product(cx, transposeA: true, cx)
            guard let (values, vectors) = SymmetricEigen.decompose(gram.data.map(Double.init), size: n) else { return nil }
            self.values = values
            basis = Matrix(rows: n, cols: n, data: vectors.map(Float.init))
            z = BLAS.product(cx, basis, transposeB: true)
            centered = Self.centered(y, means: yMeans.means, groups: rows)
            projected = BLAS.product(z, transposeA: true, centered)
            scale = max(values.reduce(0, +) / Double(n), 1e-12)
            targets = y
            groupLeverage = Self.leverage(groups: rows, sizes: yMeans.sizes, count: y.rows)
            groupMeans = (yMeans.means, count > 0 ? BLAS.product(xMeans.means, basis, transposeB: true) : Matrix(rows: 0, cols: n))
            zeroError = Self.referenceErrors(centered: centered, leverage: groupLeverage).reduce(0, +)
        }

        /// Per row, its group's intercept leverage: 1 / the group's size (0 without groups).
        static func leverage(groups: [Int], sizes: [Int], count: Int) -> [Float] {
            groups.isEmpty ? Array(repeating: 0, count: count) : groups.map { 1 / Float(sizes[$0]) }
        }

        /// Each row's squared leave-one-out error of predicting zero for the `centered`
        /// targets with intercepts of `leverage`: its group's mean without the row.
        static func referenceErrors(centered: Matrix, leverage: [Float]) -> [Double] {
            (0..<centered.rows).map { row in
                let keep = 1 / Double(max(1 - leverage[row], 1e-3))
                return (0..<centered.cols).reduce(0.0) { total, col in
                    let residual = Double(centered[row, col]) * keep
                    return total + residual * residual
                }
            }
        }

        /// Per group, the mean row of `m` and the group's size.
        static func groupMeans(_ m: Matrix, groups: [Int], count: Int) -> (means: Matrix, sizes: [Int]) {
            var means = Matrix(rows: count, cols: m.cols)
            var sizes = [Int](repeating: 0, count: count)
            for (row, group) in groups.enumerated() {
                sizes[group] += 1
                for col in 0..<m.cols { means[group, col] += m[row, col] }
            }
            for group in 0..<count where sizes[group] > 0 {
                for col in 0..<m.cols { means[group, col] /= Float(sizes[group]) }
            }
            return (means, sizes)
        }

        /// `m` minus each row's group mean (`m` itself without groups).
        static func centered(_ m: Matrix, means: Matrix, groups: [Int]) -> Matrix {
            var result = m
            for (row, group) in groups.enumerated() {
                for col in 0..<m.cols { result[row, col] -= means[group, col] }
            }
            return result
        }

        func fit(_ relative: Double) -> Fit {
            let y = centered
            let inverse = values.map { Float(1 / (max($0, 0) + relative * scale)) }
            var coefficients = projected
            for k in 0..<values.count { for col in 0..<y.cols { coefficients[k, col] *= inverse[k] } }
            let fitted = BLAS.product(z, coefficients)
            var held = targets
            var rowErrors = [Double](repeating: 0, count: z.rows)
            for row in 0..<z.rows {
                var h = groupLeverage[row]
                for k in 0..<values.count { h += z[row, k] * z[row, k] * inverse[k] }
                let keep = 1 / max(1 - h, 1e-3)
                for col in 0..<y.cols {
                    let residual = (y[row, col] - fitted[row, col]) * keep
                    held[row, col] -= residual
                    rowErrors[row] += Double(residual) * Double(residual)
                }
            }
            var intercepts = groupMeans.targets
            if intercepts.rows > 0 {
                let shift = BLAS.product(groupMeans.z, coefficients)
                for index in intercepts.data.indices { intercepts.data[index] -= shift.data[index] }
            }
            return (rowErrors.reduce(0, +), relative, coefficients, intercepts, held, rowErrors)
        }

        /// The fits summed with `shares`, reported under `penalty`: the held-out
        /// predictions of the combination are the combination of the held-out
        /// predictions, since the shares are fixed.
        func combined(_ fits: [Fit], shares: [Double], penalty: Double) -> Fit {
            var coefficients = Matrix(rows: projected.rows, cols: projected.cols)
            var intercepts = Matrix(rows: groupMeans.targets.rows, cols: groupMeans.targets.cols)
            var held = Matrix(rows: targets.rows, cols: targets.cols)
            for (share, part) in zip(shares, fits) where share > 0 {
                let share = Float(share)
                for index in coefficients.data.indices { coefficients.data[index] += share * part.coefficients.data[index] }
                for index in intercepts.data.indices { intercepts.data[index] += share * part.intercepts.data[index] }
                for index in held.data.indices { held.data[index] += share * part.heldOut.data[index] }
            }
            let rowErrors = (0..<targets.rows).map { row in
                (0..<targets.cols).reduce(0.0) { sum, col in
                    let residual = Double(targets[row, col] - held[row, col])
                    return sum + residual * residual
                }
            }
            return (rowErrors.reduce(0, +), penalty, coefficients, intercepts, held, rowErrors)
        }
    }
}

/// The eigendecomposition of a symmetric matrix, by LAPACK's `dsyevd` (from OpenBLAS).
package enum SymmetricEigen {
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

    /// The solution of `matrix x = rhs` through the eigenvectors, over the eigenvalues above
    /// `floor` only (the others' directions get no weight); nil if LAPACK fails.
    package static func solve(_ matrix: [Double], _ rhs: [Double], size: Int, floor: Double) -> [Double]? {
        guard let (values, vectors) = decompose(matrix, size: size) else { return nil }
        var x = [Double](repeating: 0, count: size)
        for k in 0..<size where values[k] > floor {
            let vector = vectors[k * size..<(k + 1) * size]
            let projection = zip(vector, rhs).reduce(0) { $0 + $1.0 * $1.1 } / values[k]
            for (j, v) in vector.enumerated() { x[j] += projection * v }
        }
        return x
    }
}
