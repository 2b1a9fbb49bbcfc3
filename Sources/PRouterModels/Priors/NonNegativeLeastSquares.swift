/// Least squares with non-negative coefficients, for a handful of columns.
package enum NonNegativeLeastSquares {
    /// The `w >= 0` minimizing `|y - A w|²`, given `gram = AᵀA` (row-major, `rhs.count`
    /// square) and `rhs = Aᵀy`, by cyclic coordinate descent: each coefficient in turn
    /// set to its exact minimizer with the others fixed, clipped at zero, until a sweep
    /// moves none by more than `tolerance` times the largest (the problem is convex, so
    /// this reaches its minimum; nearly collinear columns only slow it down).
    package static func solve(gram: [Double], rhs: [Double], tolerance: Double = 1e-12, maxSweeps: Int = 100_000) -> [Double] {
        let size = rhs.count
        precondition(gram.count == size * size, "gram must be rhs.count squared")
        var w = [Double](repeating: 0, count: size)
        for _ in 0..<maxSweeps {
            var moved = 0.0
            for k in 0..<size where gram[k * size + k] > 0 {
                var gradient = -rhs[k]
                for j in 0..<size { gradient += gram[k * size + j] * w[j] }
                let updated = max(0, w[k] - gradient / gram[k * size + k])
                moved = max(moved, abs(updated - w[k]))
                w[k] = updated
            }
            if moved <= tolerance * max(1, w.max() ?? 0) { break }
        }
        return w
    }
}
