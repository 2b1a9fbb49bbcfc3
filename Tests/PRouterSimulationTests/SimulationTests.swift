import Testing
import PRouterIO
@testable import PRouterSimulation
import PRouterTestSupport

@Suite struct SimulationTests {
    /// Two queries of one task; values chosen so the normalized numbers are exact.
    static let responses = [
        responseLine("q1", "a", perf: 1.0, cost: 0.4),
        responseLine("q1", "b", perf: 0.5, cost: 0.0),
        responseLine("q2", "a", perf: 0.0, cost: 0.2),
        responseLine("q2", "b", perf: 0.25, cost: 0.1),
    ]

    @Test func rewardMatchesHandComputedValues() throws {
        let text = try simulate(Self.responses, users: [("u", 0.75, 0.25)])
        let rows = try decodeLines(text, Interaction.init)
        // perf range 0..1 and cost range 0..0.4 over the task:
        // q1/a: 0.75*1 - 0.25*1 = 0.5; q1/b: 0.75*0.5 - 0 = 0.375;
        // q2/a: 0 - 0.25*0.5 = -0.125; q2/b: 0.75*0.25 - 0.25*0.25 = 0.125.
        #expect(rows.map { $0.reward! } == [0.5, 0.375, -0.125, 0.125])
        #expect(rows.map(\.best) == [true, false, false, true])
        #expect(rows.allSatisfy { $0.user == "u" && $0.task == "math" })
    }

    @Test func normalizationIsPerTask() throws {
        let table = try ResponseTable(responses: try decodeLines([
            responseLine("q1", "a", perf: 0.2, cost: 1, task: "x"),
            responseLine("q1", "b", perf: 0.4, cost: 3, task: "x"),
            responseLine("q2", "a", perf: 0.9, cost: 10, task: "y"),
            responseLine("q2", "b", perf: 0.9, cost: 20, task: "y"),
        ].joined(separator: "\n"), Response.init), llms: nil)
        #expect(table.entries.map(\.performanceNorm) == [0, 1, 0, 0])
        #expect(table.entries.map(\.costNorm) == [0, 1, 0, 1])
    }

    @Test func tiesBreakByPerformanceThenCostThenID() {
        func entry(_ llm: String, _ perf: Double, _ cost: Double) -> ResponseTable.Entry {
            ResponseTable.Entry(llm: llm, performance: perf, cost: cost, performanceNorm: 0, costNorm: 0)
        }
        #expect(CostSimulator.bestIndex([entry("a", 0.5, 1), entry("b", 0.6, 1)], rewards: [1, 1]) == 1)
        #expect(CostSimulator.bestIndex([entry("a", 0.5, 2), entry("b", 0.5, 1)], rewards: [1, 1]) == 1)
        #expect(CostSimulator.bestIndex([entry("b", 0.5, 1), entry("a", 0.5, 1)], rewards: [1, 1]) == 1)
        #expect(CostSimulator.bestIndex([entry("a", 0.5, 1), entry("b", 0.5, 1)], rewards: [2, 1]) == 0)
    }

    @Test func sweepSpansAlphaFromPointTwoToOne() {
        let users = UserSpec.sweep(5)
        #expect(users.map(\.user) == ["sweep-1", "sweep-2", "sweep-3", "sweep-4", "sweep-5"])
        #expect(users.map { $0.alpha! } == [0.2, 0.4, 0.6000000000000001, 0.8, 1.0])
        #expect(zip(users, users).allSatisfy { abs($0.alpha! + $1.beta! - 1) < 1e-12 })
        #expect(UserSpec.sweep(1000)[0].user == "sweep-0001")
        #expect(UserSpec.sweep(1000)[999].alpha == 1.0)
    }

    @Test func queriesPerUserSamplesDeterministically() throws {
        let table = try ResponseTable(responses: try decodeLines(smallWorld(queries: 30).joined(separator: "\n"), Response.init), llms: nil)
        func draw(_ seed: UInt64, users: [UserSpec]) throws -> [String] {
            var out: [String] = []
            try CostSimulator(table: table, users: users).run(queriesPerUser: 4, seed: seed) { out.append("\($0.user)/\($0.queryID)") }
            return out
        }
        let users = UserSpec.sweep(3)
        let first = try draw(9, users: users)
        #expect(first.count == 3 * 4 * 3)
        #expect(try draw(9, users: users) == first)
        #expect(try draw(10, users: users) != first)
        // Adding a user does not change earlier users' draws.
        #expect(Array(try draw(9, users: users + UserSpec.sweep(4)).prefix(first.count)) == first)
    }

