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
    } catch let error as ToolError {
        printError("\(name): \(error.description)")
        return error.status.rawValue
    } catch {
        printError("\(name): internal error: \(error)")
        return 70
    }
}

/// Writes one line to standard error, unbuffered.
public func printError(_ line: String) {
    var text = line
    text.append("\n")
    _ = text.withUTF8 { write(2, $0.baseAddress, $0.count) }
}
