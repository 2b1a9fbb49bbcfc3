import Foundation
import Testing
@testable import PRouterKit

/// The example scripts as users run them: under cron's bare environment, with the tools
/// found next to the script (as `make install` puts them), and failing with one line.
@Suite struct ScriptTests {
    static let examples = examplesDirectory

    /// A trained model (the table by default) on a world (the example's by default, each
    /// user asking `sample`'s queries) and its interactions log, in `scratch`.
    static func trainedWorld(_ scratch: Scratch, model: String = "table", world: String = "\(examples)/data",
                             sample: [String] = ["--queries-per-user", "40"]) throws -> (graph: String, weights: String, log: String) {
        let log = scratch.path("a=b.jsonl")  // a name awk would read as an assignment
        let simulated = try runTool("pr-sim", ["--users", "\(world)/users.jsonl", "--llms", "\(world)/llms.jsonl"] + sample
                                        + ["-o", log, "\(world)/responses.jsonl"])
        #expect(simulated.status == 0, "\(simulated.err)")
        #expect(try runTool("pr-build-graph", ["-q", "-o", scratch.path("g.prg"), log]).status == 0)
        #expect(try runTool("pr-embed", ["--llms", "\(world)/llms.jsonl", "--tasks", "\(world)/tasks.jsonl",
                                         "--in-place", scratch.path("g.prg")]).status == 0)
        let trained = try runTool("pr-train", ["--model", model, "-q", "-o", scratch.path("m.prw"), scratch.path("g.prg")])
        // The table model routes by the level it chose: never "below the table policy".
        #expect(trained.status == 0 && (model != "table" || !trained.err.contains("warning")), "\(trained.err)")
        return (scratch.path("g.prg"), scratch.path("m.prw"), log)
    }

    @Test func rescoreRunsUnderCronsEnvironmentAndFindsTheToolsNextToItself() throws {
        let scratch = try Scratch()
        let world = try Self.trainedWorld(scratch)
        // One bad line in the log: skipped, counted, and left out of the truth.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: world.log))
        handle.seekToEndOfFile()
        handle.write(Data("{\"user\":\"nobody\"}\n".utf8))
        try handle.close()
        let bin = scratch.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for tool in ["pr-route", "pr-eval"] { symlink("\(productsDirectory())/\(tool)", "\(bin)/\(tool)") }
        try FileManager.default.copyItem(atPath: "\(Self.examples)/rescore.sh", toPath: "\(bin)/pr-rescore")
        let history = scratch.path("history.csv")
        let run = try runTool("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "\(bin)/pr-rescore", world.graph, world.weights, world.log, history])
        #expect(run.status == 65, "\(run.err)")  // pr-route's: a line was skipped
        let lines = try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("date,log,routed,skipped") && lines[1].contains(",1,"), "\(lines)")
        // Without the tools anywhere it looks: one line, 69.
        try FileManager.default.copyItem(atPath: "\(Self.examples)/rescore.sh", toPath: scratch.path("lonely.sh"))
        let lonely = try runTool("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "/bin/bash", scratch.path("lonely.sh"), world.graph, world.weights,
                                                  world.log, history])
        #expect(lonely.status == 69 && lonely.err.contains("cannot find pr-route"))
        // A history in a missing directory, or a directory: 73 before any work.
        for bad in [scratch.path("missing/history.csv"), scratch.directory] {
            let refused = try runTool("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "\(bin)/pr-rescore", world.graph, world.weights, world.log, bad])
            #expect(refused.status == 73 && refused.err.contains("cannot write the history"), "\(refused.err)")
        }
    }

    /// `make` stops at once with the apt-get line when a system package is missing.
    @Test func missingSystemPackagesStopTheBuildWithTheInstallLine() throws {
        let scratch = try Scratch()
        let fakes = scratch.path("fakes")
        try FileManager.default.createDirectory(atPath: fakes, withIntermediateDirectories: true)
        // dpkg-query that knows no package, and a pkg-config that is there.
        for (name, body) in [("dpkg-query", "exit 1"), ("pkg-config", "exit 0")] {
            try "#!/bin/sh\n\(body)\n".write(toFile: "\(fakes)/\(name)", atomically: true, encoding: .utf8)
            chmod("\(fakes)/\(name)", 0o755)
        }
        let script = URL(fileURLWithPath: Self.examples).deletingLastPathComponent().appendingPathComponent(".ci/check-deps").path
        let missing = try runTool("/usr/bin/env", ["-i", "PATH=\(fakes):/usr/bin:/bin", "/bin/bash", script])
        #expect(missing.status == 69 && missing.err.contains("missing system packages: libjansson-dev libopenblas-dev"))
        #expect(missing.err.contains("sudo apt-get install -y --no-install-recommends pkg-config libjansson-dev libopenblas-dev"))
        // On this machine, which builds, nothing is missing.
        #expect(try runTool("/bin/bash", [script]).status == 0)
    }
    /// The robustness summary pairs each run with the best table of its world seed,
    /// reports the worst seed with pr-eval's standard error of that difference, and how
    /// many runs the test queries' noise alone would put below each bar.
    @Test func robustnessSummaryReportsTheWorstSeedAndTheMissesNoiseExplains() throws {
        let scratch = try Scratch()
        func report(_ figure: Double, tableSE: Double) -> String {
            #"{"systems":[{"ratio_to_oracle":\#(figure)}],"baselines":[{"name":"table-user","ratio_to_oracle":0.8,"#
                + #""versus_first":{"standard_error":\#(tableSE)}},{"name":"ridge","ratio_to_oracle":0.7,"versus_first":{"standard_error":0.01}}]}"#
        }
        // Seed 1: 0.5 points above the table; seed 2: 3 points below it, with a standard error of 1 point.
        for (seed, figure, error) in [("1", 0.805, 0.02), ("2", 0.77, 0.01)] {
            let directory = scratch.path("out/w/\(seed)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try report(0.8, tableSE: 0).write(toFile: "\(directory)/baselines.json", atomically: true, encoding: .utf8)
            try report(figure, tableSE: error).write(toFile: "\(directory)/m-0.json", atomically: true, encoding: .utf8)
        }
        let summary = "\(Self.examples)/robustness_summary.py"
        let world = try runTool("/usr/bin/env", ["python3", summary, scratch.path("out/w"), "w", "cost", "m", "0", "1 2"])
        #expect(world.status == 0, "\(world.err)")
        #expect(world.out.contains("78.75%") && world.out.contains("-1.25( -3.00)"), "\(world.out)")
        let suite = try runTool("/usr/bin/env", ["python3", summary, "--suite", scratch.path("out"), "w", "m"])
        #expect(suite.out.contains("m: worst seed below best table - 0.5 in 1 of 1 worlds (w -3.00 \u{b1}1.00); more than 2 standard errors below in 1 (w)"),
                "\(suite.out)")
        #expect(suite.out.contains("m: worst seed below ridge - 0.5 in 0 of 1 worlds (none)"), "\(suite.out)")
        // Noise alone: the world's mean difference is -1.25 points, so a run with a standard
        // error of 2 points falls below -0.5 with probability Phi(0.375) = 0.646, one with 1
        // point with Phi(0.75) = 0.773; against the ridge (+8.75, standard error 1) never.
        #expect(suite.out.contains("m: runs below best table - 0.5: 1 of 2; expected from the test queries' noise alone: 1.4"),
                "\(suite.out)")
        #expect(suite.out.contains("m: runs below ridge - 0.5: 0 of 2; expected from the test queries' noise alone: 0.0"),
                "\(suite.out)")
    }

    /// With FOLDS=N, a world seed's figures are its folds' pooled by their shares of the
    /// Oracle's reward, and the standard errors of the independent folds combine.
    @Test func robustnessSummaryPoolsFolds() throws {
        let scratch = try Scratch()
        func entry(_ name: String, _ figure: Double, queries: Int, oracle: Double, error: Double?) -> String {
            let versus = error.map { #","versus_first":{"standard_error":\#($0)}"# } ?? ""
            return #"{"name":"\#(name)","queries":\#(queries),"oracle_reward":\#(oracle),"ratio_to_oracle":\#(figure)\#(versus)}"#
        }
        // Shares 10 x 0.2 : 30 x 0.1 = 0.4 : 0.6. The model: 0.4 x 0.9 + 0.6 x 0.6 = 0.72; the
        // user table 0.4 x 0.8 + 0.6 x 0.7 = 0.74 (the best table; the task table pools to
        // 0.73 though it wins fold 1); the ridge 0.7.
        for (fold, queries, oracle, model, user, task, error) in [(1, 10, 0.2, 0.9, 0.8, 0.85, 0.02), (2, 30, 0.1, 0.6, 0.7, 0.65, 0.04)] {
            let directory = scratch.path("out/f/1/fold-\(fold)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let tables = [entry("table-user", user, queries: queries, oracle: oracle, error: error),
                          entry("table-task", task, queries: queries, oracle: oracle, error: error),
                          entry("ridge", 0.7, queries: queries, oracle: oracle, error: 0.01)].joined(separator: ",")
            try #"{"baselines":[\#(tables)]}"#.write(toFile: "\(directory)/baselines.json", atomically: true, encoding: .utf8)
            try #"{"systems":[\#(entry("m", model, queries: queries, oracle: oracle, error: nil))],"baselines":[\#(tables)]}"#
                .write(toFile: "\(directory)/m-0.json", atomically: true, encoding: .utf8)
        }
        let summary = "\(Self.examples)/robustness_summary.py"
        let world = try runTool("/usr/bin/env", ["python3", summary, scratch.path("out/f"), "f", "cost", "m", "0", "1"])
        #expect(world.status == 0, "\(world.err)")
        #expect(world.out.contains("72.00%") && world.out.contains("-2.00( -2.00)  +2.00( +2.00)") && world.out.contains("best table       74.00%"),
                "\(world.out)")
        // The pooled standard error: sqrt((0.4 x 2)^2 + (0.6 x 4)^2) = 2.53 points.
        let suite = try runTool("/usr/bin/env", ["python3", summary, "--suite", scratch.path("out"), "f", "m"])
        #expect(suite.out.contains("(f -2.00 \u{b1}2.53)"), "\(suite.out)")
    }

    /// The start's calibration reads the anchored weights file's record of the start and
    /// pr-eval's figures of the anchored and table models on the run's test queries.
    @Test func startCalibrationPairsTheCrossValidatedGainWithTheTestGain() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        let run = scratch.path("out/w/1")
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        #expect(try runTool("pr-train", ["-q", "--model", "table", "-o", "\(run)/table-0.prw", scratch.path("g.prg")]).status == 0)
        try FileManager.default.copyItem(atPath: scratch.path("m.prw"), toPath: "\(run)/anchored-0.prw")
        var rewards: [Double] = []
        for model in ["anchored", "table"] {
            let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", "\(run)/\(model)-0.prw", "--split", "test",
                                                  "-o", "\(run)/\(model)-0.jsonl"])
            #expect(routed.status == 0, "\(routed.err)")
            let evaluated = try runTool("pr-eval", ["--truth", scratch.path("i.jsonl"), "-o", "\(run)/\(model)-0.json", "\(run)/\(model)-0.jsonl"])
            #expect(evaluated.status == 0, "\(evaluated.err)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/\(model)-0.json"))) as! [String: Any]
            rewards.append((report["systems"] as! [[String: Any]])[0]["reward"] as! Double)
        }
        let calibration = try runTool("/usr/bin/env", ["python3", "\(Self.examples)/start_calibration.py", scratch.path("out")])
        #expect(calibration.status == 0, "\(calibration.err)")
        let test = String(format: "%+.4f", rewards[0] - rewards[1])
        #expect(calibration.out.hasPrefix("cost: 1 runs, cross-validated gain over the table ") && calibration.out.contains(", on the test queries \(test)\n"),
                "\(calibration.out)")
        #expect(calibration.out.contains("per world: runs, cross-validated gain, test gain\n  w                   1 "), "\(calibration.out)")
        // A suite without anchored runs is an error, not an empty report.
        let empty = try runTool("/usr/bin/env", ["python3", "\(Self.examples)/start_calibration.py", scratch.directory])
        #expect(empty.status == 1 && empty.err.contains("no run has anchored and table weights"), "\(empty.err)")
    }

    /// The latent-topic generator (built unlike generate_varied_world.py, for the suite's
    /// latent-* worlds) writes the same bytes for the same arguments, and a world whose
    /// made-up words tell the LLMs apart: on queries no user asked in training, pr-eval's
    /// ridge on the words and the default model both route better than every table.
    @Test func latentWorldIsDeterministicAndItsWordsRoute() throws {
        let scratch = try Scratch()
        let generator = "\(Self.examples)/generate_latent_world.py"
        let shape = ["--seed", "1", "--llms", "6", "--users", "10", "--tasks", "2", "--queries", "60", "--topic-skill", "1.2"]
        for copy in ["a", "b"] {
            let generated = try runTool("/usr/bin/env", ["python3", generator, "--out", scratch.path(copy)] + shape)
            #expect(generated.status == 0, "\(generated.err)")
        }
        for file in ["tasks", "llms", "responses", "users", "labels"] {
            #expect(try scratch.read("a/\(file).jsonl") == scratch.read("b/\(file).jsonl"), "\(file).jsonl")
        }
        let trained = try Self.trainedWorld(scratch, model: "anchored", world: scratch.path("a"), sample: [])
        let routes = scratch.path("r.jsonl")
        #expect(try runTool("pr-route", ["--graph", trained.graph, "--weights", trained.weights, "--split", "test", "-o", routes]).status == 0)
        let evaluated = try runTool("pr-eval", ["--truth", trained.log, routes])
        #expect(evaluated.status == 0, "\(evaluated.err)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.out.utf8)) as! [String: Any]
        var figures: [String: Double] = [:]
        for entry in (report["systems"] as! [[String: Any]]) + (report["baselines"] as! [[String: Any]]) {
            figures[entry["name"] as! String] = entry["ratio_to_oracle"] as? Double
        }
        let bestTable = figures.filter { $0.key.hasPrefix("table-") || $0.key == "single-best" }.values.max()!
        let model = figures[routes]!
        #expect(figures["ridge"]! > bestTable + 0.02 && model > bestTable + 0.02, "\(figures)")
    }
}