    @Test func labelsBecomeInteractions() throws {
        let table = try ResponseTable(responses: try decodeLines(Self.responses.joined(separator: "\n"), Response.init), llms: nil)
        let labels = try decodeLines(#"{"user":"u","query_id":"q2","best_llm":"a"}"#, name: "labels.jsonl", Label.init)
        var rows: [Interaction] = []
        try LabelSimulator(table: table).run(labels: labels) { rows.append($0) }
        #expect(rows.map(\.llm) == ["a", "b"])
        #expect(rows.map(\.best) == [true, false])
        #expect(rows.allSatisfy { $0.reward == nil && $0.queryID == "q2" })
    }

    @Test(arguments: [
        (#"{"user":"u","query_id":"q9","best_llm":"a"}"#, #"labels.jsonl:1: field "query_id": unknown query "q9" (not in the responses)"#),
        (#"{"user":"u","query_id":"q1","best_llm":"z"}"#, #"labels.jsonl:1: field "best_llm": "z" did not answer query "q1""#),
        (#"{"user":"u","query_id":"q1","best_llm":"a"}"# + "\n" + #"{"user":"u","query_id":"q1","best_llm":"b"}"#,
         #"labels.jsonl:2: field "query_id": second label for user "u" and this query (first at labels.jsonl:1)"#),
        (#"{"user":"u","query_id":"q1","best_llm":"a","judge":"j","prompt_style":1}"# + "\n"
            + #"{"user":"u","query_id":"q1","best_llm":"b","judge":"j","prompt_style":2}"#,
         #"labels.jsonl:2: field "query_id": second label for user "u" and this query (first at labels.jsonl:1); "#
            + "labels from several judge configurations need --label-users configuration"),
    ])
    func labelErrors(lines: String, expected: String) throws {
        let table = try ResponseTable(responses: try decodeLines(Self.responses.joined(separator: "\n"), Response.init), llms: nil)
        let labels = try decodeLines(lines, name: "labels.jsonl", Label.init)
        #expect(errorMessage { try LabelSimulator(table: table).run(labels: labels) { _ in } } == expected)
    }

    @Test func oneUserPerJudgeConfiguration() throws {
        let table = try ResponseTable(responses: try decodeLines(Self.responses.joined(separator: "\n"), Response.init), llms: nil)
        let labels = try decodeLines("""
            {"user":"u","query_id":"q1","best_llm":"a","judge":"j","prompt_style":1}
            {"user":"u","query_id":"q1","best_llm":"b","judge":"j","prompt_style":2}
            {"user":"u","query_id":"q1","best_llm":"b","judge":"human","prompt_style":null}
            """, name: "labels.jsonl", Label.init)
        var rows: [Interaction] = []
        try LabelSimulator(table: table, users: .configuration).run(labels: labels) { rows.append($0) }
        #expect(rows.filter(\.best).map { "\($0.user) \($0.llm)" } == ["u/j/1 a", "u/j/2 b", "u/human b"])
    }

    @Test func costModeNeedsWeights() throws {
        let table = try ResponseTable(responses: try decodeLines(Self.responses.joined(separator: "\n"), Response.init), llms: nil)
        let users = try decodeLines(#"{"user":"u","profile":"p"}"#, name: "users.jsonl") { try UserSpec($0, requirePreferences: false) }
        #expect(errorMessage { try CostSimulator(table: table, users: users).run(queriesPerUser: nil, seed: 0) { _ in } }
            == #"users.jsonl:1: field "alpha": missing (cost mode needs alpha and beta for every user)"#)
    }
}

/// `pr-sim calibrate`: the smallest cost weight within a budget.
struct BudgetCalibrationTests {
    static func table() throws -> ResponseTable {
        try ResponseTable(path: "\(examplesDirectory)/data/responses.jsonl", llmsPath: "\(examplesDirectory)/data/llms.jsonl")
    }

    @Test func spendingFallsWithBetaAndCalibrationIsTight() throws {
        let calibration = BudgetCalibration(table: try Self.table())
        let costs = stride(from: 0.0, through: 1.0, by: 0.05).map { calibration.spending(beta: $0).costPerThousand }
        #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 >= $1 })
        let budget = (costs.first! + costs.last!) / 2
        let result = try #require(calibration.calibrate(.costPerThousand(budget)))
        #expect(result.costPerThousand <= budget && abs(result.alpha + result.beta - 1) < 1e-9)
        // A little less weight on cost goes over the budget: the most quality within it.
        #expect(calibration.spending(beta: result.beta - 1e-4).costPerThousand > budget)
        let share = try #require(calibration.calibrate(.expensiveShare(0.1)))
        #expect(share.expensiveShare <= 0.1 && share.expensiveLLM == "llama-3.1-405b-instruct")
        #expect(calibration.calibrate(.costPerThousand(1e6))?.beta == 0)
        #expect(calibration.calibrate(.costPerThousand(0)) == nil)
    }

    @Test func calibrateCommand() throws {
        let data = "\(examplesDirectory)/data"
        let ok = try runTool("pr-sim", ["calibrate", "--budget", "0.3", "--llms", "\(data)/llms.jsonl", "\(data)/responses.jsonl"])
        #expect(ok.status == 0, "\(ok.err)")
        let line = try decodeLines(ok.out) { (try $0.number("beta"), try $0.number("cost_per_1000")) }
        #expect(line.count == 1 && line[0].1 <= 0.3 && line[0].0 > 0)
        let tooLow = try runTool("pr-sim", ["calibrate", "--budget", "0.001", "--llms", "\(data)/llms.jsonl", "\(data)/responses.jsonl"])
        #expect(tooLow.status == 65 && tooLow.err.contains("the budget cannot be met: even beta = 1 costs"))
        let both = try runTool("pr-sim", ["calibrate", "--budget", "1", "--max-expensive-share", "0.1", "\(data)/responses.jsonl"])
        #expect(both.status == 64 && both.err.contains("give one of --budget and --max-expensive-share"))
    }
}
