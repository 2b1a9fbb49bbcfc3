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
        let width = av.cols
        result.withElements { out in
            av.data.withUnsafeBufferPointer { input in
                for (row, source) in index.enumerated() {
                    let from = Int(source) * width
                    for col in 0..<width { out[row * width + col] = input[from + col] }
                }
            }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var ga = Matrix(rows: av.rows, cols: width)
            ga.withElements { sum in
                g.data.withUnsafeBufferPointer { gradient in
                    for (row, target) in index.enumerated() {
                        let to = Int(target) * width
                        for col in 0..<width { sum[to + col] += gradient[row * width + col] }
                    }
                }
            }
            accumulate(a, ga)
        }
    }

    /// Softmax of the e x 1 `scores` within each group of edges sharing a destination
    /// (`destination[i]` in `0..<count`): graph attention coefficients.
    public func edgeSoftmax(_ scores: Variable, destination: [Int32], count: Int) -> Variable {
        let sv = value(scores)
        precondition(sv.cols == 1 && sv.rows == destination.count, "edgeSoftmax takes an e x 1 column")
        var result = Matrix(rows: sv.rows, cols: 1)
        result.withElements { out in
            sv.data.withUnsafeBufferPointer { score in
                var maximum = [Float](repeating: -.infinity, count: count)
                var total = [Float](repeating: 0, count: count)
                maximum.withUnsafeMutableBufferPointer { maximum in
                    total.withUnsafeMutableBufferPointer { total in
                        for (edge, target) in destination.enumerated() { maximum[Int(target)] = max(maximum[Int(target)], score[edge]) }
                        for (edge, target) in destination.enumerated() {
                            let e = expf(score[edge] - maximum[Int(target)])
                            out[edge] = e
                            total[Int(target)] += e
                        }
                        for (edge, target) in destination.enumerated() { out[edge] /= total[Int(target)] }
                    }
                }
            }
        }
        let y = result
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var gs = Matrix(rows: sv.rows, cols: 1)
            gs.withElements { scoreGradient in
                g.data.withUnsafeBufferPointer { gradient in
                    y.data.withUnsafeBufferPointer { weight in
                        var dot = [Float](repeating: 0, count: count)
                        dot.withUnsafeMutableBufferPointer { dot in
                            for (edge, target) in destination.enumerated() { dot[Int(target)] += gradient[edge] * weight[edge] }
                            for (edge, target) in destination.enumerated() {
                                scoreGradient[edge] = weight[edge] * (gradient[edge] - dot[Int(target)])
                            }
                        }
                    }
                }
            }
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
        let width = av.cols
        result.withElements { out in
            av.data.withUnsafeBufferPointer { left in
                bv.data.withUnsafeBufferPointer { right in
                    for row in 0..<av.rows {
                        var total: Float = 0
                        for col in 0..<width { total += left[row * width + col] * right[row * width + col] }
                        out[row] = total
                    }
                }
            }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            /// `other`'s rows scaled by the output gradient.
            func scaledRows(_ other: Matrix) -> Matrix {
                var result = other
                result.withElements { out in
                    g.data.withUnsafeBufferPointer { gradient in
                        for row in 0..<av.rows {
                            for col in 0..<width { out[row * width + col] *= gradient[row] }
                        }
                    }
                }
                return result
            }
            accumulate(a, scaledRows(bv))
            accumulate(b, scaledRows(av))
        }
    }
}
