#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a tool's body, reporting any error as one line `TOOL: message` on stderr.
///
/// Returns the exit status: 0, or the ``ToolError``'s status (65 for bad data, 66 for a
/// missing input...). Other errors, which should not happen, map to 70 (`EX_SOFTWARE`).
public func runTool(_ name: String, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return report(error, tool: name)
    }
}

/// ``runTool(_:_:)`` for a body that awaits (network clients).
public func runTool(_ name: String, _ body: () async throws -> Void) async -> Int32 {
    do {
        try await body()
        return 0
    } catch {
        return report(error, tool: name)
    }
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

/// Writes one line to standard error, unbuffered.
public func printError(_ line: String) {
    var text = line
    text.append("\n")
    _ = text.withUTF8 { write(2, $0.baseAddress, $0.count) }
}
