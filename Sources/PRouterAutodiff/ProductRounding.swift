/// Rounds matrix products that OpenBLAS summed in double to float so that the result does
/// not depend on how it summed them (its kernels, blocking or threads).
///
/// Each term of a product of widened floats is exact in double, so any order of summing
/// `k` of them is within `e = γ_k Σ|a_t b_t| ≤ γ_k ‖a‖ ‖b‖` (γ_k = k u / (1 - k u),
/// u = 2⁻⁵³; Cauchy–Schwarz) of the exact sum. Where dgemm's sum is farther than `2e`
/// from every float rounding boundary, it is rounded: the exact sum is farther than `e`
/// from the boundary, and every order's sum rounds as it does. Where it is not (a few in
/// a hundred thousand), the element is summed again here in a fixed order and that sum is
/// rounded, which gives the same float as a machine whose dgemm was far enough (the fixed
/// order's sum is within `e` of the exact one, on its side of the boundary) or the same
/// fixed-order sum. Either way every CPU gives the same floats.
package enum ProductRounding {
    /// One operand of a product, `op(X)`: element `(i, t)` is `base[i * rowStride + t * columnStride]`.
    package struct Operand {
        let base: UnsafePointer<Double>
        let rowStride: Int
        let columnStride: Int

        /// A row-major matrix with rows `leading` elements apart, transposed or not.
        package init(_ base: UnsafePointer<Double>, leading: Int, transposed: Bool = false) {
            self.base = base
            (rowStride, columnStride) = transposed ? (1, leading) : (leading, 1)
        }

        @inline(__always) subscript(i: Int, t: Int) -> Double { base[i * rowStride + t * columnStride] }

        /// The Euclidean norms of rows `0..<count` of `op(X)`, over `terms` columns
        /// (of `op(X)ᵀ`'s rows when `columns`: the columns of a right-hand operand).
        func norms(_ count: Int, terms: Int, columns: Bool) -> [Double] {
            (0..<count).map { i in
                var sum = 0.0
                for t in 0..<terms {
                    let value = columns ? self[t, i] : self[i, t]
                    sum += value * value
                }
                return sum.squareRoot()
            }
        }
    }

    /// What was added to a product before rounding: element `(i, j)` is
    /// `base[i * rowStride + j]` (row stride 0: one value per column, a bias).
    package typealias Offset = (base: UnsafePointer<Double>, rowStride: Int)

    /// `c` (packed `m x n`, what dgemm computed as `alpha · op(A) op(B) + offset`, `k`
    /// terms) rounded to float into `target` (rows `stride` apart), each element as every
    /// summation order rounds it.
    /// `bNorms`: `b`'s column norms when known (a weight matrix's, computed once).
    package static func narrow(_ c: UnsafePointer<Double>, shape: (m: Int, n: Int, k: Int), _ a: Operand, _ b: Operand,
                               bNorms: ArraySlice<Double>? = nil, alpha: Double = 1, offset: Offset? = nil,
                               into target: UnsafeMutablePointer<Float>, stride: Int) {
        let rowNorms = a.norms(shape.m, terms: shape.k, columns: false)
        let columnNorms = bNorms.map(Array.init) ?? b.norms(shape.n, terms: shape.k, columns: true)
        // Twice γ_{k+3} (the sum, alpha's product and the offset's addition), with room.
        let factor = 4 * Double(shape.k + 3) * Double.ulpOfOne / 2
        let zeros = [Double](repeating: 0, count: offset == nil ? shape.n : 0)
        zeros.withUnsafeBufferPointer { zeros in
            rowNorms.withUnsafeBufferPointer { rowNorms in
                columnNorms.withUnsafeBufferPointer { columnNorms in
                    let (columnNorms, offset) = (columnNorms.baseAddress!, offset ?? (zeros.baseAddress!, 0))
                    for i in 0..<shape.m {
                        let rowBound = factor * abs(alpha) * rowNorms[i]
                        let (row, out, added) = (c + i * shape.n, target + i * stride, offset.base + i * offset.rowStride)
                        if roundRow(row, out, count: shape.n, rowBound: rowBound, columnNorms: columnNorms, added: added, factor: factor) {
                            continue
                        }
                        for j in 0..<shape.n {
                            let bound = rowBound * columnNorms[j] + factor * abs(added[j])
                            guard rounded(row[j], unlessWithin: bound) == nil else { continue }
                            var sum = 0.0
                            for t in 0..<shape.k { sum += a[i, t] * b[t, j] }
                            out[j] = Float(alpha * sum + added[j])
                        }
                    }
                }
            }
        }
    }

    /// Rounds `count` sums of `row` into `out`, four at a time; false when one of them is
    /// within its bound (`rowBound` times its column's norm, plus `factor` times its
    /// offset's size) of a rounding boundary.
    @inline(__always) private static func roundRow(_ row: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Float>, count: Int,
                                                   rowBound: Double, columnNorms: UnsafePointer<Double>, added: UnsafePointer<Double>,
                                                   factor: Double) -> Bool {
        typealias Lanes = SIMD4<Double>
        func load(_ base: UnsafePointer<Double>, _ j: Int) -> Lanes { UnsafeRawPointer(base + j).loadUnaligned(as: Lanes.self) }
        var clear = true
        var j = 0
        while j + Lanes.scalarCount <= count {
            let offsets = load(added, j)
            let bound = rowBound * load(columnNorms, j) + factor * pointwiseMax(offsets, -offsets)
            let values = load(row, j)
            let (low, high) = (SIMD4<Float>(values - bound), SIMD4<Float>(values + bound))
            UnsafeMutableRawPointer(out + j).storeBytes(of: low, as: SIMD4<Float>.self)
            clear = clear && all(low .== high)
            j += Lanes.scalarCount
        }
        for j in j..<count {
            let value = rounded(row[j], unlessWithin: rowBound * columnNorms[j] + factor * abs(added[j]))
            out[j] = value ?? .nan
            clear = clear && value != nil
        }
        return clear
    }

    /// `value` rounded to float, or nil when a value within `bound` of it could round to
    /// another float. Rounding is monotone, so if both ends of the interval round alike,
    /// everything between them does.
    @inline(__always) static func rounded(_ value: Double, unlessWithin bound: Double) -> Float? {
        let low = Float(value - bound), high = Float(value + bound)
        return low == high ? low : nil
    }
}
