import COpenBLAS
import PRouterAutodiff

/// A multi-output ridge regression `Y ≈ X W` whose penalty is chosen by exact
/// leave-one-row-out error over a grid, with each row's leave-one-out prediction.
package struct LeaveOneOutRidge {
    /// Ridge penalties tried by default, as multiples of the Gram matrix's mean diagonal.
    static let penalties: [Double] = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]

    /// The chosen penalty (relative to the Gram matrix's mean diagonal).
    var penalty: Double { chosen.penalty }
    /// `X.cols x Y.cols`.
    package var weights: Matrix { BLAS.product(spectrum.basis, transposeA: true, chosen.coefficients).narrowed }
    /// Each row's prediction by the fit without that row.
    var heldOut: Matrix { chosen.heldOut.narrowed }
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
    /// `reference` (the summed squared error of some prediction that needs no fit, zero
    /// when nil: predicting zero). ``refined(stronger:stacked:prefers:)`` then refines it.
    package init?(design x: Matrix, targets y: Matrix, penalties: [Double] = Self.penalties, reference: Double? = nil) {
        guard let spectrum = Spectrum(design: x, targets: y) else { return nil }
        var best: Spectrum.Fit?
        for relative in penalties {
            let candidate = spectrum.fit(relative)
            if candidate.error < best?.error ?? reference ?? spectrum.zeroError { best = candidate }
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
            best = spectrum.combined(grid, shares: Self.shares(of: grid.map(\.heldOut.narrowed), targets: spectrum.targets),
                                     penalty: best.penalty)
        }
        if let prefers {
            let strongerFits = stronger.map(spectrum.fit)
            for candidate in strongerFits where candidate.error < best.error { best = candidate }
            for relative in penalties + stronger where relative > best.penalty {
                let candidate = strongerFits.first { $0.penalty == relative } ?? spectrum.fit(relative)
                if prefers(candidate.heldOut.narrowed, best.heldOut.narrowed) { best = candidate }
            }
        }
        var result = self
        result.chosen = best
        return result
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
    ///
    /// Everything after the Gram matrix is in double precision, rounded to float once at
    /// the end (``weights``, ``heldOut``): where eigenvalues repeat (words that always
    /// come together, a design with more columns than rows), LAPACK's basis of their
    /// space depends on OpenBLAS's kernels, and the fit is the same for every basis only
    /// up to the rounding of what it is computed in.
    fileprivate struct Spectrum {
        /// A penalty's fit: coefficients in the eigenbasis (`Zᵀ`-side), held-out
        /// predictions and their squared errors by row.
        typealias Fit = (error: Double, penalty: Double, coefficients: WideMatrix, heldOut: WideMatrix, rowErrors: [Double])

        /// The Gram matrix's eigenvalues, ascending.
        let values: [Double]
        /// Row k: eigenvector k.
        let basis: WideMatrix
        /// The design in the eigenbasis, `X Q`.
        let z: WideMatrix
        /// `Zᵀ Y`.
        let projected: WideMatrix
        /// The Gram matrix's mean diagonal, the unit of the penalties.
        let scale: Double
        /// `Y`.
        let targets: Matrix
        /// The squared error of predicting zero.
        let zeroError: Double

        init?(design x: Matrix, targets y: Matrix) {
            let n = x.cols
            let gram = BLAS.product(x, transposeA: true, x)
            guard let (values, vectors) = SymmetricEigen.decompose(gram.data.map(Double.init), size: n) else { return nil }
            self.values = values
            basis = WideMatrix(rows: n, cols: n, data: vectors)
            z = BLAS.product(WideMatrix(x), basis, transposeB: true)
            projected = BLAS.product(z, transposeA: true, WideMatrix(y))
            scale = max(values.reduce(0, +) / Double(n), 1e-12)
            targets = y
            zeroError = y.data.reduce(0) { $0 + Double($1) * Double($1) }
        }

        func fit(_ relative: Double) -> Fit {
            let y = targets
            let inverse = values.map { 1 / (max($0, 0) + relative * scale) }
            var coefficients = projected
            for k in 0..<values.count { for col in 0..<y.cols { coefficients[k, col] *= inverse[k] } }
            let fitted = BLAS.product(z, coefficients)
            var held = fitted
            var rowErrors = [Double](repeating: 0, count: z.rows)
            for row in 0..<z.rows {
                var h = 0.0
                for k in 0..<values.count { h += z[row, k] * z[row, k] * inverse[k] }
                let keep = 1 / max(1 - h, 1e-3)
                for col in 0..<y.cols {
                    let residual = (Double(y[row, col]) - fitted[row, col]) * keep
                    held[row, col] = Double(y[row, col]) - residual
                    rowErrors[row] += residual * residual
                }
            }
            return (rowErrors.reduce(0, +), relative, coefficients, held, rowErrors)
        }

        /// The fits summed with `shares`, reported under `penalty`: the held-out
        /// predictions of the combination are the combination of the held-out
        /// predictions, since the shares are fixed.
        func combined(_ fits: [Fit], shares: [Double], penalty: Double) -> Fit {
            var coefficients = WideMatrix(rows: projected.rows, cols: projected.cols)
            var held = WideMatrix(rows: targets.rows, cols: targets.cols)
            for (share, part) in zip(shares, fits) where share > 0 {
                for index in coefficients.data.indices { coefficients.data[index] += share * part.coefficients.data[index] }
                for index in held.data.indices { held.data[index] += share * part.heldOut.data[index] }
            }
            let rowErrors = (0..<targets.rows).map { row in
                (0..<targets.cols).reduce(0.0) { sum, col in
                    let residual = Double(targets[row, col]) - held[row, col]
                    return sum + residual * residual
                }
            }
            return (rowErrors.reduce(0, +), penalty, coefficients, held, rowErrors)
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
