import Foundation
import PRouterAutodiff
import PRouterGraph
import PRouterIO
import PRouterSimulation

/// A responses.jsonl line.
package func responseLine(_ query: String, _ llm: String, perf: Double, cost: Double, task: String = "math") -> String {
    #"{"query_id":"\#(query)","task":"\#(task)","query":"text of \#(query)","llm":"\#(llm)","performance":\#(perf),"cost":\#(cost)}"#
}

/// Builds a cost-mode interactions file for `users` (id, alpha, beta) over `responses` lines.
package func simulate(_ responses: [String], users: [(String, Double, Double)]) throws -> String {
    let table = try ResponseTable(responses: try decodeLines(responses.joined(separator: "\n"), Response.init), llms: nil)
    var lines: [String] = []
    try CostSimulator(table: table, users: users.map { UserSpec(user: $0.0, alpha: $0.1, beta: $0.2) })
        .run(queriesPerUser: nil, seed: 0) { interaction in
            var object = JSONObjectBuilder()
            interaction.encode(into: &object)
            lines.append(object.text())
        }
    return lines.joined(separator: "\n") + "\n"
}

/// A small world: `queries` math queries answered by three LLMs with different quality and cost.
package func smallWorld(queries: Int) -> [String] {
    (0..<queries).flatMap { q -> [String] in
        let id = "q\(q)"
        let spread = Double(q % 7) / 10
        return [
            responseLine(id, "small", perf: 0.2 + spread / 2, cost: 0.001),
            responseLine(id, "medium", perf: 0.5 + spread / 3, cost: 0.01),
            responseLine(id, "large", perf: 0.9, cost: 0.1 + spread / 10),
        ]
    }
}

/// The directory holding the built executables (next to the test bundle).
package func productsDirectory() -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
    while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("pr-sim").path) {
        url = url.deletingLastPathComponent()
    }
    return url.path
}

/// Runs one of the built tools, or the program at an absolute path `tool` (in `directory`
/// when given), with `environment` added to the
/// test's and the variables in `unset` removed from it; returns status, stdout and stderr.
package func runTool(_ tool: String, _ arguments: [String], stdin: String? = nil,
             environment: [String: String] = [:], unset: [String] = [], directory: String? = nil) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "\(productsDirectory())/\(tool)")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { !unset.contains($0.key) }
    ignoreBrokenPipes
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    // Input is written, and standard error read, beside the reading of standard output: a
    // tool that streams writes output before its input ends.
    final class Received: @unchecked Sendable { var data = Data() }
    let errors = Received()
    let background = DispatchGroup()
    DispatchQueue.global().async(group: background) {
        if let stdin { feed(input, Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
    }
    DispatchQueue.global().async(group: background) { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    background.wait()
    process.waitUntilExit()
    let errData = errors.data
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs one of the built tools with `input` written to its standard input in uneven
/// pieces (cut anywhere, even mid-line) with short pauses, as a slow producer would;
/// returns status and stdout (stderr passes through).
package func runToolTrickling(_ tool: String, _ arguments: [String], input: String, seed: UInt64) throws -> (status: Int32, out: String) {
    let (process, stdin, stdout) = try startTool(tool, arguments)
    DispatchQueue.global().async {
        var generator = SplitMix64(seed: seed)
        let bytes = Array(input.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 1 + Int(generator.next() % 700))
            feed(stdin, Data(bytes[offset..<end]))
            offset = end
            usleep(UInt32(generator.next() % 4000))
        }
        try? stdin.fileHandleForWriting.close()
    }
    let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, out)
}

/// Starts one of the built tools with pipes on its standard input and output (stderr
/// passes through); it is terminated if still running after `limit` seconds.
package func startTool(_ tool: String, _ arguments: [String], limit: Double = 120) throws -> (Process, input: Pipe, output: Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(productsDirectory())/\(tool)")
    process.arguments = arguments
    ignoreBrokenPipes
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    DispatchQueue.global().asyncAfter(deadline: .now() + limit) { if process.isRunning { process.terminate() } }
    return (process, input, output)
}

/// Writes `data` to a tool's standard input. A tool may exit without reading it all (an
/// error found first): the write then fails with EPIPE, which the tool's status reports.
package func feed(_ pipe: Pipe, _ data: Data) {
    try? pipe.fileHandleForWriting.write(contentsOf: data)
}

/// A tool that exits before reading its input must not kill the test run with SIGPIPE.
private let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// The repository's `examples` folder (scripts, generators and the example data).
package let examplesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples").path

/// A cost-mode graph over `queries` queries (``smallWorld(queries:)``) and `users` sweep users.
package func smallGraph(queries: Int = 50, users: Int = 4, _ configure: (inout GraphBuildOptions) -> Void = { _ in }) throws -> Graph {
    let text = try simulate(smallWorld(queries: queries), users: UserSpec.sweep(users).map { ($0.user, $0.alpha!, $0.beta!) })
    var builder = GraphBuilder()
    for interaction in try decodeLines(text, Interaction.init) { try builder.add(interaction) }
    var options = GraphBuildOptions()
    options.seed = 11
    configure(&options)
    return try builder.build(options)
}
