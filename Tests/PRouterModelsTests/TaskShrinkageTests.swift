import Testing
@testable import PRouterModels
import PRouterTestSupport

/// The empirical-Bayes shares by which an LLM's outcome means keep its task means' departure
/// from its mean over every task.
@Suite struct TaskShrinkageTests {
    /// Cost-mode data of one user over `tasks` x 40 queries, all observed, where LLM "a"
    /// performs `perf(task, q)`, "b" 0.5 and "c" 0 at every query.
    static func data(tasks: [String] = ["math", "chat"], _ perf: (String, Int) -> Double) throws -> RoutingData {
        var lines: [String] = []
        for task in tasks {
            for q in 0..<40 {
                let query = "\(task)\(q)"
                lines.append(responseLine(query, "a", perf: perf(task, q), cost: 0.01, task: task))
                lines.append(responseLine(query, "b", perf: 0.5, cost: 0.02, task: task))
                lines.append(responseLine(query, "c", perf: 0, cost: 0.03, task: task))
            }
        }
        var data = try RoutingData(graph: try ModelTests.graph(lines, users: [("u", 0.5, 0.5)], seed: 3), routing: false)
        data.isPool = Array(repeating: true, count: data.nodeCount)  // every query observed, whatever the split
        return data
    }

    static func share(_ shares: [SIMD2<Float>], _ data: RoutingData, task: String, llm: String) -> SIMD2<Float> {
        shares[data.taskIDs.firstIndex(of: task)! * data.llmIDs.count + data.llmIndex(llm)!]
    }

    /// Task means far apart (0.9 against 0.1, each within 0.02) stand; task means that
    /// differ by less than their noise (0/1 outcomes, half and 55% right over 40 queries)
    /// give way to the LLM's mean over both tasks, so that both tasks see the same means;
    /// an LLM seen on one task only keeps its task mean.
    @Test func taskMeansStandWhereTasksDifferAndPoolWhereTheyDifferByNoise() throws {
        let apart = try Self.data { task, q in (task == "math" ? 0.9 : 0.1) + Double(q % 3 - 1) / 50 }
        let kept = TaskShrinkage.shares(data: apart, llmCount: apart.llmIDs.count, taskCount: apart.taskIDs.count)
        for task in ["math", "chat"] { #expect(Self.share(kept, apart, task: task, llm: "a")[0] > 0.99) }

        let noisy = try Self.data { task, q in q % 2 == 0 || (task == "chat" && q < 4) ? 1 : 0 }
        let pooled = TaskShrinkage.shares(data: noisy, llmCount: noisy.llmIDs.count, taskCount: noisy.taskIDs.count)
        for task in ["math", "chat"] { #expect(Self.share(pooled, noisy, task: task, llm: "a")[0] == 0) }
        // Outcomes without spread ("b", "c") keep their task means.
        #expect(Self.share(pooled, noisy, task: "math", llm: "b") == SIMD2(1, 1))
        let rows = AnchorFeatures(data: noisy).rows(Array(0..<noisy.nodeCount), data: noisy)
        var means: [String: Set<Float>] = [:]
        var edge = 0
        for node in 0..<noisy.nodeCount {
            for candidate in noisy.edges(of: node) {
                if Int(noisy.edgeLLM[candidate]) == noisy.llmIndex("a")! { means["a", default: []].insert(rows.outcomeMeans[edge, 0]) }
                edge += 1
            }
        }
        #expect(means["a"]?.count == 1, "\(means)")

        let single = try Self.data(tasks: ["math"]) { _, q in q % 2 == 0 ? 1 : 0 }
        #expect(TaskShrinkage.shares(data: single, llmCount: single.llmIDs.count, taskCount: 1).allSatisfy { $0 == SIMD2(1, 1) })
    }
}
