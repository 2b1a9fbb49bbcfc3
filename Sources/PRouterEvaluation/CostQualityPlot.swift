#if canImport(Glibc)
import Glibc
#endif
import PRouterIO

/// `pr-eval --plot`: a self-contained SVG with two panels.
///
/// - **The cost-quality plane.** Total cost against mean performance for every single LLM (grey, named), their
///   frontier (dashed), each route file and table baseline, and the Oracle.
/// - **Per-user bars.** Each route file's ratio to the Oracle (cost mode) or its accuracy (judge mode).
public struct CostQualityPlot {
    let report: EvaluationReport

    public init(report: EvaluationReport) { self.report = report }

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    private static let (width, planeHeight, margin) = (980.0, 440.0, 64.0)

    /// The SVG document.
    public func svg() -> String {
        let users = report.systems.first.map { $0.perUser.map(\.user) } ?? []
        let barsHeight = users.isEmpty ? 0 : 300.0
        let height = Self.planeHeight + barsHeight + 40
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Self.number(Self.width))" height="\#(Self.number(height))" "#
            + #"viewBox="0 0 \#(Self.number(Self.width)) \#(Self.number(height))" font-family="sans-serif" font-size="12">"# + "\n"
        out += #"<rect width="100%" height="100%" fill="white"/>"# + "\n"
        out += plane()
        if !users.isEmpty { out += bars(users: users, top: Self.planeHeight + 20, height: barsHeight) }
        return out + "</svg>\n"
    }

    // MARK: The cost-quality plane

    private func plane() -> String {
        let plotted = report.llms + report.systems + report.baselines.filter { $0.name != "single-best" }
        let costs = plotted.map(\.overall.totalCost), qualities = plotted.map(\.overall.meanPerformance)
        guard let lowCost = costs.min(), let highCost = costs.max(), let minQuality = qualities.min(),
              let highQuality = qualities.max() else { return "" }
        let logScale = lowCost > 0 && highCost / lowCost > 20
        let (left, right) = (Self.margin, Self.width * 0.62)
        let (top, bottom) = (40.0, Self.planeHeight - 50)
        // Axes padded by 5% so that no point sits on the frame. Costs are taken at half
        // their value, so that a span of costs near the largest double cannot overflow.
        let rawLow = logScale ? log10(lowCost) : lowCost / 2, rawHigh = logScale ? log10(highCost) : highCost / 2
        let xPad = max(rawHigh - rawLow, 1e-9) * 0.05, yPad = max(highQuality - minQuality, 1e-9) * 0.05
        let xLow = rawLow - xPad, xSpan = rawHigh - rawLow + 2 * xPad
        let lowQuality = minQuality - yPad, ySpan = highQuality - minQuality + 2 * yPad
        func x(_ cost: Double) -> Double { left + ((logScale ? log10(cost) : cost / 2) - xLow) / xSpan * (right - left) }
        func y(_ quality: Double) -> Double { bottom - (quality - lowQuality) / ySpan * (bottom - top) }

        var out = Self.text("Cost and quality of every routing (\(report.pairCount) queries, \(report.mode.rawValue) mode)",
                            x: left, y: 22, size: 15, weight: "bold")
        out += #"<rect x="\#(Self.number(left))" y="\#(Self.number(top))" width="\#(Self.number(right - left))" "#
            + #"height="\#(Self.number(bottom - top))" fill="none" stroke="rgb(153,153,153)"/>"# + "\n"
        for step in 0...4 {
            let fraction = Double(step) / 4
            let value = xLow + fraction * xSpan
            out += Self.text(Self.short(logScale ? pow(10, value) : min(2 * value, .greatestFiniteMagnitude)), x: left + fraction * (right - left), y: bottom + 16, anchor: "middle")
            out += Self.text(Self.short(lowQuality + fraction * ySpan), x: left - 6, y: bottom - fraction * (bottom - top) + 4, anchor: "end")
        }
        out += Self.text("total cost, USD\(logScale ? " (log scale)" : "")", x: (left + right) / 2, y: bottom + 34, anchor: "middle")
        out += #"<text transform="translate(16 \#(Self.number((top + bottom) / 2))) rotate(-90)" text-anchor="middle">mean performance</text>"# + "\n"
        let frontier = CurveMetrics.frontier(report.llms.map { (cost: $0.overall.totalCost, quality: $0.overall.meanPerformance) })
        if frontier.count > 1 {
            out += #"<polyline fill="none" stroke="rgb(136,136,136)" stroke-dasharray="5 4" points=""#
                + frontier.map { "\(Self.number(x($0.cost))),\(Self.number(y($0.quality)))" }.joined(separator: " ") + #""/>"# + "\n"
        }
        for llm in report.llms {
            let (px, py) = (x(llm.overall.totalCost), y(llm.overall.meanPerformance))
            out += #"<circle cx="\#(Self.number(px))" cy="\#(Self.number(py))" r="4" fill="rgb(187,187,187)"/>"# + "\n"
            let nearRight = px > left + 0.75 * (right - left)  // labelled leftwards, clear of the legend
            out += Self.text(llm.details.first?.value ?? llm.name, x: nearRight ? px - 6 : px + 6, y: py - 5, size: 10,
                             anchor: nearRight ? "end" : "start", fill: "rgb(102,102,102)")
        }
        var legend: [(marker: String, label: String)] = []
        for (index, system) in report.systems.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            out += Self.marker("circle", color: color, x: x(system.overall.totalCost), y: y(system.overall.meanPerformance), size: 7)
            legend.append((Self.marker("circle", color: color, x: 0, y: 0, size: 6), system.name))
        }
        for baseline in report.baselines where baseline.name != "single-best" {
            let isOracle = baseline.name == "oracle"
            let color = isOracle ? "rgb(0,0,0)" : "rgb(119,119,119)"
            out += Self.marker(isOracle ? "star" : "square", color: color, x: x(baseline.overall.totalCost),
                               y: y(baseline.overall.meanPerformance), size: isOracle ? 8 : 5)
            if isOracle || !baseline.name.hasPrefix("table") {
                out += Self.text(baseline.name, x: x(baseline.overall.totalCost) + 8, y: y(baseline.overall.meanPerformance) + 12,
                                 size: 10, fill: color)
            }
        }
        legend += [(Self.marker("circle", color: "rgb(187,187,187)", x: 0, y: 0, size: 4), "single LLMs (dashed: their frontier)"),
                   (Self.marker("square", color: "rgb(119,119,119)", x: 0, y: 0, size: 5), "table baselines, random, cheapest"),
                   (Self.marker("star", color: "rgb(0,0,0)", x: 0, y: 0, size: 8), "oracle (each pair's best LLM)")]
        for (row, entry) in legend.enumerated() {
            let ly = top + 10 + Double(row) * 20
            out += #"<g transform="translate(\#(Self.number(right + 30)) \#(Self.number(ly)))">"# + entry.marker + "</g>\n"
            out += Self.text(Self.clipped(entry.label), x: right + 44, y: ly + 4)
        }
        if let aiq = report.aiq(adding: nil) {
            out += Self.text("AIQ of the single LLMs: \(Decimals.fixed(aiq, 4))", x: right + 30, y: top + 10 + Double(legend.count) * 20 + 8,
                             size: 11, fill: "rgb(68,68,68)")
        }
        return out
    }

    // MARK: Per-user bars

    private func bars(users: [String], top: Double, height: Double) -> String {
        let cost = report.mode == .cost
        var out = Self.text("Per user: \(cost ? "ratio to the Oracle's reward" : "accuracy") of each route file",
                            x: Self.margin, y: top + 10, size: 15, weight: "bold")
        let (left, right, base, ceiling) = (Self.margin, Self.width - 20, top + height - 40, top + 30)
        func value(_ card: Scorecard) -> Double { cost ? (card.ratioToOracle ?? 0) : card.accuracy }
        let values = report.systems.flatMap { $0.perUser.map { value($0.card) } }
        let low = min(0, values.min() ?? 0), high = max(1, values.max() ?? 1)
        func y(_ v: Double) -> Double { base - (v - low) / (high - low) * (base - ceiling) }
        out += #"<line x1="\#(Self.number(left))" x2="\#(Self.number(right))" y1="\#(Self.number(y(0)))" y2="\#(Self.number(y(0)))" stroke="rgb(153,153,153)"/>"# + "\n"
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] where tick >= low && tick <= high {
            out += Self.text(Decimals.fixed(tick * 100, 0) + "%", x: left - 6, y: y(tick) + 4, anchor: "end")
            out += #"<line x1="\#(Self.number(left))" x2="\#(Self.number(right))" y1="\#(Self.number(y(tick)))" y2="\#(Self.number(y(tick)))" stroke="rgb(238,238,238)"/>"# + "\n"
        }
        let group = (right - left) / Double(users.count)
        let bar = group * 0.8 / Double(max(1, report.systems.count))
        for (u, user) in users.enumerated() {
            for (s, system) in report.systems.enumerated() {
                guard let card = system.perUser.first(where: { $0.user == user })?.card else { continue }
                let v = value(card)
                let bx = left + Double(u) * group + group * 0.1 + Double(s) * bar
                out += #"<rect x="\#(Self.number(bx))" y="\#(Self.number(min(y(v), y(0))))" width="\#(Self.number(max(bar - 1, 1)))" "#
                    + #"height="\#(Self.number(abs(y(v) - y(0))))" fill="\#(Self.palette[s % Self.palette.count])"><title>"#
                    + Self.escaped("\(system.name), \(user): \(Decimals.fixed(v * 100, 1))%") + "</title></rect>\n"
            }
            if users.count <= 40 {
                out += Self.text(Self.clipped(user, 14), x: left + (Double(u) + 0.5) * group, y: base + 16, size: 10, anchor: "middle")
            }
        }
        return out
    }

    // MARK: Drawing helpers

    private static func marker(_ shape: String, color: String, x: Double, y: Double, size: Double) -> String {
        switch shape {
        case "square":
            return #"<rect x="\#(number(x - size))" y="\#(number(y - size))" width="\#(number(2 * size))" height="\#(number(2 * size))" fill="none" stroke="\#(color)" stroke-width="1.5"/>"# + "\n"
        case "star":
            let points = (0..<10).map { i -> String in
                let angle = Double(i) * Double.pi / 5 - Double.pi / 2
                let radius = i % 2 == 0 ? size : size * 0.45
                return "\(number(x + radius * cos(angle))),\(number(y + radius * sin(angle)))"
            }
            return #"<polygon points="\#(points.joined(separator: " "))" fill="\#(color)"/>"# + "\n"
        default:
            return #"<circle cx="\#(number(x))" cy="\#(number(y))" r="\#(number(size))" fill="\#(color)" stroke="white"/>"# + "\n"
        }
    }

    private static func text(_ content: String, x: Double, y: Double, size: Double = 12, weight: String = "normal",
                             anchor: String = "start", fill: String = "rgb(34,34,34)") -> String {
        #"<text x="\#(number(x))" y="\#(number(y))" font-size="\#(number(size))" font-weight="\#(weight)" text-anchor="\#(anchor)" fill="\#(fill)">"#
            + escaped(content) + "</text>\n"
    }

    /// `text` with XML's special characters escaped, and the code points XML 1.0 cannot
    /// hold at all (controls other than tab and newlines, U+FFFE, U+FFFF) left out.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func clipped(_ text: String, _ limit: Int = 40) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    private static func number(_ value: Double) -> String { Decimals.fixed(value, 1) }

    private static func short(_ value: Double) -> String {
        abs(value) >= 100 ? Decimals.fixed(value, 0) : abs(value) >= 1 ? Decimals.fixed(value, 2) : Decimals.fixed(value, 3)
    }
}
