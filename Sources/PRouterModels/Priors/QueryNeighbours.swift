#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterAutodiff

/// What similar queries say: per candidate LLM, how often it was preferred in the
/// labelled turns whose queries are nearest the routed one (cosine similarity of their
/// embeddings, a row-stable OpenBLAS product, so that a turn's features never depend on
/// which other turns were scored with it).
///
/// Features, per candidate m, from the ``count`` nearest turns, each weighted by its
/// (positive) similarity:
/// 0. `logit q_m - logit r_m`, where `q_m` is m's preference rate among the neighbours
///    that offered it, shrunk to `r_m`, the LLM's overall rate, with 2 pseudo-offers;
/// 1. m's predicted score advantage: the weighted mean of how much m's response
///    outscored its turn's mean, shrunk to 0 with 1 pseudo-turn, times 10.
/// Zero when no neighbour offered m (or scored it), or when texts say nothing.
struct QueryNeighbours: Sendable {
    static let width = 2
    /// Neighbours per routed turn.
    static let count = 20
    static let strength = 2.0

    /// The labelled turns' normalized query embeddings, feedback and conversation.
    private let queries: Matrix
    private let turns: [TurnFeedback]
    private let conversations: [UInt32]
    /// Each turn's mean known score (nil with fewer than two).
    private let meanScores: [Double?]

    init(queries: Matrix, turns: [TurnFeedback], conversations: [UInt32]) {
        self.queries = queries.rowsNormalized()
        self.turns = turns
        self.conversations = conversations
        meanScores = turns.map(\.meanScore)
    }

    /// The features of each candidate (`candidates[i]` of query row i of `targets`), in
    /// order, ``width`` each; `overallRates[i]` are those candidates' overall rates. A target of
    /// conversation `conversations[i]` never has a turn of that conversation as neighbour.
    func features(targets: Matrix, candidates: [[Int32]], overallRates: [[Double]], conversations targetConversations: [UInt32?]) -> [[[Float]]] {
        guard queries.rows > 0 else { return candidates.map { $0.map { _ in [Float](repeating: 0, count: Self.width) } } }
        let similarity = BLAS.rowStableProduct(targets.rowsNormalized(), queries, transposeB: true)
        return candidates.indices.map { t in
            // The `count` most similar turns (ties: the earlier turn), by insertion into a short list.
            var nearest: [(similarity: Float, turn: Int)] = []
            for turn in 0..<queries.rows where targetConversations[t] != conversations[turn] {
                let s = similarity[t, turn]
                guard s > 0, nearest.count < Self.count || s > nearest[nearest.count - 1].similarity else { continue }
                let position = nearest.firstIndex { $0.similarity < s } ?? nearest.count
                nearest.insert((s, turn), at: position)
                if nearest.count > Self.count { nearest.removeLast() }
            }
            return zip(candidates[t], overallRates[t]).map { llm, rate in
                var offered = 0.0, preferred = 0.0, scored = 0.0, advantage = 0.0
                for (s, turn) in nearest {
                    guard let i = turns[turn].llms.firstIndex(of: llm) else { continue }
                    if turns[turn].feedback[i] != .unknown {
                        offered += Double(s)
                        if turns[turn].feedback[i] == .preferred { preferred += Double(s) }
                    }
                    if let mean = meanScores[turn], !turns[turn].signals[i][0].isNaN {
                        scored += Double(s)
                        advantage += Double(s) * (Double(turns[turn].signals[i][0]) - mean)
                    }
                }
                let q = (preferred + Self.strength * rate) / (offered + Self.strength)
                return [Float(logit(q) - logit(rate)), Float(10 * advantage / (scored + 1))]
            }
        }
    }
}

extension Matrix {
    /// Each row scaled to unit length (zero rows stay zero).
    func rowsNormalized() -> Matrix {
        var result = self
        for row in 0..<rows {
            var norm: Float = 0
            for col in 0..<cols { norm += self[row, col] * self[row, col] }
            norm = norm.squareRoot()
            if norm > 0 { for col in 0..<cols { result[row, col] /= norm } }
        }
        return result
    }
}
