import Foundation
import Testing
import PRouterAutodiff
import PRouterGraph
import PRouterIO
@testable import PRouterModels
import PRouterTestSupport

/// Judge mode's user weights: the preference logit's sums, their leave-out step and the
/// direction they recover.
@Suite struct PreferenceLogitTests {
    /// `count` choices among 6 candidates with uniform normalized performance and cost,
    /// each the argmax of `3·perf - 2·cost` plus Gumbel noise (a logit's own model).
    static func choices(_ count: Int, seed: UInt64 = 4) -> [ConditionalLogit.Choice] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let features = (0..<12).map { _ in Float(generator.unit()) }
            let utilities = (0..<6).map { i in
                3 * Double(features[2 * i]) - 2 * Double(features[2 * i + 1]) - log(-log(max(generator.unit(), 1e-12)))
            }
            return ConditionalLogit.Choice(features: features, chosen: utilities.indices.max { utilities[$0] < utilities[$1] }!)
        }
    }

    static func fit(_ choices: [ConditionalLogit.Choice]) -> SIMD2<Float> {
        let w = ConditionalLogit(width: 2, choices: choices, penalty: Double(PreferenceLogit.penalty)).fit()
        return SIMD2(Float(w[0]), Float(w[1]))
    }

    /// The larger difference between two weight pairs.
    static func gap(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float { max(abs(a[0] - b[0]), abs(a[1] - b[1])) }

    static func total(_ choices: [ConditionalLogit.Choice], anchor: SIMD2<Float>) -> SIMD8<Float> {
        choices.reduce(SIMD8()) { $0 + PreferenceLogit.sums(of: $1, anchor: anchor) }
    }

    /// One choice's gradient and Hessian lanes against central differences of its
    /// negative log-likelihood.
    @Test func sumsMatchFiniteDifferences() {
        let choice = Self.choices(1)[0]
        let logit = ConditionalLogit(width: 2, choices: [choice], penalty: 0)
        func loss(_ w: SIMD2<Double>) -> Double { -logit.logLikelihoods(at: [w[0], w[1]])[0] }
        let at = SIMD2<Double>(0.7, -1.3)
        let sums = PreferenceLogit.sums(of: choice, anchor: SIMD2<Float>(at))
        let h = 1e-4
        for i in 0..<2 {
            var step = SIMD2<Double>()
            step[i] = h
            let gradient = (loss(at + step) - loss(at - step)) / (2 * h)
            #expect(abs(Double(sums[PreferenceLogit.Lane.gradient + i]) - gradient) < 1e-4)
        }
        // Second differences: the diagonal, and the mixed term.
        let f0 = loss(at)
        let h00 = (loss(at + SIMD2(h, 0)) - 2 * f0 + loss(at - SIMD2(h, 0))) / (h * h)
        let h11 = (loss(at + SIMD2(0, h)) - 2 * f0 + loss(at - SIMD2(0, h))) / (h * h)
        let h01 = (loss(at + SIMD2(h, h)) - loss(at + SIMD2(h, -h)) - loss(at + SIMD2(-h, h)) + loss(at - SIMD2(h, h))) / (4 * h * h)
        #expect(abs(Double(sums[PreferenceLogit.Lane.hessian]) - h00) < 1e-3)
        #expect(abs(Double(sums[PreferenceLogit.Lane.hessian + 1]) - h01) < 1e-3)
        #expect(abs(Double(sums[PreferenceLogit.Lane.hessian + 2]) - h11) < 1e-3)
        #expect(sums[PreferenceLogit.Lane.candidates] == 6 && sums[PreferenceLogit.Lane.choices] == 1)
    }

    /// With every choice in, the weights are the fit itself; with some taken out of the
    /// sums, one Newton step lands close to a refit without them.
    @Test func leavingChoicesOutStepsCloseToARefit() {
        let all = Self.choices(60)
        let anchor = Self.fit(all)
        let full = Self.total(all, anchor: anchor)
        let weights = PreferenceLogit.weights(full, anchor: anchor, prior: .zero, ridge: PreferenceLogit.userRidge(full))
        #expect(Self.gap(weights, anchor) < 1e-3)
        for left in [0..<1, 10..<13, 30..<36] {
            let kept = Array(all[..<left.lowerBound] + all[left.upperBound...])
            let sums = full - Self.total(Array(all[left]), anchor: anchor)
            let stepped = PreferenceLogit.weights(sums, anchor: anchor, prior: .zero, ridge: PreferenceLogit.userRidge(sums))
            let refit = Self.fit(kept)
            // The step moves towards the refit, and lands within 2% of the weights' size.
            #expect(Self.gap(stepped, refit) < 0.02 * Self.gap(refit, .zero))
            #expect(Self.gap(stepped, refit) < Self.gap(anchor, refit) || Self.gap(anchor, refit) < 1e-4)
        }
    }

    /// The logit recovers the simulated trade-off (3 : -2) from 150 choices, and its
    /// scale factor is the candidates' mean `p (1 - p)`, within (0, 1/4].
    @Test func recoversTheTradeOffsDirection() {
        let all = Self.choices(150, seed: 9)
        let anchor = Self.fit(all)
        let sums = Self.total(all, anchor: anchor)
        let weights = PreferenceLogit.weights(sums, anchor: anchor, prior: .zero, ridge: PreferenceLogit.userRidge(sums))
        let cosine = (weights[0] * 3 - weights[1] * 2) / ((weights * weights).sum().squareRoot() * Float(13).squareRoot())
        #expect(cosine > 0.98)
        let scale = PreferenceLogit.scale(sums)
        #expect(scale > 0 && scale <= 0.25)
    }

    /// A (user, task) group without choices keeps the user's weights; its choices pull
    /// it away in proportion to their number against the pseudo-count.
    @Test func pairWeightsArePulledTowardsTheUsers() {
        let user = Self.choices(80)
        let anchor = Self.fit(user)
        let sums = Self.total(user, anchor: anchor)
        let prior = PreferenceLogit.weights(sums, anchor: anchor, prior: .zero, ridge: PreferenceLogit.userRidge(sums))
        let ridge = PreferenceLogit.pairRidge(sums, pseudoCount: 5)
        #expect(Self.gap(PreferenceLogit.weights(SIMD8(), anchor: anchor, prior: prior, ridge: ridge), prior) < 1e-4)
        // Choices of the opposite taste (cost over quality) move the weights towards it.
        let opposite = Self.choices(40, seed: 5).map { choice in
            var flipped = choice
            for i in 0..<6 { (flipped.features[2 * i], flipped.features[2 * i + 1]) = (choice.features[2 * i + 1], choice.features[2 * i]) }
            return flipped
        }
        let few = PreferenceLogit.weights(Self.total(Array(opposite.prefix(4)), anchor: anchor), anchor: anchor, prior: prior, ridge: ridge)
        let many = PreferenceLogit.weights(Self.total(opposite, anchor: anchor), anchor: anchor, prior: prior, ridge: ridge)
        #expect(prior[1] < few[1] && few[1] < many[1])
        #expect(many[1] > 0)
    }
}

