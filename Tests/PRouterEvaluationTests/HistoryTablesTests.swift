import Testing
import PRouterIO
@testable import PRouterEvaluation
import PRouterTestSupport

/// pr-eval's history tables on multi-turn truth.
@Suite struct HistoryTablesTests {
    @Test func historyTablesFollowTheConversationAndTheFavourite() throws {
        func line(_ user: String, _ conversation: String, _ turn: Int, _ llms: [String], _ preferred: String) -> String {
            let responses = llms.map { "{\"llm\":\"\($0)\",\"response\":\"r\",\"score\":0.5,\"cost\":0.001,\"preferred\":\($0 == preferred)}" }
            return "{\"user\":\"\(user)\",\"conversation_id\":\"\(conversation)\",\"turn\":\(turn),\"query\":\"q \(conversation) \(turn)\","
                + "\"responses\":[\(responses.joined(separator: ","))]}"
        }
        // u's favourite is b (training conversations c1-c3); in c4 u takes to c at turn 0.
        var lines: [String] = []
        for c in 1...3 { lines.append(line("u", "c\(c)", 0, ["a", "b", "c"], "b")) }
        lines += [line("u", "c4", 0, ["a", "b", "c"], "c"), line("u", "c4", 1, ["a", "b", "c"], "c"), line("u", "c5", 0, ["a", "b", "c"], "b")]
        let scratch = try Scratch()
        let truth = try TruthTable(path: try scratch.file("t.jsonl", lines.joined(separator: "\n") + "\n"))
        let evaluated = [truth.pairIndex(user: "u", queryID: "c4#1")!, truth.pairIndex(user: "u", queryID: "c5#0")!]
        let fit = truth.pairs.indices.filter { !evaluated.contains($0) && truth.pairs[$0].conversation!.id != "c4" }
        let tables = Baselines.historyTables(truth, pairs: evaluated, fitPairs: fit, fit: "held-out")
        let hits = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0.overall.hits) })
        // history-last: c after c at c4#1, and b (most preferred overall) at c5#0; the favourite: b twice.
        #expect(hits["history-last"] == 2 && hits["history-favourite"] == 1 && tables.allSatisfy { $0.overall.count == 2 })
        #expect(tables.map(\.name) == ["history-last", "history-favourite", "history-blend", "history-priors"])
    }

    @Test func routesOfTurnsWithoutFeedbackAreCountedNotRefused() throws {
        let scratch = try Scratch()
        let responses = #"[{"llm":"a","response":"x","preferred":false},{"llm":"b","response":"y","preferred":true}]"#
        let unlabelled = #"[{"llm":"a","response":"x"},{"llm":"b","response":"y"}]"#
        let truth = try scratch.file("t.jsonl", [
            #"{"user":"u","conversation_id":"c","turn":0,"query":"q0","responses":\#(unlabelled)}"#,
            #"{"user":"u","conversation_id":"c","turn":1,"query":"q1","responses":\#(responses)}"#,
        ].joined(separator: "\n") + "\n")
        let routes = try scratch.file("r.jsonl", #"{"user":"u","query_id":"c#0","llm":"a"}"# + "\n" + #"{"user":"u","query_id":"c#1","llm":"b"}"# + "\n")
        let result = try runTool("pr-eval", ["--truth", truth, "--format", "csv", routes])
        #expect(result.status == 0 && result.err.contains("1 route of turns without feedback not scored"), "\(result.err)")
        #expect(result.out.contains("system,") && result.out.contains(",1,,,,1.0,"), "\(result.out)")
    }
}
