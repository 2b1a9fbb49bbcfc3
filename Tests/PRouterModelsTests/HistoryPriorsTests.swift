import Foundation
import Testing
import PRouterAutodiff
@testable import PRouterModels
import PRouterTestSupport

/// The anchored gmt model's priors: the history features, the query neighbours, the
/// conditional logit that weighs them, and pr-eval's history tables.
@Suite struct HistoryPriorsTests {
    static func turn(_ number: Int, _ llms: [Int32], preferred: Int32?) -> TurnFeedback {
        TurnFeedback(number: number, llms: llms, feedback: llms.map { preferred == nil ? .unknown : $0 == preferred ? .preferred : .rejected })
    }

    /// Row `candidate` of a feature block of `width` columns.
    static func row(_ features: [Float], _ candidate: Int, width: Int = HistoryPriors.width) -> [Float] {
        Array(features[candidate * width..<(candidate + 1) * width])
    }

    @Test func conversationFeaturesReadWhatWasPreferredAndHowLongAgo() {
        var priors = HistoryPriors(llmCount: 4)
        // The user's other conversations: LLM 2 preferred three times out of three.
        for number in 0..<3 { priors.add(user: "u", turn: Self.turn(number, [1, 2], preferred: 2)) }
        // This conversation: turn 0 prefers 0 over 1, turn 1 has no feedback, turn 2 prefers 3 over 0.
        let history = [Self.turn(0, [0, 1], preferred: 0), Self.turn(1, [0, 3], preferred: nil), Self.turn(2, [3, 0], preferred: 3)]
        let features = priors.features(user: "u", turn: 3, history: history, candidates: [0, 1, 2, 3])
        let (zero, one, two, three) = (Self.row(features, 0), Self.row(features, 1), Self.row(features, 2), Self.row(features, 3))
        // The last preferred LLM is 3, preferred just before (turn 2, one turn ago).
        #expect(three[4] == 1 && three[5] == 1 && three[7] == 1 && abs(three[6] - Float(log1p(1.0))) < 1e-6)
        // LLM 0: preferred three turns ago, rejected just before.
        #expect(zero[4] == 0 && zero[5] == 0 && abs(zero[7] - 1.0 / 3) < 1e-6 && zero[8] == 1 && abs(zero[9] - Float(log1p(1.0))) < 1e-6)
        // LLM 1: rejected at turn 0 only.
        #expect(one[5] == 0 && one[7] == 0 && one[8] == 0 && abs(one[9] - Float(log1p(1.0))) < 1e-6)
        // LLM 2 is the user's favourite, with a positive deviation from its overall rate; 1 a negative one.
        #expect(two[3] == 1 && zero[3] == 0 && two[1] > 0 && one[1] < 0 && two[2] > 0 && two[2] < two[1])
        #expect(features.allSatisfy { $0.isFinite })
    }

    @Test func centredSignalsPlaceEachResponseAmongItsTurnsCandidates() {
        let turn = TurnFeedback(number: 0, llms: [0, 1, 2], feedback: [.rejected, .preferred, .rejected],
                                signals: [SIMD3(0.2, .nan, 10), SIMD3(0.6, 1, .nan), SIMD3(1.0, 2, 30)])
        let centred = turn.centredSignals
        // Scores 0.2, 0.6, 1.0 -> 0, 0.5, 1 -> centred on 0.5; the other signals over the responses that have them.
        #expect(zip(centred.map { $0[0] }, [-0.5, 0, 0.5] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(centred[0][1].isNaN && centred[1][1] == -0.5 && centred[2][1] == 0.5)
        #expect(centred[0][2] == -0.5 && centred[1][2].isNaN && centred[2][2] == 0.5)
        // One known value, or all alike, place nothing.
        let flat = TurnFeedback(number: 0, llms: [0, 1], feedback: [.preferred, .rejected],
                                signals: [SIMD3(0.5, 1, .nan), SIMD3(0.5, .nan, 7)]).centredSignals
        #expect(flat.allSatisfy { $0[0].isNaN && $0[1].isNaN && $0[2].isNaN })
    }

