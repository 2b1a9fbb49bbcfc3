import PRouterGraph
import PRouterModels

extension Baselines {
    /// The table policies (best LLM per user and task, per user, per task; shrunk, see
    /// ``OutcomeTables``), fitted on the truth pairs of queries outside `heldOut` (the
    /// evaluated ones by default; `fit: held-out`; when that leaves none, on all pairs,
    /// `fit: all`, optimistic), and on single-turn truth the plain text baseline fitted on the same
    /// pairs (``ridge(_:pairs:fitPairs:fit:)``). For conversation turns, also the history table: the LLM preferred
    /// last in the turn's conversation when it is a candidate, else the user table's choice,
    /// and the other history tables (``historyTables(_:pairs:fitPairs:fit:)``).
    static func tables(_ truth: TruthTable, pairs: [Int], heldOut: Set<String>? = nil) -> [PolicyResult] {
        let (fitPairs, fit) = truth.fitPairs(outside: heldOut ?? truth.queries(of: pairs))
        var users = Interner(), tasks = Interner(), llms = Interner()
        for pair in truth.pairs {
            _ = users.intern(pair.user)
            _ = tasks.intern(pair.task)
            for candidate in pair.candidates { _ = llms.intern(candidate.llm) }
        }
        var tables = OutcomeTables(llmCount: llms.names.count, taskCount: tasks.names.count)
        for index in fitPairs {
            let pair = truth.pairs[index]
            for candidate in pair.candidates {
                tables.add(user: Int(users.lookup(pair.user)!), task: Int(tasks.lookup(pair.task)!), llm: Int(llms.lookup(candidate.llm)!),
                           value: truth.mode == .cost ? candidate.reward! : (candidate.best ? 1 : 0))
            }
        }
        func choose(_ pair: TruthTable.Pair, _ level: TableLevel) -> Int {
            let (user, task) = (Int(users.lookup(pair.user)!), Int(tasks.lookup(pair.task)!))
            return pair.bestCandidate(by: pair.candidates.map { tables.score(level, user: user, task: task, llm: Int(llms.lookup($0.llm)!)) })
        }
        var results: [PolicyResult] = []
        for level in [TableLevel.userTask, .user, .task] {
            var result = PolicyResult(name: "table-\(level.rawValue)", truth: truth, pairs: pairs,
                                      choices: pairs.map { choose(truth.pairs[$0], level) })
            result.details = [("fit", fit)]
            results.append(result)
        }
        guard truth.pairs.contains(where: { $0.conversation != nil }) else {
            return results + [ridge(truth, pairs: pairs, fitPairs: fitPairs, fit: fit)]
        }
        var preferred: [String: [(turn: Int, llm: String)]] = [:]
        for pair in truth.pairs {
            guard let position = pair.conversation else { continue }
            preferred[position.id, default: []].append((position.turn, pair.candidates[pair.bestIndex].llm))
        }
        let choices = pairs.map { index -> Int in
            let pair = truth.pairs[index]
            if let position = pair.conversation,
               let last = preferred[position.id]?.filter({ $0.turn < position.turn }).max(by: { $0.turn < $1.turn }),
               let choice = pair.candidateIndex(last.llm) {
                return choice
            }
            return choose(pair, .user)
        }
        var result = PolicyResult(name: "table-history", truth: truth, pairs: pairs, choices: choices)
        result.details = [("fit", fit)]
        results.append(result)
        results += historyTables(truth, pairs: pairs, fitPairs: fitPairs, fit: fit)
        return results
    }
}

extension TruthTable {
    /// The query ids of `pairs`.
    func queries(of pairs: [Int]) -> Set<String> {
        Set(pairs.map { self.pairs[$0].queryID })
    }

    /// The pairs a baseline is fitted on: those of every query outside `heldOut` (every
    /// user's copy of a query shares its outcomes, so none of a held-out query's copies
    /// may teach the baseline), with the fit's name, `held-out`; or, when that leaves
    /// none, all pairs, `all` (optimistic).
    func fitPairs(outside heldOut: Set<String>) -> (pairs: [Int], fit: String) {
        let outside = pairs.indices.filter { !heldOut.contains(pairs[$0].queryID) }
        return outside.isEmpty ? (Array(pairs.indices), "all") : (outside, "held-out")
    }
}
