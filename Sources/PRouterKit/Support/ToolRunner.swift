#if canImport(Glibc)
import CMalloc
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a tool's body, reporting any error as one line `TOOL: message` on stderr.
///
/// Returns the exit status: 0, or the ``ToolError``'s status (65 for bad data, 66 for a
/// missing input...). Other errors, which should not happen, map to 70 (`EX_SOFTWARE`).
public func runTool(_ name: String, _ body: () throws -> Void) -> Int32 {
    keepFreedMemoryForReuse()
    do {
        try body()
        return 0
    } catch {
        return report(error, tool: name)
    }
}

/// ``runTool(_:_:)`` for a body that awaits (network clients).
public func runTool(_ name: String, _ body: () async throws -> Void) async -> Int32 {
    keepFreedMemoryForReuse()
    do {
        try await body()
        return 0
    } catch {
        return report(error, tool: name)
    }
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
    return result.count > 4 * limit ? String(result.prefix(4 * limit)) + "...(\(result.count) characters)" : result
}

/// Makes the process exit with status 74 (`EX_IOERR`) and a message when what it wrote
/// to standard output through stdio (`--help`, `--version`) cannot be flushed, e.g. to a
/// full disk, instead of exiting 0 with the output lost. Call first thing in `main`.
public func failOnLostStandardOutput(tool: String) {
    toolName = tool
    atexit {
        if fflush(nil) != 0 {
            printError("\(toolName): <stdout>: write failed: \(FileIO.errnoText())")
            _exit(74)
        }
    }
}

nonisolated(unsafe) private var toolName = ""