extension PreferenceLogitTests {
    /// A judge-mode graph: `queries` queries answered by four LLMs of random quality and
    /// cost; "quality" prefers by `3·perf - cost`, "saver" by `perf - 3·cost`, plus noise.
    static func judgeGraph(queries: Int = 50) throws -> Graph {
        var generator = SplitMix64(seed: 21)
        var lines: [String] = []
        for q in 0..<queries {
            let outcomes = (0..<4).map { _ in (generator.unit(), 0.01 * generator.unit()) }
            for (user, a, b) in [("quality", 3.0, 1.0), ("saver", 1.0, 3.0)] {
                let utilities = outcomes.map { a * $0.0 - b * 100 * $0.1 + 0.3 * generator.unit() }
                let best = utilities.indices.max { utilities[$0] < utilities[$1] }!
                for (m, outcome) in outcomes.enumerated() {
                    lines.append(#"{"user":"\#(user)","query_id":"q\#(q)","task":"t","query":"text of q\#(q)","llm":"m\#(m)","performance":\#(outcome.0),"cost":\#(outcome.1),"best":\#(m == best)}"#)
                }
            }
        }
        var builder = GraphBuilder()
        for interaction in try decodeLines(lines.joined(separator: "\n"), Interaction.init) { try builder.add(interaction) }
        var options = GraphBuildOptions()
        options.seed = 2
        return ModelTests.embedded(try builder.build(options))
    }

    /// In judge mode each user's utility weights are their preference logit (on the
    /// linear probability scale), and a target's own choice is left out of its user's
    /// weights (one step from the fit, close to a refit without it).
    @Test func judgeModeUtilityWeightsAreEachUsersLogit() throws {
        let graph = try Self.judgeGraph()
        let data = try RoutingData(graph: graph, routing: false)
        #expect(data.mode == .judge)
        let features = AnchorFeatures(data: data)
        let pool = (0..<data.nodeCount).filter { data.isPool[$0] }
        func weights(_ features: AnchorFeatures, node: Int) -> SIMD2<Float> {
            let users = features.rows([node], data: data).users
            return SIMD2(users[0, AnchorFeatures.utilityColumn], users[0, AnchorFeatures.utilityColumn + 1])
        }
        for user in 0..<2 {
            let nodes = pool.filter { Int(data.nodeUser[$0]) == user }
            let choices = nodes.compactMap { PreferenceLogit.choice(of: $0, data: data) }
            let fit = Self.fit(choices)
            let scale = PreferenceLogit.scale(Self.total(choices, anchor: fit))
            #expect(Self.gap(weights(features, node: nodes[0]), scale * fit) < 1e-3)
            // Node 0 left out: close to the refit without its choice, on the same scale.
            let refit = Self.fit(Array(choices.dropFirst()))
            let left = weights(features.excluding([nodes[0]], data: data), node: nodes[0])
            let leftScale = PreferenceLogit.scale(Self.total(Array(choices.dropFirst()), anchor: fit))
            #expect(Self.gap(left, leftScale * refit) < 0.02 * Self.gap(leftScale * refit, .zero))
        }
        // Their trade-offs come out opposite: quality weighs performance over cost, the
        // saver cost over performance.
        let quality = weights(features, node: pool.first { data.userIDs[Int(data.nodeUser[$0])] == "quality" }!)
        let saver = weights(features, node: pool.first { data.userIDs[Int(data.nodeUser[$0])] == "saver" }!)
        #expect(quality[0] > -quality[1] && -saver[1] > saver[0])
    }
}
