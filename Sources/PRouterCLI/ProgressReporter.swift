import PRouterKit

/// Training progress on stderr: a redrawn bar with epoch, loss, validation figure and
/// ETA when stderr is a terminal; one JSON line per epoch with `json`; nothing when quiet.
public struct ProgressReporter {
    public enum Style: Sendable { case automatic, json, quiet }

    private let style: Style
    private var line = StatusLine()
    private var elapsed = 0.0

    public init(style: Style) {
        self.style = style
    }

    /// Reports one epoch.
    public mutating func report(_ epoch: EpochReport) {
        elapsed += epoch.seconds
        switch style {
        case .quiet:
            return
        case .json:
            var record = JSONObjectBuilder()
            record.add("epoch", epoch.epoch)
            record.add("loss", epoch.loss)
            record.add("validation", epoch.validation)
            record.add("best", epoch.best)
            record.add("seconds", epoch.seconds)
            printError(record.text())
        case .automatic:
            guard line.isShown else { return }
            let width = 24
            let done = min(width, width * epoch.epoch / max(epoch.epochs, 1))
            let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
            let eta = elapsed / Double(epoch.epoch) * Double(epoch.epochs - epoch.epoch)
            let text = "[\(bar)] epoch \(epoch.epoch)/\(epoch.epochs)  loss \(Decimals.fixed(epoch.loss, 4))"
                + "  val \(Decimals.fixed(epoch.validation, 4))  best \(Decimals.fixed(epoch.best, 4))"
                + "  eta \(Int(eta))s (at most)"
            line.show(text)
        }
    }

    /// Ends the progress display with a summary line.
    public mutating func finish(_ summary: String) {
        guard style != .quiet else { return }
        line.end()
        printError(summary)
    }

    /// Warns, whatever the style (also when quiet), that the trained model's validation
    /// figure is below a table policy's, with the difference's standard error (clustered
    /// by query) when known; with `json`, as a JSON line.
    public mutating func warnWorseThanTable(model: String, validation: Double, table: TableLevel, tableFigure: Double,
                                            standardError: Double?) {
        line.end()
        if style == .json {
            var record = JSONObjectBuilder()
            record.add("warning", "worse-than-table")
            record.add("best_validation", validation)
            record.add("table", table.rawValue)
            record.add("table_validation", tableFigure)
            record.add("standard_error", standardError)
            printError(record.text())
        } else {
            let error = standardError.map { " (standard error of the difference \(Decimals.fixed($0, 4)), clustered by query)" } ?? ""
            printWarning("\(model)'s best validation figure \(Decimals.fixed(validation, 4)) is below the "
                + "\(table.rawValue) table policy's \(Decimals.fixed(tableFigure, 4)) on the same validation queries\(error); "
                + "pr-train --model table routes by that table")
        }
    }
}
