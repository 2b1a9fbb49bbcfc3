import Foundation
import Testing
@testable import PRouterKit
@testable import PRouterEvaluation

/// The built tools, run as a user would: exit statuses, one-line errors, pipelines.
@Suite struct CommandLineTests {
    static let responses = smallWorld(queries: 20).joined(separator: "\n") + "\n"

    @Test func whatIfForOneAdHocUser() throws {
        let result = try runTool("pr-sim", ["--alpha", "0.7", "--beta", "0.3", "--user", "me"], stdin: Self.responses)
        #expect(result.status == 0 && result.err.isEmpty)
        let rows = try decodeLines(result.out, Interaction.init)
        #expect(rows.count == 60 && rows.allSatisfy { $0.user == "me" && $0.reward != nil })
        #expect(rows.filter(\.best).count == 20)
    }

    @Test func badDataIsOneLineWithStatus65() throws {
        let result = try runTool("pr-sim", ["--alpha", "1", "--beta", "0"],
                                 stdin: Self.responses + #"{"query_id":"x","task":"t","query":"q","llm":"a","performance":"abc","cost":1}"# + "\n")
        #expect(result.status == 65)
        #expect(result.out.isEmpty)
        #expect(result.err == #"pr-sim: <stdin>:61: field "performance": expected a number in 0..1, got "abc""# + "\n")
    }

    /// One grammar: every tool (and pr-sim subcommand) takes -q and -v.
    @Test func everyToolTakesQuietAndVerbose() throws {
        let commands: [[String]] = [["pr-sim", "simulate"], ["pr-sim", "judge"], ["pr-sim", "multi-turn"], ["pr-sim", "calibrate"], ["pr-build-graph"],
                                    ["pr-embed"], ["pr-train"], ["pr-route"], ["pr-eval"]]
        for command in commands {
            let help = try runTool(command[0], Array(command.dropFirst()) + ["--help"]).out
            #expect(help.contains("-q, --quiet") && help.contains("-v, --verbose"), "\(command)")
            // Usage first: the overview, then USAGE within a few lines; the long description after the options.
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
            let usage = try #require(lines.firstIndex { $0.hasPrefix("USAGE: ") }, "\(command)")
            #expect(lines[0].hasPrefix("OVERVIEW: ") && usage <= 4, "\(command)")
            let options = try #require(lines.firstIndex { $0 == "OPTIONS:" })
            #expect(lines.firstIndex { $0 == "DESCRIPTION:" }.map { $0 > options } ?? true, "\(command)")
        }
        #expect(try runTool("pr-sim", ["--help"]).out.contains("Other subcommands: pr-sim judge (Ask judge LLMs"))
        let scratch = try Scratch()
        try scratch.file("responses.jsonl", Self.responses)
        let verbose = try runTool("pr-sim", ["--sweep", "2", "-v", scratch.path("responses.jsonl")])
        #expect(verbose.status == 0 && verbose.err.hasPrefix("pr-sim: done in ") && verbose.err.contains(" MiB"))
        let quiet = try runTool("pr-sim", ["--sweep", "2", "-q", scratch.path("responses.jsonl")])
        #expect(quiet.status == 0 && quiet.err.isEmpty && quiet.out == verbose.out)
    }

    @Test func usageErrorsExit64AndMissingFilesExit66() throws {
        // One error style: usage errors too are "TOOL: message", then the usage.
        let usage = try runTool("pr-route", ["--graph", "g.prg"])
        #expect(usage.status == 64 && usage.err.hasPrefix("pr-route: Missing expected argument '--weights <file>'\n"))
        #expect(usage.err.contains("\nUsage: pr-route ") && !usage.err.contains("Error:"))
        #expect(try runTool("pr-sim", [], stdin: "").status == 64)
        #expect(try runTool("pr-sim", ["--alpha", "1"], stdin: "").status == 64)
        #expect(try runTool("pr-build-graph", ["-"], stdin: "").status == 64)
        let missing = try runTool("pr-sim", ["--sweep", "2", "/nonexistent/r.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.err == "pr-sim: /nonexistent/r.jsonl: cannot open: No such file or directory\n")
    }

    /// A trained personalized model on a small cost-mode world, in `scratch`.
    static func trainedWorld(_ scratch: Scratch) throws {
        try scratch.file("responses.jsonl", responses)
        try scratch.file("tasks.jsonl", #"{"task":"math","description":"arithmetic word problems"}"#)
        try scratch.file("llms.jsonl", ["small", "medium", "large"].enumerated().map {
            #"{"llm":"\#($0.element)","description":"a \#($0.element) model","price_in":\#($0.offset + 1),"price_out":\#($0.offset + 2)}"#
        }.joined(separator: "\n"))
        let sim = try runTool("pr-sim", ["--sweep", "4", "-o", scratch.path("i.jsonl"), scratch.path("responses.jsonl")])
        #expect(sim.status == 0)
        #expect(try runTool("pr-build-graph", ["--seed", "2", "-o", scratch.path("g.prg"), scratch.path("i.jsonl")]).status == 0)
        let embed = try runTool("pr-embed", ["--tasks", scratch.path("tasks.jsonl"), "--llms", scratch.path("llms.jsonl"), "--dim", "16",
                                             "--in-place", scratch.path("g.prg")])
        #expect(embed.status == 0, "\(embed.err)")
        let train = try runTool("pr-train", ["--epochs", "5", "--hidden", "8", "--log-json", "-o", scratch.path("m.prw"), scratch.path("g.prg")])
        #expect(train.status == 0, "\(train.err)")
        let epochs = train.err.split(separator: "\n").filter { $0.hasPrefix("{\"epoch\":") }
        #expect(epochs.count == 5)
        // The summary says where the anchored model started and what cross-validation found.
        let summary = train.err.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.hasPrefix("pr-train: anchored trained 5 epochs, best validation "), "\(summary)")
        #expect(summary.contains(" (start ") && summary.contains(", cross-validated ") && summary.contains(" table); wrote "), "\(summary)")
    }

    /// ``trainedWorld(_:)`` with its test queries routed into `r.jsonl`; returns the first route.
    static func routedWorld(_ scratch: Scratch) throws -> Route {
        try trainedWorld(scratch)
        let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), "--split", "test",
                                              "-o", scratch.path("r.jsonl")])
        #expect(routed.status == 0, "\(routed.err)")
        return try decodeLines(String(contentsOfFile: scratch.path("r.jsonl"), encoding: .utf8)) { try Route($0) }[0]
    }

