#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training losses.
extension Tape {
    /// Softmax cross-entropy over variable-size candidate sets: the e x 1 `scores` are
    /// cut into groups by `offsets` (group g is rows `offsets[g]..<offsets[g+1]`), and
    /// `targets[g]` is the correct row within group g. Returns the mean over groups of
    /// `-log softmax(group)[target]`, as 1x1.
    public func candidateCrossEntropy(_ scores: Variable, offsets: [Int], targets: [Int]) -> Variable {
        let sv = value(scores)
        let groups = targets.count
        precondition(offsets.count == groups + 1 && offsets.last == sv.rows, "bad candidate groups")
        var probabilities = [Float](repeating: 0, count: sv.rows)
        var loss: Double = 0
        for g in 0..<groups {
            let range = offsets[g]..<offsets[g + 1]
            let top = range.map { sv.data[$0] }.max()!
            var total: Double = 0
            for i in range { total += exp(Double(sv.data[i] - top)) }
            for i in range { probabilities[i] = Float(exp(Double(sv.data[i] - top)) / total) }
            loss -= Double(sv.data[offsets[g] + targets[g]] - top) - log(total)
        }
        let count = Float(max(groups, 1))
        return record(Matrix(rows: 1, cols: 1, data: [Float(loss) / count])) { [unowned self] out in
            let scale = outputGradient(out).data[0] / count
            var gs = Matrix(rows: sv.rows, cols: 1)
            for g in 0..<groups {
                for i in offsets[g]..<offsets[g + 1] { gs.data[i] = probabilities[i] * scale }
                gs.data[offsets[g] + targets[g]] -= scale
            }
            accumulate(scores, gs)
        }
    }

    /// Mean binary cross-entropy of the e x 1 logits `scores` against 0/1 `labels`,
    /// computed stably as `max(x,0) - x*y + log(1 + exp(-|x|))`. Returns 1x1.
    public func binaryCrossEntropy(_ scores: Variable, labels: [Float]) -> Variable {
        let sv = value(scores)
        precondition(labels.count == sv.rows && sv.cols == 1, "one label per score")
        var loss: Double = 0
        for (x, y) in zip(sv.data, labels) {
            loss += Double(max(x, 0) - x * y) + log1p(exp(-Double(abs(x))))
        }
        let count = Float(max(labels.count, 1))
        return record(Matrix(rows: 1, cols: 1, data: [Float(loss) / count])) { [unowned self] out in
            let scale = outputGradient(out).data[0] / count
            var gs = Matrix(rows: sv.rows, cols: 1)
            for (i, (x, y)) in zip(sv.data, labels).enumerated() {
                gs.data[i] = (Float(1 / (1 + exp(-Double(x)))) - y) * scale
            }
            accumulate(scores, gs)
        }
    }

    /// Mean over all elements of `(predictions - targets)²`, as 1x1.
    public func meanSquaredError(_ predictions: Variable, targets: Matrix) -> Variable {
        let pv = value(predictions)
        precondition(pv.rows == targets.rows && pv.cols == targets.cols, "one target per prediction")
        var loss: Double = 0
        for (p, t) in zip(pv.data, targets.data) { loss += Double((p - t) * (p - t)) }
        let count = Float(max(pv.data.count, 1))
        return record(Matrix(rows: 1, cols: 1, data: [Float(loss) / count])) { [unowned self] out in
            let scale = 2 * outputGradient(out).data[0] / count
            var gp = Matrix(rows: pv.rows, cols: pv.cols)
            for i in gp.data.indices { gp.data[i] = (pv.data[i] - targets.data[i]) * scale }
            accumulate(predictions, gp)
        }
    }
}
