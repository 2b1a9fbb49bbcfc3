import PRouterAutodiff
import PRouterIO

/// A routing policy's choices on a list of truth pairs, scored overall and per user.
public struct PolicyResult: Sendable {
    /// The policy's name: a route file's path, or a baseline's name.
    public var name: String
    /// Extra facts about the policy (the single-best LLM, the random seed).
    public var details: [(key: String, value: String)] = []
    public var overall = Scorecard()
    /// Per-user scorecards in order of first appearance.
    public var perUser: [(user: String, card: Scorecard)] = []
    /// How it differs from the first route file on the same pairs (nil for that file,
    /// and when there is none).
    public var versusFirst: PairedComparison?
    /// The truth pairs it routed and the candidate it chose for each.
    private(set) var pairs: [Int] = []
    private(set) var choices: [Int] = []

    public init(name: String) { self.name = name }

    /// Whether the baseline (or one fold of it) was fitted on the pairs it routed: fit
    /// "all", when the truth held no other queries. Its figures are then optimistic.
    var isFittedInSample: Bool {
        details.first { $0.key == "fit" }?.value.split(separator: ",").contains("all") ?? false
    }

    /// One policy fitted and routed fold by fold: `parts` (one per fold, same name, disjoint
    /// pairs) as one result. A detail that differs between folds (the single-best LLM) is
    /// listed per fold, separated by commas.
    init(merging parts: [PolicyResult], truth: TruthTable) {
        self.init(name: parts[0].name, truth: truth, pairs: parts.flatMap(\.pairs), choices: parts.flatMap(\.choices))
        details = parts[0].details.map { detail in
            let values = parts.map { part in part.details.first { $0.key == detail.key }?.value ?? "" }
            return (detail.key, Set(values).count == 1 ? detail.value : values.joined(separator: ","))
        }
    }

    /// Scores `choices[i]` for `pairs[i]` of `truth`.
    init(name: String, truth: TruthTable, pairs: [Int], choices: [Int]) {
        self.name = name
        (self.pairs, self.choices) = (pairs, choices)
        var userSlot: [String: Int] = [:]
        for (pairIndex, choice) in zip(pairs, choices) {
            let pair = truth.pairs[pairIndex]
            overall.record(pair, choice: choice)
            if userSlot[pair.user] == nil {
                userSlot[pair.user] = perUser.count
                perUser.append((pair.user, Scorecard()))
            }
            perUser[userSlot[pair.user]!].card.record(pair, choice: choice)
        }
    }
}

/// The trivial baselines `pr-eval` computes on the same pairs as the systems.
enum Baselines {
    /// Always the best LLM.
    static func oracle(_ truth: TruthTable, pairs: [Int]) -> PolicyResult {
        PolicyResult(name: "oracle", truth: truth, pairs: pairs, choices: pairs.map { truth.pairs[$0].bestIndex })
    }

    /// A uniformly random candidate, drawn from a generator seeded by `seed` and the
    /// pair's user and query, so each pair's draw does not depend on the others.
    static func random(_ truth: TruthTable, pairs: [Int], seed: UInt64) -> PolicyResult {
        let choices = pairs.map { index -> Int in
            let pair = truth.pairs[index]
            var generator = SplitMix64(seed: seed, stream: StableHash.fnv1a(pair.user + "\u{0}" + pair.queryID))
            return generator.below(pair.candidates.count)
        }
        var result = PolicyResult(name: "random", truth: truth, pairs: pairs, choices: choices)
        result.details = [("seed", String(seed))]
        return result
    }

    /// The cheapest candidate of each query (ties: the LLM id that sorts first).
    static func cheapest(_ truth: TruthTable, pairs: [Int]) -> PolicyResult {
        let choices = pairs.map { index -> Int in
            let candidates = truth.pairs[index].candidates
            return candidates.indices.min { (candidates[$0].cost, candidates[$0].llm) < (candidates[$1].cost, candidates[$1].llm) }!
        }
        return PolicyResult(name: "cheapest", truth: truth, pairs: pairs, choices: choices)
    }

    /// Always `llm`, for each LLM that is a candidate of every evaluated pair: the points
    /// of the single LLMs on the cost-quality plane.
    static func singleLLMs(_ truth: TruthTable, pairs: [Int]) -> [PolicyResult] {
        guard let first = pairs.first else { return [] }
        return truth.pairs[first].candidates.map(\.llm).sorted().compactMap { llm in
            let choices = pairs.compactMap { truth.pairs[$0].candidateIndex(llm) }
            guard choices.count == pairs.count else { return nil }
            var result = PolicyResult(name: "always-" + llm, truth: truth, pairs: pairs, choices: choices)
            result.details = [("llm", llm)]
            return result
        }
    }

    /// Always the one LLM with the highest mean reward (cost mode) or best rate (judge
    /// mode), fitted on the truth pairs of the queries outside `heldOut` (the evaluated
    /// ones by default) when there are any (`fit: held-out`), else on all (`fit: all`,
    /// optimistic). Where that LLM did not answer, the next in the ranking that did.
    static func singleBest(_ truth: TruthTable, pairs: [Int], heldOut: Set<String>? = nil) -> PolicyResult {
        let (fitPairs, fit) = truth.fitPairs(outside: heldOut ?? truth.queries(of: pairs))
        var totals: [String: (sum: Double, count: Int)] = [:]
        for index in fitPairs {
            for candidate in truth.pairs[index].candidates {
                let value = truth.mode == .cost ? candidate.reward! : (candidate.best ? 1 : 0)
                totals[candidate.llm, default: (0, 0)].sum += value
                totals[candidate.llm, default: (0, 0)].count += 1
            }
        }
        let ranking = totals.keys.sorted {
            let (a, b) = (totals[$0]!, totals[$1]!)
            let (meanA, meanB) = (a.sum / Double(a.count), b.sum / Double(b.count))
            return meanA != meanB ? meanA > meanB : $0 < $1
        }
        let choices = pairs.map { index -> Int in
            let pair = truth.pairs[index]
            for llm in ranking {
                if let choice = pair.candidateIndex(llm) { return choice }
            }
            return 0
        }
        var result = PolicyResult(name: "single-best", truth: truth, pairs: pairs, choices: choices)
        result.details = [("llm", ranking.first ?? ""), ("fit", fit)]
        return result
    }
}
