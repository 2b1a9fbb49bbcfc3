#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Judge mode's utility weights of a user: a conditional logit of which candidate the user
/// preferred, on the candidates' normalized performance and cost (``ConditionalLogit``).
/// A preference is the argmax of a noisy utility, which a logit models; a linear
/// probability fit of the 0/1 labels on the same columns tilts the weights' direction
/// (robustness suite, judge worlds, `--model ridge`: +2.6 points on average).
///
/// Each user's logit is fitted once over their observed nodes (the *anchor*); a node's
/// choice then adds its gradient and Hessian at that anchor to additive sums, so that
/// leaving nodes out (targets, cross-validation) subtracts them, and the weights are one
/// Newton step from the anchor: the fit itself with every node in, within 2% of a refit
/// with a few left out (tested). The anchor saw the nodes left out, so their labels reach
/// the weights only through that step's second-order error. The weights are reported on the scale of a linear
/// probability fit: times the mean `p (1 - p)` of the candidates at the anchor (the
/// logit's average marginal effect), so that blends with the preference-rate tables keep
/// their proportions.
enum PreferenceLogit {
    /// The penalty of each user's fit, on the mean negative log-likelihood per choice.
    static let penalty: Float = 1e-3

    /// Lanes of a node's sums: the gradient's two, the Hessian's three (`00`, `01`, `11`),
    /// then `Σ p (1 - p)` over the candidates, the candidates' count and the choices'.
    enum Lane {
        static let gradient = 0, hessian = 2, marginal = 5, candidates = 6, choices = 7
    }

    /// The choice `node` made: its candidates' normalized performance and cost, and the
    /// preferred one; nil when it preferred none.
    static func choice(of node: Int, data: RoutingData) -> ConditionalLogit.Choice? {
        let edges = Array(data.edges(of: node))
        guard let chosen = edges.firstIndex(where: { data.edgeBest[$0] }) else { return nil }
        let width = RoutingData.edgeInputWidth
        return ConditionalLogit.Choice(features: edges.flatMap { [data.edgeInput[$0 * width], data.edgeInput[$0 * width + 1]] },
                                       chosen: chosen)
    }

    /// Each user's fit over the observed nodes of `data`, in user order.
    static func anchors(data: RoutingData) -> [SIMD2<Float>] {
        var choices = [[ConditionalLogit.Choice]](repeating: [], count: data.userIDs.count)
        for node in 0..<data.nodeCount where data.isPool[node] {
            if let choice = choice(of: node, data: data) { choices[Int(data.nodeUser[node])].append(choice) }
        }
        return choices.map { list in
            let w = ConditionalLogit(width: 2, choices: list, penalty: Double(penalty)).fit()
            return SIMD2(Float(w[0]), Float(w[1]))
        }
    }

    /// The sums `node`'s choice adds at `anchor` (``Lane``); zero when it preferred none.
    static func sums(of node: Int, data: RoutingData, anchor: SIMD2<Float>) -> SIMD8<Float> {
        choice(of: node, data: data).map { sums(of: $0, anchor: anchor) } ?? SIMD8()
    }

    /// The sums `choice` (of two features per candidate) adds at `anchor` (``Lane``).
    static func sums(of choice: ConditionalLogit.Choice, anchor: SIMD2<Float>) -> SIMD8<Float> {
        let count = choice.features.count / 2
        let rows = (0..<count).map { SIMD2(choice.features[2 * $0], choice.features[2 * $0 + 1]) }
        let scores = rows.map { ($0 * anchor).sum() }
        let top = scores.max()!
        let weights = scores.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        var mean = SIMD2<Float>(), marginal: Float = 0
        for (row, weight) in zip(rows, weights) {
            let p = weight / total
            mean += p * row
            marginal += p * (1 - p)
        }
        var sums = SIMD8<Float>()
        let gradient = mean - rows[choice.chosen]
        sums[Lane.gradient] = gradient[0]
        sums[Lane.gradient + 1] = gradient[1]
        for (row, weight) in zip(rows, weights) {
            let d = row - mean, p = weight / total
            sums[Lane.hessian] += p * d[0] * d[0]
            sums[Lane.hessian + 1] += p * d[0] * d[1]
            sums[Lane.hessian + 2] += p * d[1] * d[1]
        }
        sums[Lane.marginal] = marginal
        sums[Lane.candidates] = Float(count)
        sums[Lane.choices] = 1
        return sums
    }

    /// The weights that minimize the choices' negative log-likelihood, expanded to second
    /// order at `anchor`, plus `ridge/2 · |w - prior|²`; on the logit's own scale.
    static func weights(_ sums: SIMD8<Float>, anchor: SIMD2<Float>, prior: SIMD2<Float>, ridge: Float) -> SIMD2<Float> {
        let (a, b, d) = (sums[Lane.hessian] + ridge + 1e-6, sums[Lane.hessian + 1], sums[Lane.hessian + 2] + ridge + 1e-6)
        let h = SIMD2(sums[Lane.hessian] * anchor[0] + b * anchor[1], b * anchor[0] + sums[Lane.hessian + 2] * anchor[1])
        let rhs = h - SIMD2(sums[Lane.gradient], sums[Lane.gradient + 1]) + ridge * prior
        let det = a * d - b * b
        guard det > 1e-12 else { return prior }
        return SIMD2((d * rhs[0] - b * rhs[1]) / det, (a * rhs[1] - b * rhs[0]) / det)
    }

    /// The factor from the logit's scale to a linear probability fit's: the mean
    /// `p (1 - p)` of the candidates in `sums`.
    static func scale(_ sums: SIMD8<Float>) -> Float {
        sums[Lane.candidates] > 0 ? sums[Lane.marginal] / sums[Lane.candidates] : 0
    }

    /// The user-level penalty of ``penalty`` for the choices in `sums`.
    static func userRidge(_ sums: SIMD8<Float>) -> Float { penalty * sums[Lane.choices] }

    /// A pull of `pseudoCount` choices of the mean curvature in `sums` (a user's), for the
    /// (user, task) weights' pull towards the user's.
    static func pairRidge(_ sums: SIMD8<Float>, pseudoCount: Float) -> Float {
        let n = sums[Lane.choices]
        return n > 0 ? pseudoCount * (sums[Lane.hessian] + sums[Lane.hessian + 2]) / (2 * n) : 0
    }
}
