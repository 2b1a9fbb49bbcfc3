import PRouterGraph
import PRouterIO

/// The scores of every system and baseline, as JSON, a table or CSV.
public struct EvaluationReport: Sendable {
    public var mode: GraphMode
    /// How many (user, query) pairs were evaluated.
    public var pairCount: Int
    public var systems: [PolicyResult]
    public var baselines: [PolicyResult]
    /// Each single LLM answering every evaluated query: the frontier one can buy without routing.
    public var llms: [PolicyResult] = []

    /// The mean reward (cost mode) or accuracy (judge mode) that ``CurveMetrics`` compares.
    func figure(_ card: Scorecard) -> Double { mode == .cost ? card.meanReward : card.accuracy }

    /// The share of the single-best-to-Oracle gap that `result` closes.
    func gapClosed(_ result: PolicyResult) -> Double? {
        guard let single = baselines.first(where: { $0.name == "single-best" }),
              let oracle = baselines.first(where: { $0.name == "oracle" }) else { return nil }
        return CurveMetrics.gapClosed(figure(result.overall), singleBest: figure(single.overall), oracle: figure(oracle.overall))
    }

    /// The cost range of the single LLMs, over which AIQ is taken.
    var costRange: ClosedRange<Double>? {
        let costs = llms.map(\.overall.totalCost)
        guard let low = costs.min(), let high = costs.max(), high > low else { return nil }
        return low...high
    }

    /// AIQ of the single LLMs with `result`'s point added (nil: the LLMs alone).
    func aiq(adding result: PolicyResult?) -> Double? {
        guard let range = costRange else { return nil }
        let points = (llms + (result.map { [$0] } ?? [])).map { (cost: $0.overall.totalCost, quality: $0.overall.meanPerformance) }
        return CurveMetrics.aiq(points, over: range)
    }

    /// The first figure of the report that is not a finite number, as "name field"
    /// (nil when every one is): a ratio to an Oracle's reward too close to 0, or rewards
    /// and costs so large that their spread or standard error overflows.
    var firstNonFiniteFigure: String? {
        func figures(_ card: Scorecard) -> [(String, Double?)] {
            [("reward", card.meanReward), ("oracle_reward", card.oracleReward), ("ratio_to_oracle", card.ratioToOracle),
             ("total_cost", card.totalCost), ("mean_performance", card.meanPerformance)]
        }
        if let aiq = aiq(adding: nil), !aiq.isFinite { return "aiq_llms" }
        for result in systems + baselines + llms {
            let all = figures(result.overall) + result.perUser.flatMap { figures($0.card) }
                + [("gap_closed", gapClosed(result)), ("aiq", aiq(adding: result)),
                   ("versus_first", result.versusFirst?.difference), ("versus_first", result.versusFirst?.standardError)]
            if let (field, _) = all.first(where: { $0.1.map { !$0.isFinite } ?? false }) { return "\(result.name) \(field)" }
        }
        return nil
    }

    /// One JSON object: mode, query count, then each system's and baseline's scores.
    public func writeJSON(to writer: JSONLWriter) throws {
        try writer.write { report in
            report.add("mode", mode.rawValue)
            report.add("queries", pairCount)
            report.addArray("systems", systems) { encode($1, into: &$0, perUser: true) }
            report.addArray("baselines", baselines) { encode($1, into: &$0, perUser: false) }
            report.add("aiq_llms", aiq(adding: nil))
            report.addArray("llms", llms) { object, llm in
                object.add("llm", llm.details.first?.value ?? llm.name)
                object.add("total_cost", llm.overall.totalCost)
                object.add("mean_performance", llm.overall.meanPerformance)
            }
        }
    }

