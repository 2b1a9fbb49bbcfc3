import Foundation
import Testing
@testable import PRouterKit

/// The tools with `--encoder minilm`, end to end (skipped without `make model`).
@Suite struct MiniLMPipelineTests {
    @Test func embedTrainAndRouteWithMiniLM() throws {
        let directory = MiniLMEncoder.defaultDirectory
        guard FileManager.default.fileExists(atPath: directory + "/model.safetensors") else {
            print("MiniLMPipelineTests: skipped: no model in \(directory) (run `make model`, or set PROUTER_MODEL_DIR)")
            return
        }
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)  // hashed features first
        let embed = try runTool("pr-embed", ["--encoder", "minilm", "--tasks", scratch.path("tasks.jsonl"), "--llms", scratch.path("llms.jsonl"),
                                             "-o", scratch.path("m.prg"), scratch.path("g.prg")])
        #expect(embed.status == 0, "\(embed.err)")
        let info = try runTool("pr-build-graph", ["--info", scratch.path("m.prg")])
        #expect(info.out.contains(#""features":{"encoder":"minilm-l6-v2","dimension":384,"llm_columns":387}"#))
        // Products round once: other kernel sets (AVX2, AVX without FMA, SSE) and thread
        // counts give the same vectors, to the byte.
        for (kernels, threads) in [("Haswell", "1"), ("SandyBridge", "2"), ("Nehalem", "1")] {
            let other = try runTool("pr-embed", ["--encoder", "minilm", "--tasks", scratch.path("tasks.jsonl"), "--llms", scratch.path("llms.jsonl"),
                                                 "-o", scratch.path("m-\(kernels).prg"), scratch.path("g.prg")],
                                    environment: ["OPENBLAS_CORETYPE": kernels, "OPENBLAS_NUM_THREADS": threads])
            #expect(other.status == 0, "\(other.err)")
            #expect(try FileIO.readAll(path: scratch.path("m-\(kernels).prg")) == FileIO.readAll(path: scratch.path("m.prg")), "\(kernels)")
        }
        #expect(try runTool("pr-train", ["-q", "--epochs", "3", "-o", scratch.path("m.prw"), scratch.path("m.prg")]).status == 0)
        let arguments = ["--graph", scratch.path("m.prg"), "--weights", scratch.path("m.prw")]
        let query = #"{"user":"sweep-1","query":"What is 7 times 8?","task":"math","query_id":"new-1"}"#
        let routed = try runTool("pr-route", arguments, stdin: query)
        #expect(routed.status == 0, "\(routed.err)")
        #expect(try decodeLines(routed.out) { try $0.string("query_id") } == ["new-1"])
        // Queries of many lengths from a file, and from a pipe in pieces: the same bytes.
        let queries = (0..<40).map { i in
            #"{"user":"sweep-\#(i % 4 + 1)","query":"\#(String(repeating: "What is \(i) times 8? ", count: i % 9 + 1))","task":"math"}"#
        }.joined(separator: "\n") + "\n"
        let whole = try runTool("pr-route", arguments + [try scratch.file("q.jsonl", queries)])
        #expect(whole.status == 0 && whole.out.split(separator: "\n").count == 40, "\(whole.err)")
        let piped = try runToolTrickling("pr-route", arguments, input: queries, seed: 3)
        #expect(piped.status == 0 && piped.out == whole.out)
        // The graph records the encoder: without the model, routing says how to get it (69: not available).
        let missing = try runTool("pr-route", arguments + ["--model-dir", scratch.path("none")], stdin: query)
        #expect(missing.status == 69 && missing.err.contains("make model"))
        // Routing a split of the graph needs no model: its queries are embedded already.
        let split = try runTool("pr-route", arguments + ["--model-dir", scratch.path("none"), "--split", "test"])
        #expect(split.status == 0 && !split.out.isEmpty, "\(split.err)")
    }
}
