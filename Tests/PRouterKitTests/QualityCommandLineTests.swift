import Foundation
import Testing
@testable import PRouterKit

/// Promises of the quality work, checked through the tools in separate processes.
@Suite struct QualityCommandLineTests {
    /// Unset in the tools' environment, so that each process hashes with its own random seed.
    static let randomHashing = ["SWIFT_DETERMINISTIC_HASHING"]

    @Test func embeddingIsByteIdenticalAcrossProcesses() throws {
        let scratch = try Scratch()
        // Many distinct words, so that n-grams share hash buckets.
        let lines = (0..<60).flatMap { q in
            ["small", "medium", "large"].map { llm in
                #"{"query_id":"q\#(q)","task":"t\#(q % 3)","query":"Explain word\#(q) and topic\#(q * 7 % 13) with care, quickly, in \#(q % 5 + 2) steps","llm":"\#(llm)","performance":0.5,"cost":0.01}"#
            }
        }
        try scratch.file("responses.jsonl", lines.joined(separator: "\n"))
        #expect(try runTool("pr-sim", ["--sweep", "2", "-o", scratch.path("i.jsonl"), scratch.path("responses.jsonl")]).status == 0)
        try scratch.file("tasks.jsonl", (0..<3).map { #"{"task":"t\#($0)","description":"task number \#($0), with words"}"# }.joined(separator: "\n"))
        try scratch.file("llms.jsonl", ["small", "medium", "large"].map { #"{"llm":"\#($0)","description":"a \#($0) model","price_in":1,"price_out":2}"# }
            .joined(separator: "\n"))
        var graphs: [[UInt8]] = []
        for run in 0..<3 {
            let graph = scratch.path("g\(run).prg")
            #expect(try runTool("pr-build-graph", ["-o", graph, scratch.path("i.jsonl")]).status == 0)
            let embed = try runTool("pr-embed", ["--dim", "8", "--tasks", scratch.path("tasks.jsonl"), "--llms", scratch.path("llms.jsonl"), "--in-place", graph],
                                    unset: Self.randomHashing)
            #expect(embed.status == 0, "\(embed.err)")
            graphs.append(try FileIO.readAll(path: graph))
        }
        #expect(graphs[0] == graphs[1] && graphs[1] == graphs[2])
    }

    /// What-if through the model: the what-if user's history is simulated with the new
    /// weights on training queries, the test queries are routed for both users and scored
    /// under the new weights.
    @Test func whatIfAsksTheModel() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        func whatIf(_ alpha: String, _ beta: String) throws -> (status: Int32, out: String, err: String) {
            try runTool("/usr/bin/env", ["python3", "\(examplesDirectory)/what-if.py", "--bin", productsDirectory(),
                            "--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"),
                            "--responses", scratch.path("responses.jsonl"), "--llms", scratch.path("llms.jsonl"),
                            "--user", "sweep-1", "--alpha", alpha, "--beta", beta, "--support-queries", "3"])
        }
        let result = try whatIf("0.1", "0.9")
        #expect(result.status == 0, "\(result.err)")
        let output = result.out.split(separator: "\n").map(String.init)
        let test = Set(try decodeLines(try runTool("pr-build-graph", ["--export-queries", "test", scratch.path("g.prg")]).out) {
            try $0.string("query_id")
        })
        let rows = try decodeLines(output.dropLast().joined(separator: "\n")) { try $0.string("query_id") }
        #expect(Set(rows) == test && rows.count == test.count)
        let summary = try decodeLines(output.last!) { try $0.object("summary").integer("evaluated_queries") }
        #expect(summary == [test.count])
        #expect(output.last!.contains(#""support_queries": 3"#) && output.last!.contains(#""cost_change""#))
        // The weights are checked by pr-sim, with its message and status.
        let zero = try whatIf("0", "0")
        #expect(zero.status == 64 && zero.err.contains("--alpha and --beta are both 0"))
    }

    /// Cron rescoring: an interactions log routes once per (user, query); with --keep-going
    /// bad lines are skipped into the errors file, the rest routed, and the exit status is 65.
    @Test func routeRescoresALogAndKeepsGoingPastBadLines() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        let text = try String(contentsOfFile: scratch.path("i.jsonl"), encoding: .utf8)
        let log = text.split(separator: "\n").map(String.init)
        let pairs = Set(try decodeLines(text) { [try $0.string("user"), try $0.string("query_id")] })
        #expect(log.count > pairs.count)
        let bad = [#"{"user":"stranger","query_id":"x","query":"hi","task":"math","llm":"small"}"#, "{not json"]
        try scratch.file("log.jsonl", (Array(log.prefix(5)) + bad + log.dropFirst(5)).joined(separator: "\n"))
        let strict = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), scratch.path("log.jsonl")])
        #expect(strict.status == 65 && strict.out.isEmpty && strict.err.contains("log.jsonl:6: field \"user\""))
        let lenient = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), "--keep-going",
                                               "--errors", scratch.path("errors.jsonl"), "-o", scratch.path("routes.jsonl"), scratch.path("log.jsonl")])
        #expect(lenient.status == 65 && lenient.err.contains("2 bad lines skipped"), "\(lenient.err)")
        let routed = try decodeLines(try String(contentsOfFile: scratch.path("routes.jsonl"), encoding: .utf8)) {
            [try $0.string("user"), try $0.string("query_id")]
        }
        #expect(routed.count == pairs.count && Set(routed) == pairs)
        let errors = try decodeLines(try String(contentsOfFile: scratch.path("errors.jsonl"), encoding: .utf8)) {
            (try $0.number("line"), try $0.string("error"))
        }
        #expect(errors.map(\.0) == [6, 7] && errors[0].1.contains("unknown user") && errors[1].1.contains("invalid JSON"))
        let evaluated = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), scratch.path("routes.jsonl")])
        #expect(evaluated.status == 0, "\(evaluated.err)")
    }

    /// Each (user, query id) is routed once: a query line and log lines for the same pair,
    /// an explicit id that another line got by default, and log lines of one pair whose
    /// task or text differ are errors naming both lines.
    @Test func routeRoutesEachPairOnceAndRefusesConflictingLogLines() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        let log = try String(contentsOfFile: scratch.path("i.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        let first = try JSONLReader(path: try scratch.file("one.jsonl", log[0] + "\n")).decodeAll { record in
            (try record.string("user"), try record.string("query_id"), try record.string("query"), try record.string("task"))
        }[0]
        let arguments = ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")]
        let plain = #"{"user":"\#(first.0)","query_id":"\#(first.1)","query":"\#(first.2)","task":"\#(first.3)"}"#
        let mixed = try runTool("pr-route", arguments, stdin: plain + "\n" + log[0] + "\n")
        #expect(mixed.status == 65 && mixed.err.contains(":2: field \"query_id\"") && mixed.err.contains("routed already (line 1)"), "\(mixed.err)")
        let byDefault = #"{"user":"\#(first.0)","query":"\#(first.2)","task":"\#(first.3)"}"#
        let explicit = #"{"user":"\#(first.0)","query_id":"line-1","query":"other","task":"\#(first.3)"}"#
        let collision = try runTool("pr-route", arguments, stdin: byDefault + "\n" + explicit + "\n")
        #expect(collision.status == 65 && collision.err.contains("query \"line-1\" are routed already (line 1)"), "\(collision.err)")
        let changed = log[1].replacingOccurrences(of: #""query":""#, with: #""query":"changed "#)
        let conflict = try runTool("pr-route", arguments, stdin: log[0] + "\n" + changed + "\n")
        #expect(conflict.status == 65 && conflict.err.contains(":2: field \"query\": the task or query text"), "\(conflict.err)")
        // The log's own lines, one per response, still give one route per pair.
        let head = log.prefix(6).joined(separator: "\n") + "\n"
        let pairs = Set(try decodeLines(head) { [try $0.string("user"), try $0.string("query_id")] })
        let whole = try runTool("pr-route", arguments, stdin: head)
        #expect(whole.status == 0 && whole.out.split(separator: "\n").count == pairs.count && pairs.count < 6, "\(whole.err)")
    }

    @Test func evalPrintsTablePoliciesAndTrainWarnsBelowATable() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        let eval = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "--format", "table", "--queries", "/dev/stdin"],
                               stdin: #"{"user":"sweep-1","query_id":"q3"}"#)
        #expect(eval.status == 0, "\(eval.err)")
        for name in ["table-user-task", "table-user", "table-task", "single-best"] { #expect(eval.out.contains(name)) }
        // A model that cannot beat the table (mlp trained one epoch) is flagged, in JSON too.
        let mlp = try runTool("pr-train", ["--model", "mlp", "--epochs", "1", "--log-json", "-o", scratch.path("mlp.prw"), scratch.path("g.prg")],
                              unset: Self.randomHashing)
        #expect(mlp.status == 0)
        #expect(mlp.err.contains(#"{"warning":"worse-than-table""#))
        // With the difference's standard error, clustered by query, so that noise can be told apart.
        let warning = try #require(mlp.err.split(separator: "\n").first { $0.contains("worse-than-table") })
        let error = try #require(try decodeLines(String(warning)) { try $0.number("standard_error") }.first)
        #expect(error > 0 && error.isFinite)
        let plain = try runTool("pr-train", ["--model", "mlp", "--epochs", "1", "-o", scratch.path("mlp.prw"), scratch.path("g.prg")],
                                unset: Self.randomHashing)
        #expect(plain.err.contains("(standard error of the difference "), "\(plain.err)")
        let table = try runTool("pr-train", ["--model", "table", "-o", scratch.path("t.prw"), scratch.path("g.prg")])
        #expect(table.status == 0 && !table.err.contains("warning"), "\(table.err)")
        let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("t.prw"), "--split", "test"])
        #expect(routed.status == 0 && !routed.out.isEmpty)
    }

    /// Two new users who differ only in alpha/beta, attached by --support from the same
    /// responses: the cost-averse one gets cheaper routes, the quality seeker better ones.
    @Test func personalizationGoesTheRightWay() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        let cost = ["small": 0.001, "medium": 0.01, "large": 0.1]
        let quality = ["small": 0.35, "medium": 0.6, "large": 0.9]
        var meanCost: [String: Double] = [:], meanQuality: [String: Double] = [:]
        for (user, alpha) in [("saver", 0.1), ("seeker", 1.0)] {
            let support = try runTool("pr-sim", ["--alpha", String(alpha), "--beta", String(1 - alpha), "--user", user,
                                                 "--queries-per-user", "8", "--seed", "5", scratch.path("responses.jsonl")])
            #expect(support.status == 0)
            try scratch.file("\(user).jsonl", support.out)
            let queries = (0..<12).map { #"{"user":"\#(user)","query":"What is \#($0 + 11) times \#($0 + 3), step by step?","task":"math"}"# }
            let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"),
                                                  "--support", scratch.path("\(user).jsonl")], stdin: queries.joined(separator: "\n"))
            #expect(routed.status == 0, "\(routed.err)")
            let llms = try decodeLines(routed.out) { try $0.string("llm") }
            #expect(llms.count == 12)
            meanCost[user] = llms.map { cost[$0]! }.reduce(0, +) / 12
            meanQuality[user] = llms.map { quality[$0]! }.reduce(0, +) / 12
        }
        #expect(meanCost["saver"]! < meanCost["seeker"]!)
        #expect(meanQuality["seeker"]! > meanQuality["saver"]!)
    }
}
