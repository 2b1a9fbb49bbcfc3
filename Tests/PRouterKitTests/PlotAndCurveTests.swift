import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PRouterKit

/// pr-eval's curve metrics (gap closed, AIQ) and its SVG plot.
struct PlotAndCurveTests {
    @Test func frontierAndAIQ() throws {
        let llms: [(cost: Double, quality: Double)] = [(0, 0), (1, 1), (2, 1), (1.5, 0.2)]
        // Non-decreasing upper hull: (1.5, 0.2) is dominated, (2, 1) buys nothing more.
        #expect(CurveMetrics.frontier(llms).map(\.cost) == [0, 1])
        #expect(try #require(CurveMetrics.aiq(llms, over: 0...2)) == 0.75)
        // A router at (0.5, 1) pushes the frontier; one under it adds nothing.
        #expect(try #require(CurveMetrics.aiq(llms + [(0.5, 1)], over: 0...2)) == 0.875)
        #expect(try #require(CurveMetrics.aiq(llms + [(1, 0.5)], over: 0...2)) == 0.75)
        #expect(CurveMetrics.aiq(llms, over: 1...1) == nil)
        #expect(abs(try #require(CurveMetrics.gapClosed(0.5, singleBest: 0.4, oracle: 0.6)) - 0.5) < 1e-12)
        #expect(CurveMetrics.gapClosed(0.5, singleBest: 0.6, oracle: 0.6) == nil)
    }

    @Test func evalDrawsAWellFormedPlotAndExplainsItsTable() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), "--split", "test"])
        try scratch.file("a&b <routes>.jsonl", routed.out)
        let eval = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--format", "table", "--plot", scratch.path("plot.svg"),
                                           scratch.path("a&b <routes>.jsonl")])
        #expect(eval.status == 0, "\(eval.err)")
        #expect(eval.out.contains("gap: share of the single-best-to-oracle gap closed"))
        #expect(eval.out.contains("(user, query pairs of 4 users)"))
        let svg = try Data(contentsOf: URL(fileURLWithPath: scratch.path("plot.svg")))
        let parser = XMLParser(data: svg)
        #expect(parser.parse(), "the SVG is not well-formed XML: \(String(describing: parser.parserError))")
        let text = String(decoding: svg, as: UTF8.self)
        #expect(text.contains("a&amp;b &lt;routes&gt;.jsonl") && text.contains("always") == false)
        #expect(["small", "medium", "large"].allSatisfy { text.contains(">\($0)</text>") })
        let csv = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--format", "csv", scratch.path("a&b <routes>.jsonl")])
        #expect(csv.out.hasPrefix("kind,name,llm,user,queries,reward,oracle_reward,ratio_to_oracle,accuracy,total_cost,mean_performance,gap_closed,aiq\n"))
        // A plot path that cannot be written fails before any work, like -o.
        let bad = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--plot", scratch.directory, scratch.path("a&b <routes>.jsonl")])
        #expect(bad.status == 73 && bad.out.isEmpty)
    }
}