    private func encode(_ result: PolicyResult, into object: inout JSONObjectBuilder, perUser: Bool) {
        object.add("name", result.name)
        for (key, value) in result.details { object.add(key, value) }
        encode(result.overall, into: &object)
        object.add("gap_closed", gapClosed(result))
        object.add("aiq", aiq(adding: result))
        if let comparison = result.versusFirst {
            object.addObject("versus_first") { versus in
                versus.add("against", comparison.against)
                versus.add("figure", comparison.figure.rawValue)
                versus.add("difference", comparison.difference)
                versus.add("standard_error", comparison.standardError)
                versus.add("clusters", comparison.clusters)
            }
        }
        if perUser {
            object.addArray("per_user", result.perUser) { row, entry in
                row.add("user", entry.user)
                encode(entry.card, into: &row)
            }
        }
    }

    private func encode(_ card: Scorecard, into object: inout JSONObjectBuilder) {
        object.add("queries", card.count)
        if mode == .cost {
            object.add("reward", card.meanReward)
            object.add("oracle_reward", card.oracleReward)
            object.add("ratio_to_oracle", card.ratioToOracle)
        }
        object.add("accuracy", card.accuracy)
        object.add("total_cost", card.totalCost)
        object.add("mean_performance", card.meanPerformance)
    }

    /// An aligned table for people; `perUser` adds one table per system.
    public func table(perUser: Bool) -> String {
        var rows: [[String]] = []
        let compared = !systems.isEmpty
        for result in systems + baselines {
            var name = result.name
            if let llm = result.details.first(where: { $0.key == "llm" }) { name += " (\(llm.value))" }
            if result.isFittedInSample { name += " [in-sample]" }
            rows.append(row(name, result.overall) + [gapClosed(result).map { Decimals.fixed($0 * 100, 1) + "%" } ?? "-",
                                                      aiq(adding: result).map { Decimals.fixed($0, 4) } ?? "-"]
                        + (compared ? [Self.versusFirstCell(result.versusFirst)] : []))
        }
        let users = Set(systems.flatMap { $0.perUser.map(\.user) }).count
        var text = "\(mode.rawValue) mode, \(pairCount) queries\(users > 1 ? " (user, query pairs of \(users) users)" : "")\n"
            + Self.align(header(first: "system") + ["gap", "aiq"] + (compared ? ["vs first"] : []), rows)
        if perUser {
            for system in systems {
                text += "\n\(system.name), per user\n"
                text += Self.align(header(first: "user"), system.perUser.map { row($0.user, $0.card) })
            }
        }
        return text + legend
    }