    @Test func embedTrainRouteEvaluate() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        // pr-embed never rewrites its input unless asked to.
        let before = try FileIO.readAll(path: scratch.path("g.prg"))
        let unasked = try runTool("pr-embed", ["--llms", scratch.path("llms.jsonl"), "--tasks", scratch.path("tasks.jsonl"), scratch.path("g.prg")])
        #expect(unasked.status == 64 && unasked.err.contains("give -o FILE for the embedded graph, or --in-place to replace"))
        #expect(try FileIO.readAll(path: scratch.path("g.prg")) == before)
        // Without --tasks and --llms, tasks and LLMs are described by their ids (with a warning each).
        let bare = try runTool("pr-embed", ["-o", scratch.path("bare.prg"), scratch.path("g.prg")])
        #expect(bare.status == 0 && bare.err.contains("warning: no --llms") && bare.err.contains("warning: no --tasks"))
        #expect(try runTool("pr-train", ["-q", "--epochs", "2", "-o", scratch.path("bare.prw"), scratch.path("bare.prg")]).status == 0)
        let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), "--split", "test"])
        #expect(routed.status == 0, "\(routed.err)")
        let routes = try decodeLines(routed.out) { record in
            (try record.string("llm"), try record.number("score"))
        }
        #expect(routes.count == 16 && routes.allSatisfy { ["small", "medium", "large"].contains($0.0) })
        try scratch.file("routes.jsonl", routed.out)
        let eval = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), scratch.path("routes.jsonl")])
        #expect(eval.status == 0 && eval.out.contains(#""queries":16"#))
        let info = try runTool("pr-build-graph", ["--info", scratch.path("g.prg")])
        #expect(info.out.contains(#""features":{"encoder":"hashed-ngrams-v1","dimension":16,"llm_columns":19}"#))
    }

    @Test func routesFromAPipeComeAsLinesArrive() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        let arguments = ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")]
        let queries = (1...4).map { #"{"user":"sweep-\#($0)","query":"What is \#($0) times 8?","task":"math","query_id":"s\#($0)"}"# }
        // A coprocess on a pipe, without any flag: each route comes back before the next
        // query is written.
        let (process, input, output) = try startTool("pr-route", arguments)
        var streamed = ""
        var pending = Data()
        for query in queries {
            feed(input, Data((query + "\n").utf8))
            while !pending.contains(0x0A) {
                let more = output.fileHandleForReading.availableData
                if more.isEmpty { break }
                pending += more
            }
            guard let end = pending.firstIndex(of: 0x0A) else { break }
            streamed += String(decoding: pending[...end], as: UTF8.self)
            pending = Data(pending[(end + 1)...])
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The very bytes of one pass over the file.
        let file = try scratch.file("q.jsonl", queries.joined(separator: "\n") + "\n")
        let whole = try runTool("pr-route", arguments + [file])
        #expect(whole.status == 0 && whole.out.split(separator: "\n").count == 4)
        #expect(streamed == whole.out)
        // Unknown users cannot join a stream; --keep-going skips them and goes on.
        let stray = try runTool("pr-route", arguments + ["--keep-going"],
                                stdin: #"{"user":"nobody","query":"x","task":"math"}"# + "\n" + queries[0])
        #expect(stray.status == 65 && stray.out.contains(#""query_id":"s1""#))
        #expect(stray.err.contains(#"<stdin>:1: field "user": unknown user "nobody""#))
        let both = try runTool("pr-route", arguments + ["--line-buffered", "--allow-unknown-users"], stdin: queries[0])
        #expect(both.status == 64 && both.err.contains("--line-buffered cannot take --allow-unknown-users"))
    }

    /// Lines written to pr-route's pipe in uneven pieces (cut mid-line, with pauses) are
    /// routed in batches of whatever has arrived; the routes are the bytes of one pass over
    /// the file, for every kind of model.
    @Test(arguments: ["anchored", "personalized", "knn", "mf"])
    func routesFromAPipeAreTheFileRoutesWhateverTheTiming(model: String) throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        let weights = model == "anchored" ? scratch.path("m.prw") : scratch.path("\(model).prw")
        if model != "anchored" {
            let train = try runTool("pr-train", ["--model", model, "--epochs", "3", "--hidden", "8", "-o", weights, scratch.path("g.prg")])
            #expect(train.status == 0, "\(train.err)")
        }
        // A user who is not in the graph joins with --support (context states computed at start-up).
        let history = try String(contentsOfFile: scratch.path("i.jsonl"), encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""user":"sweep-2""#) }.prefix(60).map { $0.replacingOccurrences(of: "sweep-2", with: "newcomer") }
        let support = try scratch.file("support.jsonl", history.joined(separator: "\n") + "\n")
        let lines = (0..<300).map { i in
            #"{"user":"\#(i % 5 == 4 ? "newcomer" : "sweep-\(i % 5 + 1)")","query":"What is \#(i % 41) times \#(i % 3)?","task":"math","query_id":"p\#(i)"}"#
        }
        let text = lines.joined(separator: "\n") + "\n"
        let file = try scratch.file("q.jsonl", text)
        let graph = ["--graph", scratch.path("g.prg"), "--weights", weights]
        for arguments in [graph + ["--support", support], graph] {
            let input = arguments.count > graph.count ? text : text.split(separator: "\n").filter { !$0.contains("newcomer") }.joined(separator: "\n")
            let whole = try runTool("pr-route", arguments + [arguments.count > graph.count ? file : try scratch.file("known.jsonl", input)])
            #expect(whole.status == 0 && whole.out.split(separator: "\n").count == input.split(separator: "\n").count, "\(whole.err)")
            let piped = try runToolTrickling("pr-route", arguments, input: input, seed: 11)
            #expect(piped.status == 0)
            #expect(piped.out == whole.out)
        }
    }

    @Test func linesTypedAtATerminalAreRoutedAsTheyAreTyped() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        let arguments = ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")]
        // util-linux's script(1) runs pr-route on a pseudo-terminal (standard input and
        // output) and passes on what is written to it; no --line-buffered.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ["\(productsDirectory())/pr-route"] + arguments
        process.arguments = ["-q", "-e", "-c", command.joined(separator: " "), "/dev/null"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // A pr-route that waited for the end of input fails the test instead of hanging it.
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { process.terminate() } }
        let query = #"{"user":"sweep-1","query":"What is 1 times 8?","task":"math","query_id":"t1"}"#
        feed(input, Data((query + "\n").utf8))
        // The terminal echoes the typed line; the route follows while input is still open.
        var seen = ""
        while !seen.contains(#""llm":"#) {
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { break }
            seen += String(decoding: more, as: UTF8.self)
        }
        #expect(process.isRunning)
        #expect(seen.contains(#"{"user":"sweep-1","query_id":"t1","llm":""#))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func emptyOutputsAreReportedNotErrors() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        let route = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")], stdin: "")
        #expect(route.status == 0 && route.out.isEmpty)
        #expect(route.err == "pr-route: warning: <stdin>: no queries to route: the output is empty\n")
        let sim = try runTool("pr-sim", ["--alpha", "1", "--beta", "0"], stdin: "\n")
        #expect(sim.status == 0 && sim.out.isEmpty && sim.err.hasPrefix("pr-sim: warning: <stdin>: no interactions written"))
        // A run with output says nothing.
        let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")],
                                 stdin: #"{"user":"sweep-1","query":"What is 2 times 8?","task":"math"}"#)
        #expect(routed.status == 0 && !routed.out.isEmpty && routed.err.isEmpty)
    }

    @Test func routesNewQueriesAndNewUsers() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        let arguments = ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")]
        let known = try runTool("pr-route", arguments, stdin: """
            {"user":"sweep-1","query":"What is 7 times 8?","task":"math","query_id":"new-1"}
            {"user":"sweep-4","query":"What is 9 plus 3?","task":"math"}
            """)
        #expect(known.status == 0, "\(known.err)")
        let ids = try decodeLines(known.out) { try $0.string("query_id") }
        #expect(ids == ["new-1", "line-2"])
        let stranger = #"{"user":"alice","query":"What is 2+2?","task":"math"}"#
        let unknown = try runTool("pr-route", arguments, stdin: stranger)
        #expect(unknown.status == 65)
        #expect(unknown.err.hasPrefix(#"pr-route: <stdin>:1: field "user": unknown user "alice""#))
        #expect(try runTool("pr-route", arguments + ["--allow-unknown-users"], stdin: stranger).status == 0)
        // An unknown user joins the context, which is then computed anew (not the weights').
        let train = try runTool("pr-train", ["--model", "personalized", "--epochs", "2", "--hidden", "8", "-o", scratch.path("p.prw"),
                                             scratch.path("g.prg")])
        #expect(train.status == 0, "\(train.err)")
        let mixed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("p.prw"), "--allow-unknown-users"],
                                stdin: stranger + "\n" + #"{"user":"sweep-1","query":"What is 2+2?","task":"math"}"#)
        #expect(mixed.status == 0, "\(mixed.err)")
        #expect(try decodeLines(mixed.out) { try $0.string("user") } == ["alice", "sweep-1"])
        let history = try runTool("pr-sim", ["--alpha", "1", "--beta", "0", "--user", "alice", "--queries-per-user", "3",
                                             scratch.path("responses.jsonl")])
        try scratch.file("alice.jsonl", history.out)
        let supported = try runTool("pr-route", arguments + ["--support", scratch.path("alice.jsonl")], stdin: stranger)
        #expect(supported.status == 0, "\(supported.err)")
        let badTask = try runTool("pr-route", arguments, stdin: #"{"user":"sweep-1","query":"x","task":"poetry"}"#)
        #expect(badTask.status == 65 && badTask.err.contains(#"field "task": unknown task "poetry""#))
    }

    @Test func newLLMsJoinFromSupportInteractions() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        let support = ["small", "medium", "large", "huge"].map { llm in
            #"{"user":"sweep-2","query_id":"s1","task":"math","query":"What is 6 times 7?","llm":"\#(llm)","performance":\#(llm == "huge" ? 1 : 0.5),"cost":0.01,"reward":\#(llm == "huge" ? 0.9 : 0.1),"best":\#(llm == "huge")}"#
        }
        try scratch.file("support.jsonl", support.joined(separator: "\n"))
        try scratch.file("new-llms.jsonl", #"{"llm":"huge","description":"a huge model","price_in":5,"price_out":15,"params_b":400}"#)
        let query = #"{"user":"sweep-2","query":"What is 3 times 4?","task":"math"}"#
        let arguments = ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), "--support", scratch.path("support.jsonl")]
        let missing = try runTool("pr-route", arguments, stdin: query)
        #expect(missing.status == 65 && missing.err.contains(#"field "llm": unknown LLM "huge": describe it with --llms"#))
        let routed = try runTool("pr-route", arguments + ["--llms", scratch.path("new-llms.jsonl")], stdin: query)
        #expect(routed.status == 0, "\(routed.err)")
        #expect(routed.out.contains(#""huge":"#))
    }

    @Test func trainingNeedsFeaturesAndWeightsMustMatchTheGraph() throws {
        let scratch = try Scratch()
        try Self.trainedWorld(scratch)
        #expect(try runTool("pr-build-graph", ["--seed", "2", "-o", scratch.path("bare.prg"), scratch.path("i.jsonl")]).status == 0)
        let bare = try runTool("pr-train", ["-o", scratch.path("x.prw"), scratch.path("bare.prg")])
        #expect(bare.status == 65 && bare.err == "pr-train: the graph has no node features: run pr-embed first\n")
        let wrong = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("g.prg"), "--split", "test"])
        #expect(wrong.status == 65 && wrong.err.contains("not a prouter weights file"))
        #expect(try runTool("pr-train", ["--layers", "6", "-o", scratch.path("x.prw"), scratch.path("g.prg")]).status == 64)
    }

    @Test func pipelineIsDeterministicEndToEnd() throws {
        let scratch = try Scratch()
        let responses = try scratch.file("responses.jsonl", Self.responses)
        func pipeline(_ tag: String) throws -> (interactions: String, graph: [UInt8], eval: String) {
            let sim = try runTool("pr-sim", ["--sweep", "5", "--queries-per-user", "12", "--seed", "3", "-o", scratch.path("i\(tag).jsonl"), responses])
            #expect(sim.status == 0 && sim.out.isEmpty)
            let build = try runTool("pr-build-graph", ["--seed", "4", "--new-users", "1", "--shots", "2", "-o", scratch.path("g\(tag).prg"), scratch.path("i\(tag).jsonl")])
            #expect(build.status == 0, "\(build.err)")
            let queries = try runTool("pr-build-graph", ["--export-queries", "test", scratch.path("g\(tag).prg")])
            #expect(queries.status == 0 && !queries.out.isEmpty)
            let routes = try decodeLines(queries.out) { record in
                #"{"user":"\#(try record.string("user"))","query_id":"\#(try record.string("query_id"))","llm":"large"}"#
            }
            let routeFile = try scratch.file("routes\(tag).jsonl", routes.joined(separator: "\n"))
            let eval = try runTool("pr-eval", ["--truth", scratch.path("i\(tag).jsonl"), routeFile])
            #expect(eval.status == 0, "\(eval.err)")
            return (try scratch.read("i\(tag).jsonl"), try FileIO.readAll(path: scratch.path("g\(tag).prg")), eval.out)
        }
        let first = try pipeline("1")
        let second = try pipeline("2")
        #expect(first.interactions == second.interactions)
        #expect(first.graph == second.graph)
        #expect(first.eval.replacingOccurrences(of: "routes1", with: "routes2") == second.eval)
        #expect(first.eval.hasPrefix(#"{"mode":"cost","queries":"#))
    }

    @Test func infoSummarizesAndCorruptionIsRejected() throws {
        let scratch = try Scratch()
        let interactions = try runTool("pr-sim", ["--sweep", "3"], stdin: Self.responses)
        try scratch.file("i.jsonl", interactions.out)
        #expect(try runTool("pr-build-graph", ["-o", scratch.path("g.prg"), scratch.path("i.jsonl")]).status == 0)
        let info = try runTool("pr-build-graph", ["--info", scratch.path("g.prg")])
        #expect(info.status == 0)
        let summary = try decodeLines(info.out) { record in
            (try record.string("mode"), try record.stringArray("edge_features"))
        }
        #expect(summary[0].0 == "cost" && summary[0].1 == ["perf_norm", "cost_norm"])
        #expect(info.out.contains(#""split":{"train":42,"val":6,"test":12,"support":0}"#))
        // --fold K/N: the test splits of one seed's N folds hold every query once.
        var tested = 0
        for k in 1...4 {
            #expect(try runTool("pr-build-graph", ["--fold", "\(k)/4", "-o", scratch.path("f\(k).prg"), scratch.path("i.jsonl")]).status == 0)
            let exported = try runTool("pr-build-graph", ["--export-queries", "test", scratch.path("f\(k).prg")])
            tested += exported.out.split(separator: "\n").count
            #expect(try runTool("pr-build-graph", ["--info", scratch.path("f\(k).prg")]).out.contains(#""fold":\#(k),"folds":4"#))
        }
        #expect(tested == 60)
        let badFold = try runTool("pr-build-graph", ["--fold", "5/4", "-o", scratch.path("x.prg"), scratch.path("i.jsonl")])
        #expect(badFold.status == 64 && badFold.err.hasPrefix(
            "pr-build-graph: The value '5/4' is invalid for '--fold <K/N>': give K/N with 2 <= N <= 1000000 and 1 <= K <= N, such as 1/5\n"))
        for split in ["70/x/10", "70/10", "0/50/50", "70/-1/31", "70/10/nan"] {
            let badSplit = try runTool("pr-build-graph", ["--split", split, "-o", scratch.path("x.prg"), scratch.path("i.jsonl")])
            #expect(badSplit.status == 64 && badSplit.err.hasPrefix("pr-build-graph: The value '\(split)' is invalid for '--split <t/v/t>': give three numbers"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.prg")))

        var bytes = try FileIO.readAll(path: scratch.path("g.prg"))
        bytes[bytes.count / 2] ^= 0xFF
        try FileIO.writeAtomically(bytes, to: scratch.path("bad.prg"))
        let bad = try runTool("pr-build-graph", ["--info", scratch.path("bad.prg")])
        #expect(bad.status == 65)
        #expect(bad.err.contains("bad.prg: corrupted: checksum mismatch in section"))
        try FileIO.writeAtomically(Array(bytes[0..<100]), to: scratch.path("short.prg"))
        let short = try runTool("pr-build-graph", ["--info", scratch.path("short.prg")])
        #expect(short.status == 65 && short.err.contains("short.prg: truncated"))
    }

    @Test func failedBuildLeavesNoOutputFile() throws {
        let scratch = try Scratch()
        let result = try runTool("pr-build-graph", ["-o", scratch.path("g.prg")], stdin: "{\"user\":1}\n")
        #expect(result.status == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory).isEmpty)
        let sim = try runTool("pr-sim", ["--alpha", "1", "--beta", "1", "-o", scratch.path("i.jsonl")], stdin: "{}\n")
        #expect(sim.status == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory).isEmpty)
    }

    @Test func evalTableComparesFilesSideBySide() throws {
        let scratch = try Scratch()
        try scratch.file("i.jsonl", try runTool("pr-sim", ["--sweep", "2"], stdin: Self.responses).out)
        let large = (0..<20).map { #"{"user":"sweep-1","query_id":"q\#($0)","llm":"large"}"# }.joined(separator: "\n")
        let small = large.replacingOccurrences(of: "large", with: "small")
        try scratch.file("large.jsonl", large)
        try scratch.file("small.jsonl", small)
        let result = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--format", "table",
                                             scratch.path("large.jsonl"), scratch.path("small.jsonl")])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "cost mode, 20 queries")
        #expect(lines[1].split(separator: " ") == ["system", "queries", "reward", "oracle", "ratio", "accuracy", "cost_usd", "gap", "aiq", "vs", "first"])
        // The first file is the reference; every other row says how far it is from it, with a standard error.
        #expect(lines[2].hasSuffix(" ref"))
        #expect(lines[3].contains("small.jsonl") && lines[3].range(of: #"[+-]\d+\.\d\d ±\d+\.\d\d$"#, options: .regularExpression) != nil)
        #expect(lines.filter { !$0.hasPrefix("vs first:") && ($0.contains("large.jsonl") || $0.contains("small.jsonl")) }.count == 2)
        #expect(lines.contains { $0.hasPrefix("oracle ") && $0.contains("100.00%") })
        // Every query of the truth is routed: the fitted baselines learned from the pairs they
        // are scored on, and the table, the legend and a warning say so.
        #expect(result.err.contains("i.jsonl: no queries outside the evaluated ones, so single-best and the other fitted baselines"),
                "\(result.err)")
        #expect(lines.contains { $0.hasPrefix("table-user-task [in-sample] ") } && !lines.contains { $0.hasPrefix("oracle [in-sample]") })
        #expect(lines.contains("[in-sample]: fitted on the evaluated pairs themselves (the truth has no other queries): optimistic."))
        // Half the queries routed: the baselines are fitted on the other half, with no warning.
        try scratch.file("half.jsonl", large.split(separator: "\n").prefix(10).joined(separator: "\n"))
        let half = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--format", "csv", scratch.path("half.jsonl")])
        #expect(half.status == 0 && half.err.isEmpty && !half.out.contains("[in-sample]"), "\(half.err)")
        #expect(half.out.split(separator: "\n").first { $0.hasPrefix("baseline,table-user,") }?.hasSuffix(",held-out") == true, "\(half.out)")

        // The same as CSV: a row per system, baseline and user, numbers that parse.
        let csv = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--format", "csv", "--per-user",
                                          scratch.path("large.jsonl"), scratch.path("small.jsonl")])
        #expect(csv.status == 0)
        let rows = csv.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0].joined(separator: ",")
                == "kind,name,llm,user,queries,reward,oracle_reward,ratio_to_oracle,accuracy,total_cost,mean_performance,gap_closed,aiq,"
                   + "versus_first_difference,versus_first_standard_error,fit")
        #expect(rows.dropFirst().allSatisfy { $0.count == rows[0].count })
        #expect(rows.filter { $0[0] == "system" }.count == 2 && rows.filter { $0[0] == "user" }.count == 2)
        let oracle = try #require(rows.first { $0[1] == "oracle" })
        #expect(rows.first { $0[1] == "table-user" }?.last == "all" && oracle.last == "")
        #expect(Double(oracle[7]) == 1 && Int(oracle[4]) == 20)
        #expect(EvaluationReport.csvField("a,\"b\"") == "\"a,\"\"b\"\"\"")
    }
}