    @Test func responseTasteFavoursLLMsWhoseResponsesAreLikeThoseTheConversationPreferred() {
        // Counted turns: LLM 0's responses are the shortest of their turn, 1's the longest, 2's between; 3 is never offered.
        var overall = PreferenceTally(llmCount: 4)
        let counted = TurnFeedback(number: 0, llms: [0, 1, 2], feedback: [.preferred, .rejected, .rejected],
                                   signals: [SIMD3(0.5, 1, 100), SIMD3(0.5, 1, 300), SIMD3(0.5, 1, 200)])
        for _ in 0..<4 { overall.add(counted) }
        #expect(abs(overall.signalProfile(of: 0)[2] + 0.4) < 1e-9 && abs(overall.signalProfile(of: 1)[2] - 0.4) < 1e-9)
        #expect(overall.signalProfile(of: 2) == SIMD3() && overall.signalProfile(of: 3) == SIMD3())
        // Earlier in this conversation the user took the shorter of LLM 2's and 3's responses (no turn with scores or costs that differ).
        let history = [TurnFeedback(number: 0, llms: [2, 3], feedback: [.preferred, .rejected], signals: [SIMD3(0.5, 1, 100), SIMD3(0.5, 1, 400)])]
        let taste = ResponseTaste.taste(of: history)
        #expect(taste[0] == 0 && taste[1] == 0 && abs(taste[2] + 0.25) < 1e-9)
        // So LLM 0, never offered in the conversation, is favoured and LLM 1 disfavoured, by 10 * -0.25 * -+0.4.
        let features = ResponseTaste.features(history: history, candidates: [0, 1, 2, 3], overall: overall)
        #expect(features.count == 4 * ResponseTaste.width)
        #expect(abs(features[2] - 1) < 1e-6 && abs(features[5] + 1) < 1e-6 && features[8] == 0 && features[11] == 0)
        #expect((0..<4).allSatisfy { features[3 * $0] == 0 && features[3 * $0 + 1] == 0 })
        // A first turn, or one without a single preferred response, says nothing yet.
        #expect(ResponseTaste.features(history: [], candidates: [0, 1], overall: overall).allSatisfy { $0 == 0 })
        #expect(ResponseTaste.taste(of: [Self.turn(0, [0, 1], preferred: nil)]) == SIMD3())
        // Counted turns taken out again leave no profile.
        for _ in 0..<4 { overall.add(counted, weight: -1) }
        #expect((0..<4).allSatisfy { overall.signalProfile(of: Int32($0)) == SIMD3() })
    }

