import Foundation
import Testing
@testable import PRouterKit

/// Outputs replace only what is theirs: regular files atomically (keeping mode), the
/// targets of symbolic links (keeping the link), and devices, FIFOs and inherited
/// descriptors written into; one path for two outputs, or an output that is an input, is
/// refused before any work.
@Suite struct OutputDestinationTests {
    /// pr-sim's arguments for a small run writing to `output`.
    static func simulate(_ scratch: Scratch, _ extra: [String]) throws -> (status: Int32, out: String, err: String) {
        let responses = try scratch.file("responses.jsonl", responseLine("q0", "a", perf: 0.5, cost: 0.01) + "\n"
                                         + responseLine("q0", "b", perf: 0.9, cost: 0.02) + "\n")
        return try runTool("pr-sim", ["--alpha", "1", "--beta", "0"] + extra + [responses])
    }

    @Test func aSymlinkKeepsItselfAndItsTargetKeepsItsMode() throws {
        let scratch = try Scratch()
        let target = try scratch.file("target.jsonl", "old\n")
        chmod(target, 0o600)
        symlink(target, scratch.path("link.jsonl"))
        #expect(try Self.simulate(scratch, ["-o", scratch.path("link.jsonl")]).status == 0)
        var status = stat()
        #expect(lstat(scratch.path("link.jsonl"), &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        #expect(stat(target, &status) == 0 && status.st_mode & 0o7777 == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"llm\":\"b\""))
        // A dangling link's target is created.
        symlink(scratch.path("new.jsonl"), scratch.path("dangling.jsonl"))
        #expect(try Self.simulate(scratch, ["-o", scratch.path("dangling.jsonl")]).status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("new.jsonl")))
        #expect(lstat(scratch.path("dangling.jsonl"), &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
    }

    @Test func devicesAndFIFOsAreWrittenIntoNotReplaced() throws {
        let scratch = try Scratch()
        #expect(try Self.simulate(scratch, ["-o", "/dev/null"]).status == 0)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
        let fifo = scratch.path("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "cat '\(fifo)' > '\(scratch.path("received"))'"]
        try reader.run()
        #expect(try Self.simulate(scratch, ["-o", fifo]).status == 0)
        reader.waitUntilExit()
        #expect(try String(contentsOfFile: scratch.path("received"), encoding: .utf8).contains("\"llm\":\"b\""))
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        // /dev/stdout is the tool's standard output, not a file to replace.
        let stdout = try Self.simulate(scratch, ["-o", "/dev/stdout"])
        #expect(stdout.status == 0 && stdout.out.contains("\"llm\":\"b\""))
    }

    @Test func oneFileForTwoOutputsOrAnInputIsRefusedFirst() throws {
        let scratch = try Scratch()
        let responses = try scratch.file("responses.jsonl", responseLine("q0", "a", perf: 0.5, cost: 0.01))
        let before = try String(contentsOfFile: responses, encoding: .utf8)
        let overInput = try runTool("pr-sim", ["--alpha", "1", "--beta", "0", "-o", responses, responses])
        #expect(overInput.status == 64 && overInput.err.contains("-o \(responses) would replace the input responses \(responses)"))
        // Through a symbolic link too.
        symlink(responses, scratch.path("alias.jsonl"))
        let alias = try runTool("pr-sim", ["--alpha", "1", "--beta", "0", "-o", scratch.path("alias.jsonl"), responses])
        #expect(alias.status == 64)
        #expect(try String(contentsOfFile: responses, encoding: .utf8) == before)
        let same = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw"), "--keep-going",
                                            "-o", scratch.path("out.jsonl"), "--errors", scratch.path("out.jsonl")], stdin: "")
        #expect(same.status == 64 && same.err.contains("is also the path of -o"))
        let routes = try scratch.file("r.jsonl", "{}\n")
        let plot = try runTool("pr-eval", ["--truth", responses, "--plot", routes, routes])
        #expect(plot.status == 64 && plot.err.contains("--plot \(routes) would replace the input routes"))
        #expect(try String(contentsOfFile: routes, encoding: .utf8) == "{}\n")
        // /dev/null may take both.
        try FileIO.checkDistinct(outputs: [("-o", "/dev/null"), ("--errors", "/dev/null")], inputs: [("responses", responses)])
    }
}
