import PRouterGraph
import PRouterModels

extension Baselines {
    /// The history policies of conversation turns, next to `table-history`, each reading
    /// what a router may see: the user's and every LLM's preferences on the fit pairs
    /// (`fitPairs`, the held-out ones; their tallies leave out the routed turn's own
    /// conversation) and the feedback of the conversation's earlier turns.
    /// - `history-last`: the conversation's last preferred LLM when it is a candidate,
    ///   else the LLM preferred most often overall;
    /// - `history-favourite`: the user's favourite, the candidate with their highest
    ///   preference rate (shrunk to the LLM's overall rate);
    /// - `history-blend`: a fitted blend of the two: a conditional logit of the last
    ///   preferred LLM, the user's and the overall preference rate, fitted on the fit pairs;
    /// - `history-priors`: the conditional logit of every ``HistoryPriors`` column: the gmt
    ///   model's priors without the columns that read text (an ablation more than a table).
    static func historyTables(_ truth: TruthTable, pairs: [Int], fitPairs: [Int], fit: String) -> [PolicyResult] {
        var llms = Interner()
        var conversations: [String: [Int]] = [:]
        for (index, pair) in truth.pairs.enumerated() {
            for candidate in pair.candidates { _ = llms.intern(candidate.llm) }
            if let position = pair.conversation { conversations[position.id, default: []].append(index) }
        }
        func feedback(_ pair: TruthTable.Pair) -> TurnFeedback {
            TurnFeedback(number: pair.conversation?.turn ?? 0, llms: pair.candidates.map { Int32(llms.lookup($0.llm)!) },
                         feedback: pair.candidates.map { $0.best ? .preferred : .rejected })
        }
        var priors = HistoryPriors(llmCount: llms.names.count)
        var own: [String: PreferenceTally] = [:]
        for index in fitPairs {
            let pair = truth.pairs[index]
            priors.add(user: pair.user, turn: feedback(pair))
            if let id = pair.conversation?.id { own[id, default: PreferenceTally(llmCount: llms.names.count)].add(feedback(pair)) }
        }
        /// The pair's prior features: its candidates' rows of ``HistoryPriors/width``.
        func features(_ index: Int) -> [Float] {
            let pair = truth.pairs[index]
            let history = pair.conversation.map { position in
                (conversations[position.id] ?? []).map { truth.pairs[$0] }.filter { $0.conversation!.turn < position.turn }
                    .sorted { $0.conversation!.turn < $1.conversation!.turn }.map(feedback)
            } ?? []
            return priors.features(user: pair.user, turn: pair.conversation?.turn ?? 0, history: history,
                                   candidates: feedback(pair).llms, leaving: pair.conversation.flatMap { own[$0.id] })
        }
        var conversationIDs = Interner()
        let clusters = fitPairs.map { Int32(conversationIDs.intern(truth.pairs[$0].conversation?.id ?? truth.pairs[$0].queryID).index) }
        let fitChoices = fitPairs.map { ConditionalLogit.Choice(features: features($0), chosen: truth.pairs[$0].bestIndex) }
        /// Weights over the columns `columns` of ``HistoryPriors`` (zero elsewhere), fitted on the fit pairs.
        func fitted(_ columns: [Int]) -> [Double] {
            ConditionalLogit.fitted(width: HistoryPriors.width, choices: fitChoices,
                                    folds: clusters.map { Int($0) % Int(GMTTrainer.priorFolds) }, clusters: clusters,
                                    columnSets: [columns]).weights
        }
        let blend = fitted(HistoryPriors.blendColumns)
        let allColumns = fitted(Array(0..<HistoryPriors.width))
        // Each evaluated pair's features, read once for every policy.
        let evaluated = pairs.map(features)
        /// The choice of evaluated pair `position` by the per-candidate `score` of its feature rows.
        func choice(_ position: Int, _ score: ([Float]) -> Double) -> Int {
            let rows = evaluated[position]
            return truth.pairs[pairs[position]].bestCandidate(by: (0..<rows.count / HistoryPriors.width).map {
                score(Array(rows[$0 * HistoryPriors.width..<($0 + 1) * HistoryPriors.width]))
            })
        }
        let policies: [(String, ([Float]) -> Double)] = [
            ("history-last", { Double($0[HistoryPriors.lastPreferredColumn]) * 1000 + Double($0[HistoryPriors.overallColumn]) }),
            ("history-favourite", { Double($0[HistoryPriors.userColumn]) + Double($0[HistoryPriors.overallColumn]) }),
            ("history-blend", { zip($0, blend).reduce(0) { $0 + Double($1.0) * $1.1 } }),
            ("history-priors", { zip($0, allColumns).reduce(0) { $0 + Double($1.0) * $1.1 } }),
        ]
        return policies.map { name, score in
            var result = PolicyResult(name: name, truth: truth, pairs: pairs, choices: pairs.indices.map { choice($0, score) })
            result.details = [("fit", fit)]
            return result
        }
    }
}
