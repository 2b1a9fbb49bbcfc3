import Foundation
import Testing
import ArgumentParser
import PRouterCLI
@testable import PRouterKit
@testable import PRouterEvaluation
@testable import PRouterSimulation

/// Hardening promises, each checked on the real executables: bounds before allocation,
/// exit statuses, readable messages, stale temporary files, locks, lost output.
@Suite struct HardeningTests {
    @Test func sizesFromTheCommandLineAreBoundedBeforeAnyWork() throws {
        let train = try runTool("pr-train", ["--hidden", "1000000", "-o", "/nonexistent/m.prw", "missing.prg"])
        #expect(train.status == 64 && train.err.contains("--hidden must be at most 4096"))
        let sim = try runTool("pr-sim", ["--sweep", "100000000000", "missing.jsonl"])
        #expect(sim.status == 64 && sim.err.contains("--sweep must be in 1...1000000"))
    }

    @Test func negativeValuesGetTheRangeMessage() throws {
        let result = try runTool("pr-sim", ["--alpha", "-1", "--beta", "0.5", "missing.jsonl"])
        #expect(result.status == 64 && result.err.contains("--alpha must be a number >= 0"))
        let zero = try runTool("pr-sim", ["--alpha", "0", "--beta", "0", "missing.jsonl"])
        #expect(zero.status == 64 && zero.err.contains("both 0"))
        let scratch = try Scratch()
        let users = try scratch.file("users.jsonl", #"{"user":"u","alpha":0,"beta":0}"#)
        let responses = try scratch.file("responses.jsonl", responseLine("q0", "a", perf: 0.5, cost: 0.01))
        let file = try runTool("pr-sim", ["--users", users, responses])
        #expect(file.status == 65 && file.err.contains("users.jsonl:1: field \"alpha\": alpha and beta are both 0"))
    }

    /// A directory (or an empty name) as output is 73 before the work starts (the graph
    /// does not even exist); a directory as input is 66.
    @Test func outputAndInputDirectoriesGetTheirStatuses() throws {
        let scratch = try Scratch()
        let train = try runTool("pr-train", ["-o", scratch.directory, scratch.path("missing.prg")])
        #expect(train.status == 73 && train.err.contains("\(scratch.directory): cannot create: is a directory"))
        let empty = try runTool("pr-train", ["-o", "", scratch.path("missing.prg")])
        #expect(empty.status == 73 && empty.err.contains("empty file name"))
        let input = try runTool("pr-build-graph", ["-o", scratch.path("g.prg"), scratch.directory])
        #expect(input.status == 66 && input.err.contains("\(scratch.directory): cannot open: is a directory"))
    }

    @Test func helpToAFullDiskFails() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        for tool in ["pr-train", "pr-sim", "pr-route"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "\(productsDirectory())/\(tool)")
            process.arguments = ["--help"]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 74, "\(tool) --help > /dev/full")
        }
    }

    /// A temporary file left by a writer that died before renaming is removed by the next
    /// write of the same output; one whose writer still runs is left alone.
    @Test func staleTemporaryFilesAreRemoved() throws {
        let scratch = try Scratch()
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let stale = scratch.path("g.prg.tmp.\(dead.processIdentifier)")
        let live = scratch.path("g.prg.tmp.\(getppid())")
        try scratch.file("g.prg.tmp.\(dead.processIdentifier)", "half a graph")
        try scratch.file("g.prg.tmp.\(getppid())", "being written")
        try FileIO.writeAtomically(Array("graph".utf8), to: scratch.path("g.prg"))
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(try String(contentsOfFile: scratch.path("g.prg"), encoding: .utf8) == "graph")
    }

    @Test func longValuesAreCutInMessages() throws {
        let scratch = try Scratch()
        let huge = String(repeating: "x", count: 100_000)
        let users = try scratch.file("users.jsonl", #"{"user":"u","alpha":"\#(huge)","beta":0.5}"# + "\n")
        let responses = try scratch.file("responses.jsonl", responseLine("q0", "a", perf: 0.5, cost: 0.01) + "\n")
        let result = try runTool("pr-sim", ["--users", users, responses])
        #expect(result.status == 65)
        #expect(result.err.contains("users.jsonl:1") && result.err.contains("alpha") && result.err.count < 1_000)
        #expect(clippedForDisplay("id \"\(huge)\" unknown").contains("...(100000 characters)\" unknown"))
    }

    @Test func anIntegerTooBigNamesItsField() throws {
        let scratch = try Scratch()
        let path = try scratch.file("c.jsonl", #"{"conversation":"c","turn": 9223372036854775808}"# + "\n")
        let result = try runTool("pr-sim", ["multi-turn", "--users", path, path])
        #expect(result.status == 65 && result.err.contains("c.jsonl:1: field \"turn\""))
    }

    /// Two runs appending to one labels file (an overlapping cron job): the second is
    /// refused with 75 while the first holds the file.
    @Test func resumableOutputsAreLocked() throws {
        let scratch = try Scratch()
        let path = scratch.path("labels.jsonl")
        let first = try AppendLog(path: path)
        do {
            _ = try AppendLog(path: path)
            Issue.record("a second writer was let in")
        } catch let error as FileError {
            #expect(error.status == .temporaryFailure && error.description.contains("another run is appending"))
        }
        _ = first
    }

    /// A child process started while a labels file is open (by `posix_spawn`, which
    /// passes on every descriptor not marked close-on-exec) does not inherit it, so the
    /// lock goes when the file is closed, not when the child exits. (Other tests spawn
    /// tools meanwhile, and each of those children holds every descriptor for the moment
    /// before it execs; hence a few tries, seconds short of the child's 30.)
    @Test func childProcessesDoNotInheritTheLock() throws {
        let scratch = try Scratch()
        let path = scratch.path("labels.jsonl")
        var first: AppendLog? = try AppendLog(path: path)
        var child: pid_t = 0
        let words: [String] = ["/bin/sleep", "30"]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        #expect(posix_spawn(&child, "/bin/sleep", nil, nil, arguments, environ) == 0)
        defer {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        #expect(first?.isFile == true)
        first = nil
        var reopened: AppendLog?
        for _ in 0..<50 where reopened == nil {
            reopened = try? AppendLog(path: path)
            if reopened == nil { usleep(100_000) }
        }
        #expect(reopened?.isFile == true)
    }

    /// A bad label anywhere in the file is reported before any interaction is written.
    @Test func badLabelsWriteNothing() throws {
        let scratch = try Scratch()
        let responses = try scratch.file("responses.jsonl", (0..<50).flatMap { q in
            ["a", "b"].map { responseLine("q\(q)", $0, perf: 0.5, cost: 0.01) }
        }.joined(separator: "\n"))
        let good = (0..<49).map { #"{"user":"u","query_id":"q\#($0)","best_llm":"a"}"# }
        let labels = try scratch.file("labels.jsonl", (good + [#"{"user":"u","query_id":"nope","best_llm":"a"}"#]).joined(separator: "\n"))
        let result = try runTool("pr-sim", ["--labels", labels, responses])
        #expect(result.status == 65 && result.err.contains("labels.jsonl:50"))
        #expect(result.out.isEmpty)
    }

    /// An unknown option is named even when a required option is missing too.
    @Test func unknownOptionsAreReportedFirst() throws {
        for (tool, arguments) in [("pr-sim", ["--no-such-flag", "x.jsonl"]), ("pr-sim", ["judge", "--no-such"]), ("pr-train", ["--bogus=1"])] {
            let result = try runTool(tool, arguments)
            #expect(result.status == 64 && result.err.contains("unknown option '\(arguments.last!.hasPrefix("--") ? String(arguments.last!.prefix { $0 != "=" }) : arguments[0])'"))
        }
        #expect(firstUnknownOption(["--alpha", "-1", "--", "--later"], known: ["--alpha"]) == nil)
        #expect(firstUnknownOption(["--alphas"], known: ["--alpha"]) == "--alphas")
        #expect(firstUnknownOption(["--experimental-dump-help"], known: []) == nil)
        #expect(firstUnknownOption(["---completion", "--", "--x"], known: []) == nil)
        #expect(DiagnosticOptionsProbe.longOptionNames() == ["--quiet", "--verbose", "--help", "--name"])
        #expect(try runTool("pr-eval", ["--generate-completion-script", "bash"]).status == 0)
    }

    /// Routing an empty split says so instead of printing nothing silently.
    @Test func anEmptySplitIsReported() throws {
        let scratch = try Scratch()
        try CommandLineTests.trainedWorld(scratch)
        // Everything in training: no test split.
        #expect(try runTool("pr-build-graph", ["--split", "90/10/0", "--seed", "2", "-o", scratch.path("all.prg"), scratch.path("i.jsonl")]).status == 0)
        #expect(try runTool("pr-embed", ["--tasks", scratch.path("tasks.jsonl"), "--llms", scratch.path("llms.jsonl"), "--dim", "16",
                                         "--in-place", scratch.path("all.prg")]).status == 0)
        let routed = try runTool("pr-route", ["--graph", scratch.path("all.prg"), "--weights", scratch.path("m.prw"), "--split", "test"])
        #expect(routed.out.isEmpty && routed.err.contains("the test split has no query nodes"), "\(routed.err)")
    }
}

/// Round-two findings: negative values on every numeric option, literal help text,
/// empty calibration, CSV injection, SVG code points.
@Suite struct HardeningRoundTwoTests {
    @Test func negativeNumbersReachTheRangeCheckOfEveryNumericOption() throws {
        let budget = try runTool("pr-sim", ["calibrate", "--budget", "-1", "missing.jsonl"])
        #expect(budget.status == 64 && budget.err.contains("--budget must be a number of US dollars >= 0"))
        let rate = try runTool("pr-train", ["--lr", "-1", "-o", "m.prw", "missing.prg"])
        #expect(rate.status == 64 && rate.err.contains("--lr must be > 0"))
    }

    @Test func subcommandHelpShowsTheExitStatuses() throws {
        for subcommand in ["calibrate", "multi-turn"] {
            let help = try runTool("pr-sim", [subcommand, "--help"])
            #expect(help.status == 0 && help.out.contains("EXIT STATUS: 0 success") && !help.out.contains("exitStatusHelp"))
        }
    }

    @Test func calibratingNothingIsAnError() throws {
        let empty = try runTool("pr-sim", ["calibrate", "--budget", "1"], stdin: "")
        #expect(empty.status == 65 && empty.err.contains("no responses to calibrate on") && empty.out.isEmpty)
    }

    @Test func namesThatSpreadsheetsWouldRunAsFormulasAreDefused() {
        #expect(EvaluationReport.csvText("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")")
        #expect(["+1", "-a", "@b", "\tc"].allSatisfy { EvaluationReport.csvText($0).hasPrefix("'") })
        #expect(EvaluationReport.csvText("user-3") == "user-3" && EvaluationReport.csvText("") == "")
    }

    @Test func controlBytesFromTheInputAreEscapedInMessages() throws {
        let line = #"{"user":"a","query_id":"q","task":"t","query":"x","llm":"a\u001b[31m\u0007\u0000","performance":0.5,"cost":1}"#
        let result = try runTool("pr-sim", ["--alpha", "1", "--beta", "0"], stdin: line + "\n" + line + "\n")
        #expect(result.status == 65 && result.err.contains(#""a\u{1B}[31m\u{7}\u{0}""#), "\(result.err)")
        #expect(!result.err.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(escapingControls("tab\tok") == "tab\tok")
    }

    @Test func aLineLongerThan16MiBIsRefusedAtOnce() throws {
        let scratch = try Scratch()
        let path = scratch.path("long.jsonl")
        let good = responseLine("q0", "a", perf: 0.5, cost: 0.01) + "\n"
        try Data((good + "{\"user\":\"" + String(repeating: "a", count: 17 << 20) + "\"}\n").utf8).write(to: URL(fileURLWithPath: path))
        let result = try runTool("pr-sim", ["--alpha", "1", "--beta", "0", path])
        #expect(result.status == 65 && result.err == "pr-sim: \(path):2: line longer than 16 MiB (the longest a JSON Lines input may have)\n")
    }

    @Test func svgTextDropsWhatXMLCannotHold() {
        #expect(CostQualityPlot.escaped("a\u{FFFE}b\u{FFFF}c\u{1}<d>") == "abc&lt;d&gt;")
        #expect(CostQualityPlot.escaped("é\tx") == "é\tx")
    }

    /// A crash is one line and exit 70 at once, never the runtime's long backtrace.
    @Test func aCrashIsOneLineAndExit70() throws {
        let scratch = try Scratch()
        for tool in ["pr-sim", "pr-build-graph"] {  // both wait on standard input
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "\(productsDirectory())/\(tool)")
            process.arguments = tool == "pr-sim" ? ["--alpha", "1", "--beta", "0"] : ["-o", scratch.path("g.prg")]
            process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "SWIFT_BACKTRACE" }
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardError = errors
            try process.run()
            usleep(300_000)  // past main's start, where the handlers are installed
            kill(process.processIdentifier, SIGSEGV)
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
            #expect(process.terminationReason == .exit && process.terminationStatus == 70, "\(tool)")
            #expect(message == "\(tool): internal error (crashed); please report it with the command line\n")
        }
    }
}


/// Numbers too large for the arithmetic are refused with one line, never a crash.
@Suite struct HugeNumberTests {
    @Test func hugeNumbersAreRefusedOrPrinted() throws {
        let scratch = try Scratch()
        // An embedding value whose square would overflow.
        let vectors = try scratch.file("v.jsonl", #"{"kind":"query","id":"q","vector":[1e39,0]}"# + "\n")
        let embed = try runTool("pr-embed", ["--embeddings", vectors, "--in-place", scratch.path("missing.prg")])
        #expect(embed.status == 65 || embed.status == 66)
        let external = errorMessage { _ = try ExternalEmbeddings(path: vectors) }
        #expect(external?.contains("v.jsonl:1: field \"vector\": value 0 is 1e+39; embedding values must be within ±1e6") == true)
        // Costs of 1e16 in calibration: the message prints them.
        var lines = ""
        for (query, llm, cost) in [("q0", "a", 1e16), ("q0", "b", 2e16)] {
            lines += responseLine(query, llm, perf: 0.5, cost: cost) + "\n"
        }
        let calibrated = try runTool("pr-sim", ["calibrate", "--budget", "1", try scratch.file("r.jsonl", lines)])
        #expect(calibrated.status == 65 && calibrated.err.contains("USD per 1,000 queries"), "\(calibrated.err)")
        #expect(Decimals.fixed(1e20, 4) == "1e+20" && Decimals.fixed(.infinity, 2) == "inf" && Decimals.fixed(-2.5, 1) == "-2.5")
        // Prices that make a token count's cost overflow.
        let llms = try scratch.file("llms.jsonl", #"{"llm":"a","description":"A","price_in":1e308,"price_out":1e308}"# + "\n")
        let tokens = try scratch.file("tokens.jsonl", #"{"query_id":"q","task":"t","query":"x","llm":"a","performance":0.5,"input_tokens":900,"output_tokens":900}"# + "\n")
        let priced = try runTool("pr-sim", ["--alpha", "1", "--beta", "0", "--llms", llms, tokens])
        #expect(priced.status == 65 && priced.err.contains("tokens.jsonl:1: field \"output_tokens\": the tokens at a's prices"), "\(priced.err)")
    }

    /// Rewards that are finite but too large for the arithmetic: training refuses to write
    /// a model with numbers that are not finite, and pr-eval a figure that is not finite,
    /// each with one line naming the file; neither writes an output.
    @Test func rewardsTooLargeForTheArithmeticAreRefused() throws {
        let scratch = try Scratch()
        // The first route's outcome gets a reward of -1e308: finite, but its square is not.
        let route = try CommandLineTests.routedWorld(scratch)
        let lines = try String(contentsOfFile: scratch.path("i.jsonl"), encoding: .utf8).split(separator: "\n").map { line in
            let chosen = line.contains("\"user\":\"\(route.user)\"") && line.contains("\"query_id\":\"\(route.queryID)\"")
                && line.contains("\"llm\":\"\(route.llm)\"")
            return chosen ? line.replacingOccurrences(of: #""reward":[-0-9.e]+"#, with: "\"reward\":-1e308", options: .regularExpression) : String(line)
        }
        #expect(lines.filter { $0.contains("-1e308") }.count == 1)
        let truth = try scratch.file("huge.jsonl", lines.joined(separator: "\n") + "\n")
        let evaluated = try runTool("pr-eval", ["--truth", truth, "-o", scratch.path("e.json"), scratch.path("r.jsonl")])
        #expect(evaluated.status == 65 && evaluated.err.hasPrefix("pr-eval: \(truth): the figure ")
            && evaluated.err.hasSuffix(" is not a finite number: rewards or costs too large, or the Oracle's reward too close to 0\n"),
            "\(evaluated.err)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("e.json")))
        // Training reads only the training edges' rewards: every seventh line's is -1e308.
        let everySeventh = lines.enumerated().map { index, line in
            index % 7 == 0 ? line.replacingOccurrences(of: #""reward":[-0-9.e]+"#, with: "\"reward\":-1e308", options: .regularExpression) : line
        }
        let interactions = try scratch.file("huge-train.jsonl", everySeventh.joined(separator: "\n") + "\n")
        #expect(try runTool("pr-build-graph", ["--seed", "2", "-o", scratch.path("h.prg"), interactions]).status == 0)
        #expect(try runTool("pr-embed", ["--dim", "16", "--in-place", scratch.path("h.prg")]).status == 0)
        let train = try runTool("pr-train", ["-q", "--epochs", "2", "--hidden", "8", "-o", scratch.path("h.prw"), scratch.path("h.prg")])
        #expect(train.status == 65 && train.err == "pr-train: \(scratch.path("h.prg")): training gave numbers that are not finite; "
            + "an input number of the graph (a cost, a reward, an embedding value) is too large\n", "\(train.err)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("h.prw")))
    }

    @Test func scoresThatOverflowAreRefusedNamingTheQuery() throws {
        let scratch = try Scratch()
        let world = try ScriptTests.trainedWorld(scratch, model: "anchored")
        // A new user whose support costs are finite but far too large for the arithmetic.
        let support = try String(contentsOfFile: world.log, encoding: .utf8).split(separator: "\n").prefix(6).map { line in
            line.replacingOccurrences(of: "\"user\":\"", with: "\"user\":\"newbie-").replacingOccurrences(
                of: #""cost":[0-9.e-]+"#, with: "\"cost\":1e36", options: .regularExpression)
        }
        let supportFile = try scratch.file("support.jsonl", support.joined(separator: "\n") + "\n")
        let newbie = String(support[0].split(separator: "\"")[3])
        let query = "{\"user\":\"\(newbie)\",\"query\":\"What is 12 times 7?\",\"task\":\"gsm8k\"}\n"
        let routed = try runTool("pr-route", ["--graph", world.graph, "--weights", world.weights, "--support", supportFile], stdin: query)
        #expect(routed.status == 65 && routed.err.contains("the model's scores are not finite numbers"), "\(routed.err)")
    }
}

/// A command with the shared diagnostics group and one option of its own.
private struct DiagnosticOptionsProbe: ParsableCommand {
    @Option var name: String?
    @OptionGroup var diagnostics: DiagnosticOptions
}
