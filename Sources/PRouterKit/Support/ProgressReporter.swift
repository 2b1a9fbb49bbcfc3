#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training progress on stderr: a redrawn bar with epoch, loss, validation figure and
/// ETA when stderr is a terminal; one JSON line per epoch with `json`; nothing when quiet.
public struct ProgressReporter {
    public enum Style: Sendable { case automatic, json, quiet }

    private let style: Style
    private let isTerminal: Bool
    private var elapsed = 0.0

    public init(style: Style) {
        self.style = style
        isTerminal = isatty(2) == 1
    }

    /// Reports one epoch.
    public mutating func report(_ epoch: EpochReport) {
        elapsed += epoch.seconds
        switch style {
        case .quiet:
            return
        case .json:
            var line = JSONObjectBuilder()
            line.add("epoch", epoch.epoch)
            line.add("loss", epoch.loss)
            line.add("validation", epoch.validation)
            line.add("best", epoch.best)
            line.add("seconds", epoch.seconds)
            printError(line.text())
        case .automatic:
            guard isTerminal else { return }
            let width = 24
            let done = min(width, width * epoch.epoch / max(epoch.epochs, 1))
            let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
            let eta = elapsed / Double(epoch.epoch) * Double(epoch.epochs - epoch.epoch)
            let text = "\r[\(bar)] epoch \(epoch.epoch)/\(epoch.epochs)  loss \(Decimals.fixed(epoch.loss, 4))"
                + "  val \(Decimals.fixed(epoch.validation, 4))  best \(Decimals.fixed(epoch.best, 4))"
                + "  eta \(Int(eta))s (at most)  "
            _ = text.withCString { write(2, $0, strlen($0)) }
        }
    }

    /// Ends the progress display with a summary line.
    public func finish(_ summary: String) {
        guard style != .quiet else { return }
        if style == .automatic && isTerminal { printError("") }
        printError(summary)
    }
}
