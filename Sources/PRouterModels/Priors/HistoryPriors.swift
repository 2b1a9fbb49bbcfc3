#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterGraph

/// What the history priors read of a turn: its position in the conversation, its
/// candidate LLMs, the user's feedback on each and their responses' signals (score, cost,
/// length; NaN where unknown).
package struct TurnFeedback: Sendable {
    var number: Int
    package var llms: [Int32]
    var feedback: [ConversationGraph.Feedback]
    var signals: [SIMD3<Float>]

    package init(number: Int, llms: [Int32], feedback: [ConversationGraph.Feedback], signals: [SIMD3<Float>]? = nil) {
        self.number = number
        self.llms = llms
        self.feedback = feedback
        self.signals = signals ?? llms.map { _ in SIMD3(repeating: .nan) }
    }

    /// The mean of the known scores (nil with fewer than two).
    var meanScore: Double? {
        let known = signals.map { $0[0] }.filter { !$0.isNaN }
        return known.count < 2 ? nil : known.reduce(0) { $0 + Double($1) } / Double(known.count)
    }

    /// How much better the preferred response scored than the turn's mean (nil unless
    /// exactly one response is preferred and every score is known).
    var preferredScoreAdvantage: Double? {
        guard let preferred = onlyPreferred, !signals.contains(where: { $0[0].isNaN }), let mean = meanScore else { return nil }
        return Double(signals[preferred][0]) - mean
    }

    /// The position of the preferred response when exactly one is preferred.
    var onlyPreferred: Int? {
        feedback.filter({ $0 == .preferred }).count == 1 ? feedback.firstIndex(of: .preferred) : nil
    }

    /// Each response's signals min-max normalized over the turn's responses and centred on
    /// their mean: where it stands among the candidates. NaN where the signal is unknown,
    /// or known for fewer than two responses, or the same for all of them.
    var centredSignals: [SIMD3<Float>] {
        var centred = signals
        for k in 0..<3 {
            let known = signals.map { $0[k] }.filter { !$0.isNaN }
            let (low, high) = (known.min() ?? 0, known.max() ?? 0)
            guard known.count >= 2, high > low else {
                for i in centred.indices { centred[i][k] = .nan }
                continue
            }
            let mean = known.reduce(0) { $0 + ($1 - low) / (high - low) } / Float(known.count)
            for i in centred.indices { centred[i][k] = (signals[i][k] - low) / (high - low) - mean }
        }
        return centred
    }
}

/// The log-odds of probability `p`.
func logit(_ p: Double) -> Double { log(p) - log1p(-p) }

extension TurnInput {
    /// The turn's candidates and feedback.
    var feedback: TurnFeedback {
        TurnFeedback(number: number, llms: responses.map(\.llm), feedback: responses.map(\.feedback),
                     signals: responses.map { SIMD3($0.signals) })
    }
}

/// Per LLM: how often it was offered in a turn with feedback, and how often preferred;
/// how much better than their turn's mean the preferred responses scored; and per LLM its
/// responses' ``TurnFeedback/centredSignals``, summed, with their counts.
package struct PreferenceTally: Sendable, Equatable {
    var offered: [Double]
    var preferred: [Double]
    /// The sum of ``TurnFeedback/preferredScoreAdvantage`` and the turns it is known for.
    var scoreAdvantage = 0.0, scoredTurns = 0.0
    /// Per LLM, the sums of its responses' centred signals and how many each sums.
    var signalSums: [SIMD3<Double>], signalCounts: [SIMD3<Double>]

    package init(llmCount: Int) {
        offered = [Double](repeating: 0, count: llmCount)
        preferred = offered
        signalSums = [SIMD3<Double>](repeating: SIMD3(), count: llmCount)
        signalCounts = signalSums
    }

    /// Counts `turn` with `weight` (-1 takes it out again). A turn without any known
    /// feedback counts nothing.
    package mutating func add(_ turn: TurnFeedback, weight: Double = 1) {
        guard turn.feedback.contains(where: { $0 != .unknown }) else { return }
        for (llm, feedback) in zip(turn.llms, turn.feedback) where feedback != .unknown {
            offered[Int(llm)] += weight
            if feedback == .preferred { preferred[Int(llm)] += weight }
        }
        if let advantage = turn.preferredScoreAdvantage {
            scoreAdvantage += weight * advantage
            scoredTurns += weight
        }
        for (llm, centred) in zip(turn.llms, turn.centredSignals) {
            for k in 0..<3 where !centred[k].isNaN {
                signalSums[Int(llm)][k] += weight * Double(centred[k])
                signalCounts[Int(llm)][k] += weight
            }
        }
    }

    /// How much the user's preferred responses outscore their turns' means, shrunk to 0
    /// with 5 pseudo-turns: their taste for quality as scored.
    var qualityTaste: Double { scoreAdvantage / (max(scoredTurns, 0) + 5) }

    /// Where `llm`'s responses stand among their turns' candidates, per signal: the mean
    /// of their centred signals, shrunk to 0 with one pseudo-response.
    func signalProfile(of llm: Int32) -> SIMD3<Double> {
        signalSums[Int(llm)] / (pointwiseMax(signalCounts[Int(llm)], SIMD3()) + 1)
    }

    mutating func subtract(_ other: PreferenceTally) {
        for i in offered.indices {
            offered[i] -= other.offered[i]
            preferred[i] -= other.preferred[i]
            signalSums[i] -= other.signalSums[i]
            signalCounts[i] -= other.signalCounts[i]
        }
        scoreAdvantage -= other.scoreAdvantage
        scoredTurns -= other.scoredTurns
    }
}

