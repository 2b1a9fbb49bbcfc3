import PRouterIO

/// What `pr-eval` does: score route files against the truth, next to trivial baselines
/// computed on the same (user, query) pairs.
public struct EvaluationJob: Sendable {
    public var truthPath: String
    /// Route files; `-` is standard input.
    public var routePaths: [String]
    /// Instead of routes, a file of `{"user","query_id"}` lines to evaluate the baselines on.
    public var queriesPath: String?
    /// Cross-validation folds: per fold, the `{"user","query_id"}` lines of its test split
    /// (`pr-build-graph --fold K/N --export-queries test`). Every evaluated pair must be in
    /// exactly one; the fitted baselines are fitted and routed fold by fold, each on the
    /// queries outside its fold, as the routes' models were. Without routes or
    /// `queriesPath`, the baselines are evaluated on all folds' pairs.
    public var foldPaths: [String]
    public var seed: UInt64

    public init(truthPath: String, routePaths: [String], queriesPath: String?, foldPaths: [String] = [], seed: UInt64) {
        self.truthPath = truthPath
        self.routePaths = routePaths
        self.queriesPath = queriesPath
        self.foldPaths = foldPaths
        self.seed = seed
    }

    /// Reads everything and scores it.
    public func run() throws -> EvaluationReport {
        let truth = try TruthTable(path: truthPath)
        var systems: [PolicyResult] = []
        var pairs: [Int]?
        for path in routePaths {
            let (routedPairs, choices) = try readRoutes(path, truth: truth)
            if let pairs, Set(pairs) != Set(routedPairs) {
                throw DataError("\(path): routes cover other (user, query) pairs than \(routePaths[0]); compare files routed on the same queries")
            }
            pairs = pairs ?? routedPairs
            systems.append(PolicyResult(name: FileIO.displayName(path), truth: truth, pairs: routedPairs, choices: choices))
        }
        if let queriesPath { pairs = try readQueries(queriesPath, truth: truth) }
        var seen: [Int: SourceLocation] = [:]
        let folds = try foldPaths.map { try readQueries($0, truth: truth, seen: &seen) }
        let evaluated = pairs ?? folds.flatMap { $0 }
        guard !evaluated.isEmpty else {
            throw DataError("\((queriesPath.map { [$0] } ?? (routePaths.isEmpty ? foldPaths : routePaths)).map(FileIO.displayName).joined(separator: ", ")): no routes to evaluate")
        }
        var baselines = [
            Baselines.random(truth, pairs: evaluated, seed: seed),
            Baselines.cheapest(truth, pairs: evaluated),
        ] + (try fittedBaselines(truth, pairs: evaluated, folds: folds)) + [
            Baselines.oracle(truth, pairs: evaluated),
        ]
        if let fitted = baselines.first(where: \.isFittedInSample) {
            printWarning("\(truthPath): no queries outside the evaluated ones, so \(fitted.name) and the other fitted baselines "
                + "learned from the pairs they are scored on (fit \"all\", optimistic); give the whole log as --truth")
        }
        for result in systems + baselines {
            let card = result.overall
            guard [card.rewardSum, card.oracleRewardSum, card.totalCost, card.performanceSum].allSatisfy(\.isFinite) else {
                throw DataError("\(truthPath): the totals of \(result.name) are not finite numbers: its costs, rewards or performances are too large to add up")
            }
        }
        if let first = systems.first {
            for index in systems.indices.dropFirst() { systems[index].versusFirst = PairedComparison(systems[index], against: first, truth: truth) }
            for index in baselines.indices { baselines[index].versusFirst = PairedComparison(baselines[index], against: first, truth: truth) }
        }
        let report = EvaluationReport(mode: truth.mode, pairCount: evaluated.count, systems: systems, baselines: baselines,
                                      llms: Baselines.singleLLMs(truth, pairs: evaluated))
        if let figure = report.firstNonFiniteFigure {
            throw DataError("\(truthPath): the figure \(figure) is not a finite number: rewards or costs too large, or the Oracle's reward too close to 0")
        }
        return report
    }

