import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PRouterKit

/// pr-eval --plot on a trained world, end to end.
@Suite struct PlotCommandTests {
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
        #expect(csv.out.hasPrefix("kind,name,llm,user,queries,reward,oracle_reward,ratio_to_oracle,accuracy,total_cost,mean_performance,gap_closed,aiq,"
                                  + "versus_first_difference,versus_first_standard_error,fit\n"))
        // A plot path that cannot be written fails before any work, like -o.
        let bad = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--plot", scratch.directory, scratch.path("a&b <routes>.jsonl")])
        #expect(bad.status == 73 && bad.out.isEmpty)
    }
}
