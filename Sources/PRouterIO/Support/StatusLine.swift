#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line of progress redrawn in place on stderr, only when stderr is a terminal
/// (logs and pipes get the final summary instead).
public struct StatusLine: Sendable {
    /// Whether anything is shown at all.
    public let isShown: Bool
    private var drawn = false

    public init() {
        isShown = isatty(2) == 1
    }

    /// Replaces the line with `text`.
    public mutating func show(_ text: String) {
        guard isShown else { return }
        drawn = true
        let line = "\r" + text + "  "
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    /// Ends the line so that the next message starts on its own.
    public mutating func end() {
        guard drawn else { return }
        drawn = false
        printError("")
    }
}