    private func readRoutes(_ path: String, truth: TruthTable) throws -> ([Int], [Int]) {
        var pairs: [Int] = []
        var choices: [Int] = []
        var seen: [Int: SourceLocation] = [:]
        var unscored = 0
        try JSONLReader(path: path).forEach { record in
            let route = try Route(record)
            // A route of a conversation turn without feedback has nothing to be scored against.
            if truth.isUnlabelledTurn(user: route.user, queryID: route.queryID) {
                unscored += 1
                return
            }
            let pairIndex = try lookup(record, user: route.user, queryID: route.queryID, truth: truth, seen: &seen)
            guard let choice = truth.pairs[pairIndex].candidateIndex(route.llm) else {
                throw record.error("llm", "\"\(route.llm)\" is not a candidate for this query in the truth")
            }
            pairs.append(pairIndex)
            choices.append(choice)
        }
        if unscored > 0 {
            printInfo("\(FileIO.displayName(path)): \(unscored) route\(unscored == 1 ? "" : "s") of turns without feedback not scored")
        }
        return (pairs, choices)
    }

    /// Single-best and the tables, fitted on the queries outside the evaluated ones, or
    /// with folds, fold by fold on the queries outside each fold.
    private func fittedBaselines(_ truth: TruthTable, pairs: [Int], folds: [[Int]]) throws -> [PolicyResult] {
        func fitted(_ pairs: [Int], heldOut: Set<String>? = nil) -> [PolicyResult] {
            [Baselines.singleBest(truth, pairs: pairs, heldOut: heldOut)] + Baselines.tables(truth, pairs: pairs, heldOut: heldOut)
        }
        guard !folds.isEmpty else { return fitted(pairs) }
        var foldOf = [Int](repeating: -1, count: truth.pairs.count)
        for (fold, foldPairs) in folds.enumerated() { for pair in foldPairs { foldOf[pair] = fold } }
        if let outside = pairs.first(where: { foldOf[$0] < 0 }) {
            let pair = truth.pairs[outside]
            throw DataError("\(foldPaths.map(FileIO.displayName).joined(separator: ", ")): user \"\(pair.user)\" and query \"\(pair.queryID)\" are evaluated but in no fold")
        }
        let parts = folds.indices.compactMap { fold -> [PolicyResult]? in
            let routed = pairs.filter { foldOf[$0] == fold }
            return routed.isEmpty ? nil : fitted(routed, heldOut: truth.queries(of: folds[fold]))
        }
        return parts[0].indices.map { index in PolicyResult(merging: parts.map { $0[index] }, truth: truth) }
    }

    private func readQueries(_ path: String, truth: TruthTable) throws -> [Int] {
        var seen: [Int: SourceLocation] = [:]
        return try readQueries(path, truth: truth, seen: &seen)
    }

    private func readQueries(_ path: String, truth: TruthTable, seen: inout [Int: SourceLocation]) throws -> [Int] {
        var pairs: [Int] = []
        try JSONLReader(path: path).forEach { record in
            pairs.append(try lookup(record, user: try record.string("user"), queryID: try record.string("query_id"),
                                    truth: truth, seen: &seen))
        }
        return pairs
    }

    private func lookup(_ record: JSONRecord, user: String, queryID: String, truth: TruthTable,
                        seen: inout [Int: SourceLocation]) throws -> Int {
        guard let pairIndex = truth.pairIndex(user: user, queryID: queryID) else {
            throw record.error("query_id", "no truth for user \"\(user)\" and query \"\(queryID)\"")
        }
        if let first = seen[pairIndex] {
            throw record.error("query_id", "second line for this user and query (first at \(first))")
        }
        seen[pairIndex] = record.location
        return pairIndex
    }
}