/// The gmt model's priors for a turn's candidates: what the turns the model may see say
/// about which one the user will prefer, before reading any text.
///
/// Per candidate LLM m of a turn with K candidates, from the user's tally (their other
/// conversations), the overall tally and the conversation's earlier turns:
/// 0. `logit r_m`, the LLM's overall preference rate, shrunk to 1/K;
/// 1-2. `logit u_m - logit r_m`, the user's rate shrunk to `r_m` with 4 and with 16
///    pseudo-offers (little evidence moves the first, only much the second);
/// 3. whether m has the user's highest shrunk rate among the candidates (the favourite);
/// 4. whether m was the conversation's last preferred LLM;
/// 5. whether m was preferred in the turn just before (turn number one less);
/// 6. `log(1 + times m was preferred earlier in the conversation)`;
/// 7. `1 / turns ago` of m's latest preference in the conversation (0 if none);
/// 8. whether m was offered and not preferred in the turn just before;
/// 9. `log(1 + times m was offered and not preferred earlier in the conversation)`.
package struct HistoryPriors: Sendable {
    package static let width = 10
    /// Columns the history tables read: `logit r_m`, the user's deviation (4 pseudo-offers),
    /// the last preferred LLM.
    package static let overallColumn = 0, userColumn = 1, lastPreferredColumn = 4
    /// The columns of the history blend (the overall and the user's rate, the last
    /// preferred LLM): pr-eval's `history-blend`, and the smallest set gmt's priors start from.
    package static let blendColumns = [overallColumn, userColumn, lastPreferredColumn]
    /// Pseudo-offers of the user's rates (features 1 and 2) and of the overall rate.
    static let userStrengths = [4.0, 16.0]
    static let overallStrength = 2.0

    let llmCount: Int
    private(set) var overall: PreferenceTally
    private(set) var users: [String: PreferenceTally] = [:]

    package init(llmCount: Int) {
        self.llmCount = llmCount
        overall = PreferenceTally(llmCount: llmCount)
    }

    /// Counts a turn of `user`.
    package mutating func add(user: String, turn: TurnFeedback) {
        overall.add(turn)
        users[user, default: PreferenceTally(llmCount: llmCount)].add(turn)
    }

    /// The user's tally (empty for a user with no counted turn) and the overall tally,
    /// each without `leaving`: the tally of the routed turn's conversation's own counted
    /// turns, so that a training turn sees what a routed one would.
    func tallies(of user: String, leaving: PreferenceTally?) -> (user: PreferenceTally, overall: PreferenceTally) {
        var userTally = users[user] ?? PreferenceTally(llmCount: llmCount), overallTally = overall
        if let leaving {
            userTally.subtract(leaving)
            overallTally.subtract(leaving)
        }
        return (userTally, overallTally)
    }

    /// The overall preference rates of `candidates` in `tally`: shrunk to 1/K (K candidates).
    static func rates(of candidates: [Int32], in tally: PreferenceTally) -> [Double] {
        let k = Double(max(candidates.count, 1))
        return candidates.map { llm in
            let m = Int(llm)
            return (max(tally.preferred[m], 0) + overallStrength / k) / (max(tally.offered[m], 0) + overallStrength)
        }
    }

    /// The features of `candidates` (one row of ``width`` each, row-major) for turn
    /// `turn` of `user` after `history`, the conversation's earlier turns in order, with
    /// ``tallies(of:leaving:)``.
    package func features(user: String, turn: Int, history: [TurnFeedback], candidates: [Int32], leaving: PreferenceTally? = nil) -> [Float] {
        let (userTally, overallTally) = tallies(of: user, leaving: leaving)
        let overallRates = Self.rates(of: candidates, in: overallTally)
        let userRates = Self.userStrengths.map { strength in
            zip(candidates, overallRates).map { llm, rate -> Double in
                let m = Int(llm)
                let (preferred, offered) = (max(userTally.preferred[m], 0), max(userTally.offered[m], 0))
                return (min(preferred, offered) + strength * rate) / (offered + strength)
            }
        }
        let favourite = userRates[0].max() ?? 0
        // The conversation: the latest preferred LLMs, and per LLM its preferences, latest
        // preference (turns ago) and rejections.
        var lastPreferred: Set<Int32> = []
        var preferredCount: [Int32: Double] = [:], rejectedCount: [Int32: Double] = [:]
        var latest: [Int32: Int] = [:]
        for earlier in history {
            let preferred = zip(earlier.llms, earlier.feedback).filter { $0.1 == .preferred }.map(\.0)
            if !preferred.isEmpty { lastPreferred = Set(preferred) }
            for (llm, feedback) in zip(earlier.llms, earlier.feedback) {
                if feedback == .preferred {
                    preferredCount[llm, default: 0] += 1
                    latest[llm] = earlier.number
                } else if feedback == .rejected {
                    rejectedCount[llm, default: 0] += 1
                }
            }
        }
        let previous = history.last { $0.number == turn - 1 }
        func previousFeedback(_ llm: Int32) -> ConversationGraph.Feedback {
            guard let previous, let i = previous.llms.firstIndex(of: llm) else { return .unknown }
            return previous.feedback[i]
        }
        var rows: [Float] = []
        rows.reserveCapacity(candidates.count * Self.width)
        for (i, llm) in candidates.enumerated() {
            let r = logit(overallRates[i])
            rows += [r, logit(userRates[0][i]) - r, logit(userRates[1][i]) - r, userRates[0][i] >= favourite ? 1 : 0,
                     lastPreferred.contains(llm) ? 1 : 0, previousFeedback(llm) == .preferred ? 1 : 0,
                     log1p(preferredCount[llm] ?? 0), latest[llm].map { 1 / Double(max(turn - $0, 1)) } ?? 0,
                     previousFeedback(llm) == .rejected ? 1 : 0, log1p(rejectedCount[llm] ?? 0)].map { Float($0) }
        }
        return rows
    }
}
