import Testing
import PRouterIO
@testable import PRouterEvaluation
import PRouterTestSupport

@Suite struct EvaluationTests {
    /// Two users, two queries, LLMs a (good, dear) and b (weak, cheap).
    static func truth() throws -> (Scratch, String) {
        let scratch = try Scratch()
        let text = try simulate([
            responseLine("q1", "a", perf: 1.0, cost: 0.4),
            responseLine("q1", "b", perf: 0.5, cost: 0.0),
            responseLine("q2", "a", perf: 0.0, cost: 0.2),
            responseLine("q2", "b", perf: 0.25, cost: 0.1),
        ], users: [("u", 0.75, 0.25), ("v", 0.0, 1.0)])
        return (scratch, try scratch.file("truth.jsonl", text))
    }

    static func route(_ user: String, _ query: String, _ llm: String) -> String {
        #"{"user":"\#(user)","query_id":"\#(query)","llm":"\#(llm)"}"#
    }

    @Test func scoresRewardAccuracyAndCostAgainstTheOracle() throws {
        let (scratch, truth) = try Self.truth()
        // u: q1 a (0.5, best), q2 a (-0.125, best is b: 0.125); v: q1 a (-1, best b: 0), q2 b (-0.25, best).
        let routes = try scratch.file("routes.jsonl", [
            Self.route("u", "q1", "a"), Self.route("u", "q2", "a"), Self.route("v", "q1", "a"), Self.route("v", "q2", "b"),
        ].joined(separator: "\n"))
        let report = try EvaluationJob(truthPath: truth, routePaths: [routes], queriesPath: nil, seed: 0).run()
        let card = report.systems[0].overall
        #expect(card.count == 4)
        #expect(card.meanReward == (0.5 - 0.125 - 1 - 0.25) / 4)
        #expect(card.oracleReward == (0.5 + 0.125 + 0 - 0.25) / 4)
        #expect(card.accuracy == 0.5)
        #expect(abs(card.totalCost - (0.4 + 0.2 + 0.4 + 0.1)) < 1e-12)
        #expect(report.systems[0].perUser.map(\.user) == ["u", "v"])
        #expect(report.systems[0].perUser[0].card.accuracy == 0.5)
        let oracle = report.baselines.first { $0.name == "oracle" }!
        #expect(oracle.overall.accuracy == 1 && oracle.overall.meanReward == card.oracleReward)
        let cheapest = report.baselines.first { $0.name == "cheapest" }!
        #expect(cheapest.overall.totalCost == 0.2)
    }

    /// A second route file and every baseline are compared with the first: the difference
    /// of the ratio to the Oracle and its standard error clustered by query, by hand.
    @Test func comparesEachPolicyWithTheFirstFileClusteredByQuery() throws {
        let (scratch, truth) = try Self.truth()
        let first = try scratch.file("a.jsonl", [
            Self.route("u", "q1", "a"), Self.route("u", "q2", "a"), Self.route("v", "q1", "a"), Self.route("v", "q2", "b"),
        ].joined(separator: "\n"))
        // Every pair's best LLM, listed in another order.
        let best = try scratch.file("b.jsonl", [
            Self.route("v", "q2", "b"), Self.route("v", "q1", "b"), Self.route("u", "q2", "b"), Self.route("u", "q1", "a"),
        ].joined(separator: "\n"))
        let report = try EvaluationJob(truthPath: truth, routePaths: [first, best], queriesPath: nil, seed: 0).run()
        #expect(report.systems[0].versusFirst == nil)
        let comparison = try #require(report.systems[1].versusFirst)
        // Per pair, b - a: u/q1 0, u/q2 0.25, v/q1 1, v/q2 0; by query: q1 1, q2 0.25; mean 0.3125.
        // Standard error of the mean: sqrt(2 / 1 * ((1 - 0.625)^2 + (0.25 - 0.625)^2)) / 4 = 0.1875.
        // Both over the Oracle's mean reward, 0.09375.
        #expect(comparison.figure == .ratioToOracle && comparison.clusters == 2 && comparison.against.hasSuffix("a.jsonl"))
        #expect(abs(comparison.difference - 0.3125 / 0.09375) < 1e-12)
        #expect(abs(comparison.difference - (report.systems[1].overall.ratioToOracle! - report.systems[0].overall.ratioToOracle!)) < 1e-12)
        #expect(abs(comparison.standardError! - 0.1875 / 0.09375) < 1e-12)
        // The oracle routes as b did; each baseline is compared with the first file too.
        #expect(report.baselines.first { $0.name == "oracle" }?.versusFirst == comparison)
        #expect(report.baselines.allSatisfy { $0.versusFirst != nil })
        // With one query there is one cluster and no standard error.
        let one = try scratch.file("one.jsonl", Self.route("u", "q1", "b"))
        let single = try EvaluationJob(truthPath: truth, routePaths: [one, one], queriesPath: nil, seed: 0).run()
        #expect(single.systems[1].versusFirst?.standardError == nil && single.systems[1].versusFirst?.difference == 0)
    }

