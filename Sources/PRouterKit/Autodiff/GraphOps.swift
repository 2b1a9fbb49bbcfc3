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

    /// Sums row `i` of `a` into row `index[i]` of a `count`-row result.
    public func scatterSum(_ a: Variable, _ index: [Int32], count: Int) -> Variable {
        scatter(a, index, count: count, mean: false)
    }

    /// Averages the rows of `a` with the same `index` into a `count`-row result (zero rows where none).
    public func scatterMean(_ a: Variable, _ index: [Int32], count: Int) -> Variable {
        scatter(a, index, count: count, mean: true)
    }

    private func scatter(_ a: Variable, _ index: [Int32], count: Int, mean: Bool) -> Variable {
        let av = value(a)
        precondition(index.count == av.rows, "scatter index must have one entry per row")
        var scale = [Float](repeating: 1, count: count)
        if mean {
            var sizes = [Float](repeating: 0, count: count)
            for target in index { sizes[Int(target)] += 1 }
            scale = sizes.map { $0 > 0 ? 1 / $0 : 0 }
        }
        var result = Matrix(rows: count, cols: av.cols)
        for (row, target) in index.enumerated() {
            let to = Int(target) * av.cols
            let factor = scale[Int(target)]
            for col in 0..<av.cols { result.data[to + col] += av.data[row * av.cols + col] * factor }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var ga = Matrix(rows: av.rows, cols: av.cols)
            for (row, target) in index.enumerated() {
                let from = Int(target) * av.cols
                let factor = scale[Int(target)]
                for col in 0..<av.cols { ga.data[row * av.cols + col] = g.data[from + col] * factor }
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

    /// Each row `i` of `a` times the scalar `weights[i]` (an e x 1 column).
    public func scaleRows(_ a: Variable, by weights: Variable) -> Variable {
        let (av, wv) = (value(a), value(weights))
        precondition(wv.cols == 1 && wv.rows == av.rows, "scaleRows takes one weight per row")
        var result = av
        for row in 0..<av.rows {
            for col in 0..<av.cols { result.data[row * av.cols + col] *= wv.data[row] }
        }
        return record(result) { [unowned self] out in
            let g = outputGradient(out)
            var ga = g
            var gw = Matrix(rows: wv.rows, cols: 1)
            for row in 0..<av.rows {
                for col in 0..<av.cols {
                    let i = row * av.cols + col
                    ga.data[i] *= wv.data[row]
                    gw.data[row] += g.data[i] * av.data[i]
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
