#if canImport(Glibc)
import CMalloc
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much a tool says on standard error besides errors and warnings (`-q`, `-v`).
public enum Verbosity: Sendable {
    /// `-q`: no progress and no summaries.
    case quiet
    case normal
    /// `-v`: a closing line with the time and peak memory, and each tool's details
    /// (the judge's retries).
    case verbose

    /// The level the flags ask for; `-v` wins over `-q`.
    public init(quiet: Bool, verbose: Bool) {
        self = verbose ? .verbose : quiet ? .quiet : .normal
    }

    /// The level of this run, set by ``runTool(_:verbosity:_:)``.
    public nonisolated(unsafe) static var current = Verbosity.normal
}

/// The running tool's name, set by ``runTool(_:verbosity:_:)`` and
/// ``failOnLostStandardOutput(tool:)``: library code names the tool in its messages
/// through it.
public nonisolated(unsafe) var currentTool = "prouter"

/// Prints `TOOL: message` on standard error, unless the run is quiet (a summary).
public func printInfo(_ message: String) {
    if Verbosity.current != .quiet { printError("\(currentTool): \(message)") }
}

/// Prints `TOOL: warning: message` on standard error, also when quiet.
public func printWarning(_ message: String) {
    printError("\(currentTool): warning: \(message)")
}

/// Prints `TOOL: skipped: message` on standard error (a bad line passed over), also when quiet.
public func printSkipped(_ message: String) {
    printError("\(currentTool): skipped: \(message)")
}

/// Runs a tool's body, reporting any error as one line `TOOL: message` on stderr.
///
/// Returns the exit status: 0, or the ``ToolError``'s status (65 for bad data, 66 for a
/// missing input...). Other errors, which should not happen, map to 70 (`EX_SOFTWARE`).
/// With `verbosity` `.verbose`, a last line says how long the run took and its peak memory.
public func runTool(_ name: String, verbosity: Verbosity = .normal, _ body: () throws -> Void) -> Int32 {
    let started = prepare(name, verbosity)
    do {
        try body()
        return finish(name, started: started)
    } catch {
        return report(error, tool: name)
    }
}

/// ``runTool(_:verbosity:_:)`` for a body that awaits (network clients).
public func runTool(_ name: String, verbosity: Verbosity = .normal, _ body: () async throws -> Void) async -> Int32 {
    let started = prepare(name, verbosity)
    do {
        try await body()
        return finish(name, started: started)
    } catch {
        return report(error, tool: name)
    }
}

private func prepare(_ name: String, _ verbosity: Verbosity) -> Double {
    currentTool = name
    Verbosity.current = verbosity
    keepFreedMemoryForReuse()
    return monotonicSeconds()
}

private func finish(_ name: String, started: Double) -> Int32 {
    if Verbosity.current == .verbose {
        printError("\(name): done in \(Decimals.fixed(monotonicSeconds() - started, 2)) s, peak memory \(peakMemoryMiB()) MiB")
    }
    return 0
}

/// Makes glibc's malloc serve large blocks from its heap and keep freed ones there. By
/// default every block over 32 MB is a fresh `mmap`, so each large matrix of a training
/// step costs page faults and the kernel zeroing its pages (a third of a 1000-user
/// training's time); reused heap memory costs neither.
private func keepFreedMemoryForReuse() {
    #if canImport(Glibc)
    _ = mallopt(M_MMAP_MAX, 0)
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
    #endif
}

/// Prints `error` as one line and returns its exit status.
private func report(_ error: any Error, tool name: String) -> Int32 {
    if let error = error as? ToolError {
        printError("\(name): \(error.description)")
        return error.status.rawValue
    }
    printError("\(name): internal error: \(error)")
    return 70
}

/// Writes one line to standard error, unbuffered, with long quoted values shortened
/// (``clippedForDisplay(_:)``): a 50 MB id in bad input gives a readable message.
public func printError(_ line: String) {
    var text = clippedForDisplay(line)
    text.append("\n")
    _ = text.withUTF8 { write(2, $0.baseAddress, $0.count) }
}

/// `line` with every double-quoted value longer than `limit` characters cut to its first
/// `limit` characters plus `...(N characters)`, and the whole line cut at `4 * limit` characters.
public func clippedForDisplay(_ line: String, limit: Int = 120) -> String {
    var result = ""
    for (index, part) in line.split(separator: "\"", omittingEmptySubsequences: false).enumerated() {
        if index > 0 { result.append("\"") }
        if index % 2 == 1, part.count > limit {
            result += part.prefix(limit) + "...(\(part.count) characters)"
        } else {
            result += part
        }
    }
    let clipped = result.count > 4 * limit ? String(result.prefix(4 * limit)) + "...(\(result.count) characters)" : result
    return escapingControls(clipped)
}

/// `text` with control characters (C0 but tab, DEL, C1) written as `\u{1B}`: bytes from
/// the input (an escape sequence, a bell, a NUL) never reach a terminal raw.
public func escapingControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
}

/// Makes the process exit with status 74 (`EX_IOERR`) and a message when what it wrote
/// to standard output through stdio (`--help`, `--version`) cannot be flushed, e.g. to a
/// full disk, instead of exiting 0 with the output lost. Call first thing in `main`.
public func failOnLostStandardOutput(tool: String) {
    currentTool = tool
    atexit {
        if fflush(nil) != 0 {
            printError("\(currentTool): <stdout>: write failed: \(FileIO.errnoText())")
            _exit(74)
        }
    }
}

/// Writes `text` (a help text) to standard output at once; a failed write (a full disk)
/// is reported as `TOOL: <stdout>: write failed: ...` with exit status 74.
public func writeHelp(_ text: String) {
    let writer = JSONLWriter(fd: 1, name: "<stdout>", lineBuffered: false)
    do {
        try writer.writeText(text)
        try writer.flush()
    } catch {
        printError("\(currentTool): \(error)")
        _exit(74)
    }
}