    @Test func leavingAConversationOutEqualsNeverCountingIt() {
        var all = HistoryPriors(llmCount: 3), without = HistoryPriors(llmCount: 3)
        var own = PreferenceTally(llmCount: 3)
        let others = [Self.turn(0, [0, 1], preferred: 1), Self.turn(1, [1, 2], preferred: 2), Self.turn(0, [0, 2], preferred: 0)]
        let mine = [Self.turn(0, [0, 1, 2], preferred: 0), Self.turn(1, [0, 2], preferred: 2)]
        for turn in others {
            all.add(user: "u", turn: turn)
            without.add(user: "u", turn: turn)
        }
        all.add(user: "v", turn: Self.turn(0, [1, 2], preferred: 1))
        without.add(user: "v", turn: Self.turn(0, [1, 2], preferred: 1))
        for turn in mine {
            all.add(user: "u", turn: turn)
            own.add(turn)
        }
        let candidates: [Int32] = [0, 1, 2]
        #expect(all.features(user: "u", turn: 1, history: [mine[0]], candidates: candidates, leaving: own)
            == without.features(user: "u", turn: 1, history: [mine[0]], candidates: candidates))
        #expect(all.features(user: "u", turn: 1, history: [mine[0]], candidates: candidates)
            != without.features(user: "u", turn: 1, history: [mine[0]], candidates: candidates))
    }

    @Test func neighboursReadSimilarQueriesButNotTheirOwnConversation() {
        let queries = Matrix(rows: 3, cols: 2, data: [1, 0, 1, 0.1, 0, 1])
        let turns = [Self.turn(0, [0, 1], preferred: 0), Self.turn(0, [0, 1], preferred: 0), Self.turn(0, [0, 1], preferred: 1)]
        let neighbours = QueryNeighbours(queries: queries, turns: turns, conversations: [7, 8, 9])
        let target = Matrix(rows: 2, cols: 2, data: [2, 0, 2, 0])
        let features = neighbours.features(targets: target, candidates: [[0, 1], [0, 1]], overallRates: [[0.5, 0.5], [0.5, 0.5]],
                                           conversations: [nil, 7])
        // Near queries preferred LLM 0: up for 0, down for 1 (the orthogonal query weighs nothing).
        #expect(features[0][0][0] > 0 && features[0][1][0] < 0 && abs(features[0][0][0] + features[0][1][0]) < 1e-5)
        // Without the turn of its own conversation, one near vote is left: a smaller step.
        #expect(features[1][0][0] > 0 && features[1][0][0] < features[0][0][0])
        // No scores, no predicted score advantage.
        #expect(features.joined().allSatisfy { $0[1] == 0 })
        // Scored turns: LLM 0 outscored its turn's mean by 0.4 on the near queries.
        let scored = turns.map { TurnFeedback(number: 0, llms: $0.llms, feedback: $0.feedback,
                                                   signals: [SIMD3(0.9, .nan, .nan), SIMD3(0.1, .nan, .nan)]) }
        let advantage = QueryNeighbours(queries: queries, turns: scored, conversations: [7, 8, 9])
            .features(targets: target, candidates: [[0, 1]], overallRates: [[0.5, 0.5]], conversations: [nil])[0]
        #expect(advantage[0][1] > 0 && advantage[0][1] < 4 && abs(advantage[0][1] + advantage[1][1]) < 1e-5)
        // A user who took the better-scored response has a taste for quality; taken out again, none.
        var tally = PreferenceTally(llmCount: 2)
        tally.add(scored[0])
        #expect(abs(tally.qualityTaste - 0.4 / 6) < 1e-6)
        tally.add(scored[0], weight: -1)
        #expect(tally.qualityTaste == 0)
        let empty = QueryNeighbours(queries: Matrix(rows: 0, cols: 2), turns: [], conversations: [])
        #expect(empty.features(targets: target, candidates: [[0, 1], [1]], overallRates: [[0.5, 0.5], [0.5]], conversations: [nil, nil])
            == [[[0, 0], [0, 0]], [[0, 0]]])
    }

    /// Choices simulated from known weights.
    static func simulatedChoices(weights: [Double], count: Int, seed: UInt64) -> [ConditionalLogit.Choice] {
        var generator = SplitMix64(seed: seed, stream: 3)
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        return (0..<count).map { _ in
            let candidates = 2 + Int(generator.next() % 3)
            let features = (0..<candidates * weights.count).map { _ in Float(uniform() * 2 - 1) }
            let utilities = (0..<candidates).map { i in
                zip(features[i * weights.count..<(i + 1) * weights.count], weights).reduce(0) { $0 + Double($1.0) * $1.1 }
                    - log(-log(max(uniform(), 1e-12)))
            }
            return ConditionalLogit.Choice(features: features, chosen: utilities.indices.max { utilities[$0] < utilities[$1] }!)
        }
    }

    @Test func conditionalLogitGradientAndHessianMatchFiniteDifferences() {
        let logit = ConditionalLogit(width: 3, choices: Self.simulatedChoices(weights: [1, -2, 0.5], count: 40, seed: 1), penalty: 0.1)
        let w = [0.3, -0.2, 0.7]
        let at = logit.objective(at: w)
        let h = 1e-5
        for j in 0..<3 {
            var up = w, down = w
            up[j] += h
            down[j] -= h
            let (plus, minus) = (logit.objective(at: up), logit.objective(at: down))
            #expect(abs((plus.value - minus.value) / (2 * h) - at.gradient[j]) < 1e-6)
            for k in 0..<3 {
                #expect(abs((plus.gradient[k] - minus.gradient[k]) / (2 * h) - at.hessian[k * 3 + j]) < 1e-5)
            }
        }
    }

    @Test func conditionalLogitRecoversTheWeightsThatMadeTheChoices() {
        let truth = [1.5, -1.0, 0.0, 0.5]
        let logit = ConditionalLogit(width: 4, choices: Self.simulatedChoices(weights: truth, count: 4000, seed: 2), penalty: 1e-4)
        let fitted = logit.fit()
        #expect(zip(fitted, truth).allSatisfy { abs($0 - $1) < 0.15 }, "\(fitted)")
        #expect(logit.objective(at: fitted).gradient.allSatisfy { abs($0) < 1e-6 })
        #expect(ConditionalLogit(width: 2, choices: [], penalty: 1).fit() == [0, 0])
    }

    @Test func crossValidationAddsColumnsOnlyWhenTheyPredictHeldOutChoices() {
        // Choices made by columns 0 and 3; the other two are noise, or matter.
        for (truth, expected) in [([1.5, 0.0, 0.0, -1.0], [0, 3]), ([1.5, 0.0, 1.2, -1.0], [0, 1, 2, 3])] {
            let choices = Self.simulatedChoices(weights: truth, count: 1500, seed: 5)
            let clusters = choices.indices.map { Int32($0 / 3) }  // three choices per "conversation"
            let fit = ConditionalLogit.fitted(width: 4, choices: choices, folds: clusters.map { Int($0) % 5 }, clusters: clusters,
                                              columnSets: [[0, 3], [0, 1, 2, 3]])
            #expect(fit.columns == expected && fit.weights.count == 4, "\(fit)")
            #expect(abs(fit.weights[0] - 1.5) < 0.3 && abs(fit.weights[3] + 1) < 0.3)
            #expect(expected.count == 4 || (fit.weights[1] == 0 && fit.weights[2] == 0))
            #expect(ConditionalLogit.penalties.contains(fit.penalty))
        }
    }
}
