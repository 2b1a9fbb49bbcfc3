import COpenBLAS

/// Dense operations: products, sums, activations, dropout.
extension Tape {
    /// `a * b` (``BLAS/gemm(_:transposeA:_:transposeB:alpha:beta:into:)``; row-stable products on a row-stable tape).
    public func matmul(_ a: Variable, _ b: Variable) -> Variable {
        let (av, bv) = (value(a), value(b))
        return record(isRowStable ? BLAS.rowStableProduct(av, bv) : BLAS.product(av, bv)) { [unowned self] out in
            let g = outputGradient(out)
            if needsGradient(a) { accumulate(a, BLAS.product(g, bv, transposeB: true)) }
            if needsGradient(b) { accumulate(b, BLAS.product(av, transposeA: true, g)) }
        }
    }

    /// `a + b` for equal shapes, or `a + bias` with a 1 x n bias added to every row.
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        let (av, bv) = (value(a), value(b))
        precondition(av.cols == bv.cols && (bv.rows == av.rows || bv.rows == 1), "shape mismatch in add")
        var result = av
        if bv.rows == av.rows {
            result.add(bv)
        } else {
            result.withElements { out in
                bv.data.withUnsafeBufferPointer { bias in
                    for row in 0..<av.rows {
                        for col in 0..<av.cols { out[row * av.cols + col] += bias[col] }
                    }
                }
            }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            accumulate(a, g)
            if bv.rows == av.rows {
                accumulate(b, g)
            } else {
                var sum = Matrix(rows: 1, cols: av.cols)
                sum.withElements { total in
                    g.data.withUnsafeBufferPointer { gradient in
                        for row in 0..<g.rows {
                            for col in 0..<g.cols { total[col] += gradient[row * g.cols + col] }
                        }
                    }
                }
                accumulate(b, sum)
            }
        }
    }

    /// Elementwise product of equal shapes, or each row of `a` scaled by the 1x1 `b`.
    public func multiply(_ a: Variable, _ b: Variable) -> Variable {
        let (av, bv) = (value(a), value(b))
        let scalar = bv.rows == 1 && bv.cols == 1 && av.data.count != 1
        precondition(scalar || (av.rows == bv.rows && av.cols == bv.cols), "shape mismatch in multiply")
        func scaled(_ m: Matrix) -> Matrix {
            var result = m
            result.withElements { out in
                bv.data.withUnsafeBufferPointer { factor in
                    for i in out.indices { out[i] *= scalar ? factor[0] : factor[i] }
                }
            }
            return result
        }
        return record(scaled(av)) { [unowned self] out in
            let g = outputGradient(out)
            accumulate(a, scaled(g))
            if scalar {
                var total: Float = 0
                for i in g.data.indices { total += g.data[i] * av.data[i] }
                accumulate(b, Matrix(rows: 1, cols: 1, data: [total]))
            } else {
                var gb = g
                for i in gb.data.indices { gb.data[i] *= av.data[i] }
                accumulate(b, gb)
            }
        }
    }

    /// The sum of all elements, as 1x1.
    public func sum(_ a: Variable) -> Variable {
        let av = value(a)
        return record(Matrix(rows: 1, cols: 1, data: [av.data.reduce(0, +)])) { [unowned self] out in
            accumulate(a, Matrix(rows: av.rows, cols: av.cols, repeating: outputGradient(out).data[0]))
        }
    }

    /// `max(0, x)`.
    public func relu(_ a: Variable) -> Variable {
        leakyRelu(a, slope: 0)
    }

    /// `x` where positive, `slope * x` elsewhere.
    public func leakyRelu(_ a: Variable, slope: Float = 0.2) -> Variable {
        let av = value(a)
        var result = av
        result.withElements { out in
            for i in out.indices where out[i] < 0 { out[i] *= slope }
        }
        return record(result) { [unowned self] out in
            var g = outputGradient(out)
            g.withElements { gradient in
                av.data.withUnsafeBufferPointer { input in
                    for i in gradient.indices where input[i] < 0 { gradient[i] *= slope }
                }
            }
            accumulate(a, g)
        }
    }

    /// Inverted dropout with drop probability `rate` while training; identity otherwise.
    public func dropout(_ a: Variable, rate: Float) -> Variable {
        guard isTraining, rate > 0 else { return a }
        let av = value(a)
        let keep = 1 - rate
        let mask = (0..<av.data.count).map { _ in generator.unit() < Double(keep) ? 1 / keep : 0 }
        var result = av
        for i in result.data.indices { result.data[i] *= mask[i] }
        return record(result) { [unowned self] out in
            var g = outputGradient(out)
            for i in g.data.indices { g.data[i] *= mask[i] }
            accumulate(a, g)
        }
    }

    /// The columns of `parts` side by side (all with the same number of rows).
    public func concatColumns(_ parts: [Variable]) -> Variable {
        let matrices = parts.map(value)
        let rows = matrices[0].rows
        precondition(matrices.allSatisfy { $0.rows == rows }, "row mismatch in concat")
        let cols = matrices.reduce(0) { $0 + $1.cols }
        var result = Matrix(rows: rows, cols: cols)
        var offset = 0
        result.withElements { out in
            for m in matrices {
                m.data.withUnsafeBufferPointer { part in
                    for row in 0..<rows {
                        for col in 0..<m.cols { out[row * cols + offset + col] = part[row * m.cols + col] }
                    }
                }
                offset += m.cols
            }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var offset = 0
            for (part, m) in zip(parts, matrices) {
                var piece = Matrix(rows: rows, cols: m.cols)
                piece.withElements { out in
                    g.data.withUnsafeBufferPointer { gradient in
                        for row in 0..<rows {
                            for col in 0..<m.cols { out[row * m.cols + col] = gradient[row * cols + offset + col] }
                        }
                    }
                }
                accumulate(part, piece)
                offset += m.cols
            }
        }
    }
}

extension Tape {
    /// The rows of `parts` stacked in order (all with the same number of columns).
    public func concatRows(_ parts: [Variable]) -> Variable {
        let matrices = parts.map(value)
        let cols = matrices[0].cols
        precondition(matrices.allSatisfy { $0.cols == cols }, "column mismatch in concatRows")
        let result = Matrix(rows: matrices.reduce(0) { $0 + $1.rows }, cols: cols, data: matrices.flatMap(\.data))
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var offset = 0
            for (part, m) in zip(parts, matrices) {
                accumulate(part, Matrix(rows: m.rows, cols: cols, data: Array(g.data[offset..<offset + m.data.count])))
                offset += m.data.count
            }
        }
    }

    /// The elements of `a`, row by row, as one column.
    public func reshapeToColumn(_ a: Variable) -> Variable {
        let av = value(a)
        return record(Matrix(rows: av.data.count, cols: 1, data: av.data)) { [unowned self] out in
            accumulate(a, Matrix(rows: av.rows, cols: av.cols, data: outputGradient(out).data))
        }
    }
}
