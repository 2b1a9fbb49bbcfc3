/// What a conversation's earlier choices say about the responses its user wants, and how
/// well each candidate LLM's responses usually fit that: three of the anchored gmt
/// model's prior columns, one per response signal (score, cost, length).
///
/// A user's taste can change from one conversation to the next (brief answers today,
/// thorough ones tomorrow), and it shows in *what* they preferred, not only *whom*: an
/// LLM never offered earlier in the conversation can still be the one whose responses are
/// like those the user took. Per signal k, the conversation's taste `τ_k` is the sum of
/// the preferred responses' ``TurnFeedback/centredSignals`` over its earlier turns with
/// exactly one preferred response, divided by (those turns + 1), so one turn says little;
/// a candidate m's profile `a_mk` is where its responses usually stand among their turns'
/// candidates (``PreferenceTally/signalProfile(of:)``, from the overall tally). The
/// column is `10 · τ_k · a_mk`: positive where m's responses tend the way this
/// conversation's choices did.
enum ResponseTaste {
    static let width = 3

    /// The conversation's taste per signal, from its earlier turns.
    static func taste(of history: [TurnFeedback]) -> SIMD3<Double> {
        var sum = SIMD3<Double>(), turns = SIMD3<Double>()
        for turn in history {
            guard let preferred = turn.onlyPreferred else { continue }
            let centred = turn.centredSignals[preferred]
            for k in 0..<3 where !centred[k].isNaN {
                sum[k] += Double(centred[k])
                turns[k] += 1
            }
        }
        return sum / (turns + 1)
    }

    /// The columns of each candidate, ``width`` each, candidate after candidate.
    static func features(history: [TurnFeedback], candidates: [Int32], overall: PreferenceTally) -> [Float] {
        let taste = Self.taste(of: history)
        return candidates.flatMap { llm -> [Float] in
            let columns = 10 * taste * overall.signalProfile(of: llm)
            return [Float(columns[0]), Float(columns[1]), Float(columns[2])]
        }
    }
}
