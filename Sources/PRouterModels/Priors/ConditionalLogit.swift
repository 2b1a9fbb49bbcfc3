#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A conditional logit: the chance that candidate i of a choice is chosen is
/// `softmax_i(f_i · w)`, with `w` fitted by Newton's method to minimize the mean negative
/// log-likelihood plus `penalty/2 · |w|²` (convex, so the fit is the unique minimum).
package struct ConditionalLogit {
    /// One observed choice: the candidates' features (row-major, `width` each) and the
    /// chosen candidate.
    package struct Choice {
        var features: [Float]
        var chosen: Int

        package init(features: [Float], chosen: Int) {
            self.features = features
            self.chosen = chosen
        }
    }

    let width: Int
    package let choices: [Choice]
    let penalty: Double

    /// The objective, its gradient and its Hessian (row-major) at `w`.
    func objective(at w: [Double]) -> (value: Double, gradient: [Double], hessian: [Double]) {
        var value = 0.0
        var gradient = [Double](repeating: 0, count: width)
        var hessian = [Double](repeating: 0, count: width * width)
        for choice in choices {
            let rows = (0..<choice.features.count / width).map { i in choice.features[i * width..<(i + 1) * width].map(Double.init) }
            let scores = Self.scores(rows, w)
            let top = scores.max() ?? 0
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            value += log(total) + top - scores[choice.chosen]
            let p = weights.map { $0 / total }
            var mean = [Double](repeating: 0, count: width)
            for (pi, f) in zip(p, rows) { for j in 0..<width { mean[j] += pi * f[j] } }
            for j in 0..<width { gradient[j] += mean[j] - rows[choice.chosen][j] }
            for (pi, f) in zip(p, rows) {
                for a in 0..<width {
                    let da = pi * (f[a] - mean[a])
                    for b in 0..<width { hessian[a * width + b] += da * (f[b] - mean[b]) }
                }
            }
        }
        let n = Double(max(choices.count, 1))
        value = value / n + penalty / 2 * w.reduce(0) { $0 + $1 * $1 }
        for j in 0..<width {
            gradient[j] = gradient[j] / n + penalty * w[j]
            for b in 0..<width { hessian[j * width + b] /= n }
            hessian[j * width + j] += penalty
        }
        return (value, gradient, hessian)
    }

    /// Each candidate's score `f · w`.
    private static func scores(_ rows: [[Double]], _ w: [Double]) -> [Double] {
        rows.map { zip($0, w).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// The log-likelihood of each choice at `w` (the chosen candidate's log-probability).
    func logLikelihoods(at w: [Double]) -> [Double] {
        choices.map { choice in
            let scores = Self.scores((0..<choice.features.count / width).map { i in
                choice.features[i * width..<(i + 1) * width].map(Double.init)
            }, w)
            let top = scores.max() ?? 0
            return scores[choice.chosen] - top - log(scores.reduce(0) { $0 + exp($1 - top) })
        }
    }

    /// These choices with only the features `columns` of each candidate, in that order.
    package func selecting(_ columns: [Int]) -> ConditionalLogit {
        ConditionalLogit(width: columns.count, choices: choices.map { choice in
            Choice(features: (0..<choice.features.count / width).flatMap { row in columns.map { choice.features[row * width + $0] } },
                   chosen: choice.chosen)
        }, penalty: penalty)
    }

    /// The penalties ``fitted(width:choices:folds:clusters:columnSets:)`` chooses from.
    static let penalties = [1e-3, 1e-2, 1e-1, 1]

    /// A fit chosen by cross-validation: each fold of choices (`folds[i]` is choice i's;
    /// choices that share evidence, such as a conversation's turns, share one) is
    /// predicted by the fit on the others. For each set of columns in `columnSets`, the
    /// penalty of ``penalties`` with the best held-out log-likelihood (ties: the larger
    /// penalty); then, in order, a set replaces the one kept so far only if its held-out
    /// log-likelihood is higher by more than `significance` standard errors clustered by
    /// `clusters` (so list them from the fewest columns, each set a candidate against
    /// what the ones before it gave). The weights of the columns left out are zero;
    /// `columns` is the chosen set.
    package static func fitted(width: Int, choices: [Choice], folds: [Int], clusters: [Int32], columnSets: [[Int]],
                       significance: Double = 2) -> (weights: [Double], penalty: Double, columns: [Int]) {
        let all = ConditionalLogit(width: width, choices: choices, penalty: 0)
        // Each fold's choices and the others'.
        let partitions = Set(folds).sorted().map { fold in
            (test: choices.indices.filter { folds[$0] == fold }, train: choices.indices.filter { folds[$0] != fold })
        }
        var chosen: (columns: [Int], penalty: Double, heldOut: [Double])?
        for columns in columnSets {
            let data = all.selecting(columns)
            var best: (penalty: Double, heldOut: [Double], total: Double)?
            if partitions.count > 1 {
                for penalty in penalties.reversed() {
                    var heldOut = [Double](repeating: 0, count: choices.count)
                    for (test, train) in partitions {
                        let fit = ConditionalLogit(width: columns.count, choices: train.map { data.choices[$0] }, penalty: penalty).fit()
                        let likelihoods = ConditionalLogit(width: columns.count, choices: test.map { data.choices[$0] }, penalty: 0)
                            .logLikelihoods(at: fit)
                        for (index, value) in zip(test, likelihoods) { heldOut[index] = value }
                    }
                    let total = heldOut.reduce(0, +)
                    if total > (best?.total ?? -.infinity) + 1e-9 { best = (penalty, heldOut, total) }
                }
            }
            guard let best else {
                chosen = chosen ?? (columns, penalties[0], [])
                continue
            }
            if let current = chosen, !PairedGain(best.heldOut, over: current.heldOut, clusters: clusters).isSignificant(significance) {
                continue
            }
            chosen = (columns, best.penalty, best.heldOut)
        }
        let (columns, penalty) = chosen.map { ($0.columns, $0.penalty) } ?? (Array(0..<width), penalties[0])
        var weights = [Double](repeating: 0, count: width)
        let fit = ConditionalLogit(width: columns.count, choices: all.selecting(columns).choices, penalty: penalty).fit()
        for (column, weight) in zip(columns, fit) { weights[column] = weight }
        return (weights, penalty, columns)
    }

    /// The fitted weights (zero when there is nothing to fit).
    func fit(iterations: Int = 50) -> [Double] {
        var w = [Double](repeating: 0, count: width)
        guard !choices.isEmpty else { return w }
        var current = objective(at: w)
        for _ in 0..<iterations {
            // Newton's step -H⁻¹g through the eigenvectors; the penalty keeps H positive definite.
            guard let newton = SymmetricEigen.solve(current.hessian, current.gradient, size: width, floor: 1e-12) else { break }
            let step = newton.map { -$0 }
            // Halve the step until the objective falls.
            var scale = 1.0
            var next = current
            var candidate = w
            repeat {
                candidate = zip(w, step).map { $0 + scale * $1 }
                next = objective(at: candidate)
                scale /= 2
            } while next.value > current.value && scale > 1e-6
            guard next.value <= current.value else { break }
            let improvement = current.value - next.value
            (w, current) = (candidate, next)
            if improvement < 1e-10 { break }
        }
        return w
    }

    package init(width: Int, choices: [Choice], penalty: Double) {
        self.width = width
        self.choices = choices
        self.penalty = penalty
    }
}
