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

    /// A total cost near the largest double (one response at 1.75e308, another LLM free)
    /// still draws every point at a finite position with finite labels.
    @Test func costsNearTheLargestDoubleStillDraw() throws {
        let scratch = try Scratch()
        let first = try CommandLineTests.routedWorld(scratch)
        var huge = false
        let lines = try String(contentsOfFile: scratch.path("i.jsonl"), encoding: .utf8).split(separator: "\n").map { line -> String in
            var line = String(line)
            if line.contains("\"llm\":\"small\"") {
                line = line.replacingOccurrences(of: #""cost":[0-9.e-]+"#, with: "\"cost\":0", options: .regularExpression)
            } else if !huge, line.contains("\"user\":\"\(first.user)\""), line.contains("\"query_id\":\"\(first.queryID)\"") {
                line = line.replacingOccurrences(of: #""cost":[0-9.e-]+"#, with: "\"cost\":1.75e308", options: .regularExpression)
                huge = true
            }
            return line
        }
        #expect(huge)
        let truth = try scratch.file("huge-cost.jsonl", lines.joined(separator: "\n") + "\n")
        let eval = try runTool("pr-eval", ["--truth", truth, "--plot", scratch.path("plot.svg"), scratch.path("r.jsonl")])
        #expect(eval.status == 0, "\(eval.err)")
        let svg = try String(contentsOfFile: scratch.path("plot.svg"), encoding: .utf8)
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(!svg.contains("nan") && !svg.contains("inf<") && !svg.contains("\"inf\""), "\(svg.prefix(2000))")
        #expect(svg.contains("e+308"))
    }
}