    /// What the table's columns mean.
    var legend: String {
        var lines = ["", "queries: (user, query) pairs routed."]
        if mode == .cost {
            lines += ["reward: mean of alpha * performance - beta * cost (both normalized per task) of the chosen LLMs;",
                      "  oracle: the same for the best LLM of every pair; ratio: reward / oracle."]
        }
        lines += ["accuracy: share of pairs routed to the user's preferred LLM. cost_usd: total cost of the chosen responses.",
                  "gap: share of the single-best-to-oracle gap closed (\(mode == .cost ? "reward" : "accuracy")); 0% is the single best LLM, 100% the oracle.",
                  "aiq: mean performance under the cost-quality frontier of the single LLMs with this point added, over their cost range"
                    + (aiq(adding: nil).map { " (the LLMs alone: \(Decimals.fixed($0, 4)))" } ?? "") + "."]
        if baselines.contains(where: \.isFittedInSample) {
            lines += ["[in-sample]: fitted on the evaluated pairs themselves (the truth has no other queries): optimistic."]
        }
        if let first = systems.first {
            lines += ["vs first: difference from \(first.name) in points of \(mode == .cost ? "ratio (in reward where the oracle's is not positive)" : "accuracy"),",
                      "  \u{b1} one standard error clustered by query (by conversation for turns): every user's copy of a query shares its outcomes."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table's cell for a comparison with the first route file: the difference in
    /// points (in reward where the ratio is undefined) and its standard error; `ref` for
    /// that file itself.
    static func versusFirstCell(_ comparison: PairedComparison?) -> String {
        guard let comparison else { return "ref" }
        let (scale, digits) = comparison.figure == .reward ? (1.0, 4) : (100.0, 2)
        let difference = (comparison.difference >= 0 ? "+" : "") + Decimals.fixed(comparison.difference * scale, digits)
        return difference + (comparison.standardError.map { " \u{b1}" + Decimals.fixed($0 * scale, digits) } ?? "")
    }

    /// Comma-separated values (RFC 4180) for spreadsheets and plotting: one row per system
    /// and baseline (`kind` system or baseline, `llm` for single-best), and with `perUser`
    /// one row per user of each system (`kind` user). Numbers at full precision; the reward
    /// columns are empty in judge mode, the comparison with the first route file
    /// (``PairedComparison``) on that file's row, users' rows and without route files;
    /// `fit` says what a fitted baseline learned from (`held-out`, or `all`: optimistic).
    public func csv(perUser: Bool) -> String {
        var lines = ["kind,name,llm,user,queries,reward,oracle_reward,ratio_to_oracle,accuracy,total_cost,mean_performance,gap_closed,aiq,"
                     + "versus_first_difference,versus_first_standard_error,fit"]
        func line(_ kind: String, _ result: PolicyResult, user: String, _ card: Scorecard) {
            let llm = result.details.first { $0.key == "llm" }?.value ?? ""
            let reward = mode == .cost ? [String(card.meanReward), String(card.oracleReward), card.ratioToOracle.map { String($0) } ?? ""]
                                       : ["", "", ""]
            let overall = user.isEmpty
            let fields = [kind, Self.csvText(result.name), Self.csvText(llm), Self.csvText(user), String(card.count)] + reward
                + [String(card.accuracy), String(card.totalCost), String(card.meanPerformance),
                   (overall ? gapClosed(result) : nil).map { String($0) } ?? "", (overall ? aiq(adding: result) : nil).map { String($0) } ?? "",
                   (overall ? result.versusFirst?.difference : nil).map { String($0) } ?? "",
                   (overall ? result.versusFirst?.standardError : nil).map { String($0) } ?? "",
                   result.details.first { $0.key == "fit" }?.value ?? ""]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        for result in systems { line("system", result, user: "", result.overall) }
        for result in baselines { line("baseline", result, user: "", result.overall) }
        if perUser {
            for system in systems {
                for entry in system.perUser { line("user", system, user: entry.user, entry.card) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A name from the input as a CSV cell's text: one that a spreadsheet would read as a
    /// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
    /// leading `'`, as OWASP advises against CSV injection.
    static func csvText(_ name: String) -> String {
        guard let first = name.first, "=+-@\t\r".contains(first) else { return name }
        return "'" + name
    }

    /// `field`, quoted (with doubled quotes) when it holds a comma, a quote or a line break.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.flatMap { $0 == "\"" ? "\"\"" : String($0) } + "\""
    }

    private func header(first: String) -> [String] {
        mode == .cost ? [first, "queries", "reward", "oracle", "ratio", "accuracy", "cost_usd"]
                      : [first, "queries", "accuracy", "cost_usd"]
    }

    private func row(_ name: String, _ card: Scorecard) -> [String] {
        var row = [name, String(card.count)]
        if mode == .cost {
            row += [Decimals.fixed(card.meanReward, 4), Decimals.fixed(card.oracleReward, 4),
                    card.ratioToOracle.map { Decimals.fixed($0 * 100, 2) + "%" } ?? "-"]
        }
        return row + [Decimals.fixed(card.accuracy * 100, 2) + "%", Decimals.fixed(card.totalCost, 4)]
    }

    /// Left-aligns the first column and right-aligns the others.
    static func align(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max()! }
        return all.map { row in
            row.indices.map { column in
                let pad = String(repeating: " ", count: widths[column] - row[column].count)
                return column == 0 ? row[column] + pad : pad + row[column]
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
