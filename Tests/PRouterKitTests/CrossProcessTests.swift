import Foundation
import Testing
@testable import PRouterKit

/// README promises checked across separate processes: the whole pipeline is
/// byte-identical run to run (with per-process hashing seeds), and a writer killed with
/// SIGKILL at any moment leaves either no output or the old one, never a torn file.
@Suite struct CrossProcessTests {
    @Test func wholePipelineIsByteIdenticalAcrossProcesses() throws {
        var outputs: [[String: [UInt8]]] = []
        for _ in 0..<2 {
            let scratch = try Scratch()
            try CommandLineTests.trainedWorld(scratch)
            let unset = QualityCommandLineTests.randomHashing
            for model in ["anchored", "personalized"] {
                let train = try runTool("pr-train", ["-q", "--model", model, "--epochs", "3", "--hidden", "8", "-o", scratch.path("\(model).prw"),
                                                     scratch.path("g.prg")], unset: unset)
                #expect(train.status == 0, "\(train.err)")
                let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("\(model).prw"), "--split", "test",
                                                      "-o", scratch.path("\(model).jsonl")], unset: unset)
                #expect(routed.status == 0 && routed.out.isEmpty, "\(routed.err)")
            }
            // Relative route paths: the report names its inputs, and the scratch directories differ.
            let eval = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "-o", scratch.path("eval.json"),
                                               "anchored.jsonl", "personalized.jsonl"], unset: unset, directory: scratch.directory)
            #expect(eval.status == 0, "\(eval.err)")
            var files: [String: [UInt8]] = [:]
            for name in ["i.jsonl", "g.prg", "m.prw", "anchored.prw", "personalized.prw", "anchored.jsonl", "personalized.jsonl", "eval.json"] {
                files[name] = try FileIO.readAll(path: scratch.path(name))
            }
            outputs.append(files)
        }
        for (name, bytes) in outputs[0] { #expect(outputs[1][name] == bytes, "\(name) differs between runs") }
    }

    /// SIGKILL at spread-out moments of `pr-build-graph -o` over an existing graph: after
    /// each kill the file is the old graph or the complete new one, and the next run
    /// removes the dead writer's temporary file.
    @Test func killedWriterLeavesOldOrNewFile() throws {
        let scratch = try Scratch()
        let lines = (0..<3000).flatMap { q in
            ["small", "large"].map { #"{"query_id":"q\#(q)","task":"t","query":"question \#(q)","llm":"\#($0)","performance":0.\#(q % 9 + 1),"cost":0.01}"# }
        }
        try scratch.file("responses.jsonl", lines.joined(separator: "\n"))
        #expect(try runTool("pr-sim", ["--sweep", "20", "-o", scratch.path("i.jsonl"), scratch.path("responses.jsonl")]).status == 0)
        let graph = scratch.path("g.prg")
        try FileIO.writeAtomically(Array("old graph".utf8), to: graph)
        var sawNew = false
        for delay in [0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4, 5.0] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "\(productsDirectory())/pr-build-graph")
            process.arguments = ["-o", graph, scratch.path("i.jsonl")]
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(delay)
            while process.isRunning && Date() < deadline { usleep(2000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let bytes = try FileIO.readAll(path: graph)
            if bytes != Array("old graph".utf8) {
                // Not the old file: then the complete new graph, which reads back.
                #expect(throws: Never.self) { _ = try Graph.read(from: graph) }
                sawNew = true
                try FileIO.writeAtomically(Array("old graph".utf8), to: graph)
            }
        }
        #expect(sawNew, "the last, unkilled run wrote the graph")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.directory).filter { $0.contains(".tmp.") }
        #expect(leftovers.isEmpty, "temporary files of killed writers are removed by the next write: \(leftovers)")
    }
}