    /// LLM a is right on queries whose text says "hard" and b (cheaper) on the others,
    /// in both tasks: the tables can only pick one LLM per user and task, the plain ridge
    /// baseline reads the word in unseen queries and routes every one right.
    @Test func ridgeBaselineReadsTheWordsOfUnseenQueries() throws {
        let scratch = try Scratch()
        var lines: [String] = []
        for q in 0..<40 {
            let hard = q % 2 == 0
            let task = q % 4 < 2 ? "math" : "chat"
            let text = "\(hard ? "hard" : "easy") question number \(q)"
            for (llm, perf, cost) in [("a", hard ? 0.9 : 0.5, 0.3), ("b", hard ? 0.2 : 0.55, 0.1)] {
                lines.append(#"{"query_id":"q\#(q)","task":"\#(task)","query":"\#(text)","llm":"\#(llm)","performance":\#(perf),"cost":\#(cost)}"#)
            }
        }
        let truth = try scratch.file("truth.jsonl", try simulate(lines, users: [("u", 0.8, 0.2), ("v", 0.7, 0.3)]))
        let queries = try scratch.file("q.jsonl", (30..<40).flatMap { q in ["u", "v"].map { #"{"user":"\#($0)","query_id":"q\#(q)"}"# } }
            .joined(separator: "\n"))
        let report = try EvaluationJob(truthPath: truth, routePaths: [], queriesPath: queries, seed: 0).run()
        let ridge = report.baselines.first { $0.name == "ridge" }!
        #expect(ridge.details.map(\.value) == ["held-out"])
        #expect(ridge.overall.accuracy == 1)
        #expect(report.baselines.filter { $0.name.hasPrefix("table-") }.allSatisfy { $0.overall.accuracy <= 0.5 })
    }

    @Test func singleBestIsFittedOnHeldOutPairs() throws {
        let (scratch, truth) = try Self.truth()
        let queries = try scratch.file("q.jsonl", #"{"user":"u","query_id":"q1"}"#)
        let report = try EvaluationJob(truthPath: truth, routePaths: [], queriesPath: queries, seed: 0).run()
        let single = report.baselines.first { $0.name == "single-best" }!
        // Fitted on the pairs of the other query, q2 (v's copy of q1 shares its outcomes):
        // mean rewards a = (-0.125 - 1) / 2, b = (0.125 - 0.25) / 2.
        #expect(single.details.map(\.value) == ["b", "held-out"])
        #expect(report.systems.isEmpty && report.pairCount == 1)
    }

    /// With folds, each fitted baseline is fitted and routed fold by fold, as if each fold
    /// were evaluated alone, and the parts are scored together.
    @Test func foldsFitTheBaselinesFoldByFold() throws {
        let (scratch, truth) = try Self.truth()
        let folds = [try scratch.file("f1.jsonl", #"{"user":"u","query_id":"q1"}"# + "\n" + #"{"user":"v","query_id":"q1"}"#),
                     try scratch.file("f2.jsonl", #"{"user":"v","query_id":"q2"}"# + "\n" + #"{"user":"u","query_id":"q2"}"#)]
        let routes = try scratch.file("r.jsonl", [Self.route("u", "q1", "a"), Self.route("v", "q1", "b"), Self.route("u", "q2", "b"),
                                                 Self.route("v", "q2", "b")].joined(separator: "\n"))
        let pooled = try EvaluationJob(truthPath: truth, routePaths: [routes], queriesPath: nil, foldPaths: folds, seed: 0).run()
        let alone = try folds.map { try EvaluationJob(truthPath: truth, routePaths: [], queriesPath: $0, seed: 0).run() }
        let fitted = ["single-best", "table-user-task", "table-user", "table-task", "ridge"]
        for name in fitted {
            let merged = pooled.baselines.first { $0.name == name }!
            let parts = alone.map { report in report.baselines.first { $0.name == name }!.overall }
            #expect(merged.overall.count == 4 && abs(merged.overall.rewardSum - parts[0].rewardSum - parts[1].rewardSum) < 1e-12, "\(name)")
            #expect(merged.details.first { $0.key == "fit" }?.value == "held-out", "\(name)")
            #expect(merged.versusFirst?.clusters == 2, "\(name)")
        }
        let singles = alone.map { $0.baselines.first { $0.name == "single-best" }!.details[0].value }
        let single = pooled.baselines.first { $0.name == "single-best" }!.details[0].value
        #expect(single == (singles[0] == singles[1] ? singles[0] : singles.joined(separator: ",")))
        // Without routes, the baselines of every fold's pairs.
        #expect(try EvaluationJob(truthPath: truth, routePaths: [], queriesPath: nil, foldPaths: folds, seed: 0).run().pairCount == 4)
    }

    @Test func everyEvaluatedPairMustBeInExactlyOneFold() throws {
        let (scratch, truth) = try Self.truth()
        let first = try scratch.file("f1.jsonl", #"{"user":"u","query_id":"q1"}"#)
        let again = try scratch.file("f2.jsonl", #"{"user":"v","query_id":"q2"}"# + "\n" + #"{"user":"u","query_id":"q1"}"#)
        let routes = try scratch.file("r.jsonl", Self.route("u", "q1", "a") + "\n" + Self.route("u", "q2", "a"))
        #expect(errorMessage { _ = try EvaluationJob(truthPath: truth, routePaths: [routes], queriesPath: nil, foldPaths: [first], seed: 0).run() }
                == #"f1.jsonl: user "u" and query "q2" are evaluated but in no fold"#)
        #expect(errorMessage { _ = try EvaluationJob(truthPath: truth, routePaths: [routes], queriesPath: nil, foldPaths: [first, again], seed: 0).run() }
                == #"f2.jsonl:2: field "query_id": second line for this user and query (first at f1.jsonl:1)"#)
    }

    @Test func randomBaselineIsSeededPerPair() throws {
        let (_, truth) = try Self.truth()
        let table = try TruthTable(path: truth)
        let all = Baselines.random(table, pairs: [0, 1, 2, 3], seed: 5)
        let reversed = Baselines.random(table, pairs: [3, 2, 1, 0], seed: 5)
        #expect(all.overall == reversed.overall)
    }

    @Test(arguments: [
        (route("w", "q1", "a"), #"routes.jsonl:1: field "query_id": no truth for user "w" and query "q1""#),
        (route("u", "q1", "z"), #"routes.jsonl:1: field "llm": "z" is not a candidate for this query in the truth"#),
        (route("u", "q1", "a") + "\n" + route("u", "q1", "b"),
         #"routes.jsonl:2: field "query_id": second line for this user and query (first at routes.jsonl:1)"#),
        (#"{"user":"u","llm":"a"}"#, #"routes.jsonl:1: field "query_id": missing"#),
    ])
    func routeErrors(lines: String, expected: String) throws {
        let (scratch, truth) = try Self.truth()
        let routes = try scratch.file("routes.jsonl", lines)
        #expect(errorMessage { _ = try EvaluationJob(truthPath: truth, routePaths: [routes], queriesPath: nil, seed: 0).run() } == expected)
    }

    @Test func sideBySideFilesMustCoverTheSamePairs() throws {
        let (scratch, truth) = try Self.truth()
        let a = try scratch.file("a.jsonl", Self.route("u", "q1", "a"))
        let b = try scratch.file("b.jsonl", Self.route("u", "q2", "a"))
        let message = errorMessage { _ = try EvaluationJob(truthPath: truth, routePaths: [a, b], queriesPath: nil, seed: 0).run() }
        #expect(message?.hasPrefix("b.jsonl: routes cover other (user, query) pairs than") == true)
    }

    @Test func truthMustHaveOneBestPerPair() throws {
        let scratch = try Scratch()
        let truth = try scratch.file("t.jsonl", """
            {"user":"u","query_id":"q","task":"t","query":"x","llm":"a","performance":0.5,"cost":1,"best":false}
            """)
        #expect(errorMessage { _ = try TruthTable(path: truth) }
            == #"t.jsonl:1: field "best": user "u" and query "q" have 0 LLMs marked best, expected exactly one"#)
    }

    @Test func tableFormatsFixedDecimals() {
        #expect(Decimals.fixed(0.123456, 4) == "0.1235")
        #expect(Decimals.fixed(-0.5, 2) == "-0.50")
        #expect(Decimals.fixed(99.999, 2) == "100.00")
        #expect(Decimals.fixed(-0.0001, 2) == "0.00")
    }
}
