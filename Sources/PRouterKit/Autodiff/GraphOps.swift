#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Message-passing operations over an edge index.
extension Tape {
    /// Row `index[i]` of `a` as row `i` of the result.
    public func gatherRows(_ a: Variable, _ index: [Int32]) -> Variable {
        let av = value(a)
        var result = Matrix(rows: index.count, cols: av.cols)
        for (row, source) in index.enumerated() {
            let from = Int(source) * av.cols
            for col in 0..<av.cols { result.data[row * av.cols + col] = av.data[from + col] }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var ga = Matrix(rows: av.rows, cols: av.cols)
            for (row, target) in index.enumerated() {
                let to = Int(target) * av.cols
                for col in 0..<av.cols { ga.data[to + col] += g.data[row * av.cols + col] }
            }
            accumulate(a, ga)
        }
    }

    /// Softmax of the e x 1 `scores` within each group of edges sharing a destination
    /// (`destination[i]` in `0..<count`): graph attention coefficients.
    public func edgeSoftmax(_ scores: Variable, destination: [Int32], count: Int) -> Variable {
        let sv = value(scores)
        precondition(sv.cols == 1 && sv.rows == destination.count, "edgeSoftmax takes an e x 1 column")
        var maximum = [Float](repeating: -.infinity, count: count)
        for (edge, target) in destination.enumerated() { maximum[Int(target)] = max(maximum[Int(target)], sv.data[edge]) }
        var result = Matrix(rows: sv.rows, cols: 1)
        var total = [Float](repeating: 0, count: count)
        for (edge, target) in destination.enumerated() {
            let e = expf(sv.data[edge] - maximum[Int(target)])
            result.data[edge] = e
            total[Int(target)] += e
        }
        for (edge, target) in destination.enumerated() { result.data[edge] /= total[Int(target)] }
        let y = result
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var dot = [Float](repeating: 0, count: count)
            for (edge, target) in destination.enumerated() { dot[Int(target)] += g.data[edge] * y.data[edge] }
            var gs = Matrix(rows: sv.rows, cols: 1)
            for (edge, target) in destination.enumerated() { gs.data[edge] = y.data[edge] * (g.data[edge] - dot[Int(target)]) }
            accumulate(scores, gs)
        }
    }

    /// Attention-weighted aggregation over edges: row `destination[e]` of the `count`-row
    /// result is `Σ_e weights[e] · a[rows[e]]` (with `rows` nil, `a` has a row per edge).
    /// One pass over the edges that never materializes the per-edge rows, so a relation's
    /// messages cost the source states plus a scalar per edge.
    public func weightedScatter(_ a: Variable, rows: [Int32]?, weights: Variable, destination: [Int32], count: Int) -> Variable {
        let (av, wv) = (value(a), value(weights))
        precondition(wv.cols == 1 && wv.rows == destination.count && (rows?.count ?? av.rows) == destination.count,
                     "weightedScatter takes one weight and one destination per edge")
        let width = av.cols
        /// Where edge `e`'s source row and destination row start.
        func offsets(_ e: Int) -> (from: Int, to: Int) { (Int(rows?[e] ?? Int32(e)) * width, Int(destination[e]) * width) }
        var result = Matrix(rows: count, cols: width)
        av.data.withUnsafeBufferPointer { source in
            result.data.withUnsafeMutableBufferPointer { out in
                for edge in destination.indices {
                    let ((from, to), w) = (offsets(edge), wv.data[edge])
                    for col in 0..<width { out[to + col] += w * source[from + col] }
                }
            }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var ga = Matrix(rows: av.rows, cols: width)
            var gw = Matrix(rows: wv.rows, cols: 1)
            g.data.withUnsafeBufferPointer { gradient in
                av.data.withUnsafeBufferPointer { source in
                    ga.data.withUnsafeMutableBufferPointer { sourceGradient in
                        for edge in destination.indices {
                            let ((from, to), w) = (offsets(edge), wv.data[edge])
                            var dot: Float = 0
                            for col in 0..<width {
                                sourceGradient[from + col] += w * gradient[to + col]
                                dot += source[from + col] * gradient[to + col]
                            }
                            gw.data[edge] = dot
                        }
                    }
                }
            }
            accumulate(a, ga)
            accumulate(weights, gw)
        }
    }

    /// The dot product of each row of `a` with the same row of `b`, as an m x 1 column.
    public func rowDot(_ a: Variable, _ b: Variable) -> Variable {
        let (av, bv) = (value(a), value(b))
        precondition(av.rows == bv.rows && av.cols == bv.cols, "rowDot takes equal shapes")
        var result = Matrix(rows: av.rows, cols: 1)
        for row in 0..<av.rows {
            var total: Float = 0
            for col in 0..<av.cols { total += av.data[row * av.cols + col] * bv.data[row * av.cols + col] }
            result.data[row] = total
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var ga = av
            var gb = bv
            for row in 0..<av.rows {
                for col in 0..<av.cols {
                    let i = row * av.cols + col
                    ga.data[i] = g.data[row] * bv.data[i]
                    gb.data[i] = g.data[row] * av.data[i]
                }
            }
            accumulate(a, ga)
            accumulate(b, gb)
        }
    }
}
