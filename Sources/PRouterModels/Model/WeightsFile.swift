import PRouterAutodiff
import PRouterGraph
import PRouterIO

/// Reading and writing trained models as weights files (`.prw`): the section container
/// with magic `PRWEIGH\0`, a `CONF` JSON section (configuration and training record),
/// the LLM and task ids the model was trained on, parameter names, one f32 section per
/// parameter (`P000`, `P001`...), and for graph models the context states on the
/// training graph file (`CT00`, `CM00`, `CU00`... per level: task, LLM and user rows),
/// and for the models that use tables, those tables on it (``StateArchive``: `AN5R`
/// reals, `AN5C` counts; files written before the task means' empirical-Bayes shares
/// (``TaskShrinkage``) have `AN4R` and `AN4C` instead, before judge mode's preference
/// logit `AN3R` and `AN3C`, before the text regression scaled its deviations per task `AN2R`
/// and `AN2C`, and before it could read words `ANRL` and `ANCN`, which are ignored: the
/// tables are computed again).
extension TrainedModel {
    public func write(to path: String) throws {
        let config = model.config
        var conf = JSONObjectBuilder()
        conf.add("model", config.kind.rawValue)
        conf.add("mode", config.mode.rawValue)
        conf.add("hidden", config.hidden)
        conf.add("layers", config.layers)
        conf.add("dropout", Double(config.dropout))
        conf.add("fanout", config.fanout)
        conf.add("neighbors", config.neighbors)
        conf.add("loss", config.loss.rawValue)
        if config.kind.inputs.contains(.tables) { conf.add("table_level", config.tableLevel.rawValue) }
        config.kind.type.writeSettings(of: config, to: &conf)
        conf.add("encoder", config.encoder)
        conf.add("query_width", config.queryWidth)
        conf.add("task_width", config.taskWidth)
        conf.add("llm_width", config.llmWidth)
        if config.kind.readsConversations { conf.add("response_width", config.responseWidth) }
        conf.add("best_epoch", bestEpoch)
        conf.add("best_validation", bestValidation)
        conf.add("epochs_run", epochsRun)
        if let tables = tableValidation {
            conf.add("table_validation", tables.figure)
            conf.add("table_validation_level", tables.level.rawValue)
        }
        if let graphFingerprint { conf.add("graph_fingerprint", String(graphFingerprint)) }
        let bytes = Array(conf.text().utf8)
        var sections = [
            SectionFile.Section(tag: "CONF", kind: .json, count: bytes.count, bytes: bytes),
            .strings("LLMS", llms), .strings("TASK", tasks), .strings("NAME", model.parameters.names),
        ]
        for (i, value) in model.parameters.values.enumerated() {
            sections.append(.array(parameterTag(i), .f32, value.data))
        }
        for (level, kinds) in (context?.states ?? []).enumerated() {
            for kind in NodeKind.allCases {
                guard let matrix = kinds[kind.rawValue] else { continue }
                sections.append(.array(contextTag(kind, level), .f32, matrix.data))
            }
        }
        if let tables {
            sections += [.array("AN5R", .f64, tables.reals), .array("AN5C", .u32, tables.counts)]
        }
        try FileIO.writeAtomically(SectionFile(.weights, sections: sections).encoded(), to: path)
    }

    /// Reads and verifies a weights file.
    public static func read(from path: String) throws -> TrainedModel {
        let file = try SectionFile(contentsOf: path, expecting: .weights)
        func section(_ tag: String) throws -> SectionFile.Section {
            guard let section = file.section(tag) else { throw DataError("\(path): missing section \(tag)") }
            return section
        }
        var config = ModelConfig()
        var record = (epoch: 0, validation: 0.0, run: 0)
        var fingerprint: UInt32?
        var tables: (level: TableLevel, figure: Double)?
        try section("CONF").bytes.withUnsafeBytes { raw in
            try JSONLReader.parseObject(raw, at: SourceLocation(file: path, line: 1)) { conf in
                guard let kind = ModelKind(rawValue: try conf.string("model")) else { throw conf.error("model", "unknown") }
                guard let mode = GraphMode(rawValue: try conf.string("mode")) else { throw conf.error("mode", "unknown") }
                guard let loss = LossKind(rawValue: try conf.string("loss")) else { throw conf.error("loss", "unknown") }
                config.kind = kind
                config.mode = mode
                config.loss = loss
                config.hidden = try conf.optionalInteger("hidden", minimum: 1) ?? 0
                config.layers = try conf.optionalInteger("layers") ?? 0
                config.dropout = Float(try conf.number("dropout", in: 0...1))
                config.fanout = try conf.optionalInteger("fanout", minimum: 1) ?? 1
                config.neighbors = try conf.optionalInteger("neighbors", minimum: 1) ?? 1
                config.encoder = try conf.string("encoder")
                config.queryWidth = try conf.optionalInteger("query_width") ?? 0
                config.taskWidth = try conf.optionalInteger("task_width") ?? 0
                config.llmWidth = try conf.optionalInteger("llm_width") ?? 0
                config.responseWidth = try conf.optionalInteger("response_width") ?? 0
                if let level = try conf.optionalString("table_level") {
                    guard let parsed = TableLevel(rawValue: level) else { throw conf.error("table_level", "unknown") }
                    config.tableLevel = parsed
                }
                record = (try conf.optionalInteger("best_epoch") ?? 0, try conf.number("best_validation"),
                          try conf.optionalInteger("epochs_run") ?? 0)
                if let start = try conf.optionalString("anchor_start") {
                    guard let parsed = AnchorMix(rawValue: start) else { throw conf.error("anchor_start", "unknown") }
                    config.anchorStart = parsed
                }
                if let figure = try conf.optionalNumber("start_figure") {
                    config.anchorStartEvidence = StartEvidence(
                        figure: figure, tableGain: try conf.number("start_gain_over_table"),
                        standardError: try conf.number("start_gain_standard_error", in: 0...Double.greatestFiniteMagnitude,
                                                       describedAs: "a number >= 0"))
                }
                if let figure = try conf.optionalNumber("table_validation") {
                    guard let level = TableLevel(rawValue: try conf.string("table_validation_level")) else {
                        throw conf.error("table_validation_level", "unknown")
                    }
                    tables = (level, figure)
                }
                if let text = try conf.optionalString("graph_fingerprint") {
                    guard let value = UInt32(text) else { throw conf.error("graph_fingerprint", "not a number") }
                    fingerprint = value
                }
            }
        }
        let llms = try section("LLMS").stringValues(name: path)
        config.llmCount = llms.count
        var parameters = ParameterSet()
        parameters.names = try section("NAME").stringValues(name: path)
        // Files from before the anchored gmt hold the paper's model under the name gmt.
        if config.kind == .gmt, !parameters.names.contains("gate") { config.kind = .gmtPaper }
        let shapes = RouterModel(config: config, seed: 0).parameters.shapes
        guard shapes.count == parameters.names.count else { throw DataError("\(path): the weights do not match their configuration") }
        for (i, shape) in shapes.enumerated() {
            var data: [Float] = try section(parameterTag(i)).values(.f32, name: path)
            // Files from before the utility priors have one prior weight per table level.
            if parameters.names[i] == "anchor.c", data.count == TableLevel.allCases.count { data += [0, 0] }
            // Files from before the response-taste priors have none of their weights.
            if parameters.names[i] == "prior.w", data.count == TurnPriors.tasteColumns.lowerBound {
                data += [Float](repeating: 0, count: ResponseTaste.width)
            }
            guard data.count == shape.rows * shape.cols else { throw DataError("\(path): parameter \(parameters.names[i]) has the wrong size") }
            parameters.values.append(Matrix(rows: shape.rows, cols: shape.cols, data: data))
        }
        var context: ContextStates?
        if fingerprint != nil, config.kind.passesMessages {
            let width = config.hidden
            context = ContextStates(states: try (0...config.layers).map { level in
                try NodeKind.allCases.map { kind -> Matrix? in
                    guard let section = file.section(contextTag(kind, level)) else { return nil }
                    let data: [Float] = try section.values(.f32, name: path)
                    guard data.count % width == 0 else { throw DataError("\(path): context section \(section.tag) has the wrong size") }
                    return Matrix(rows: data.count / width, cols: width, data: data)
                }
            })
        }
        var anchorTables: StateArchive?
        if fingerprint != nil, let reals = file.section("AN5R") {
            anchorTables = StateArchive(reals: try reals.values(.f64, name: path), counts: try section("AN5C").values(.u32, name: path))
        }
        return TrainedModel(model: try RouterModel(config: config, parameters: parameters), llms: llms,
                            tasks: try section("TASK").stringValues(name: path),
                            bestEpoch: record.epoch, bestValidation: record.validation, epochsRun: record.run,
                            graphFingerprint: fingerprint, context: context, tables: anchorTables, tableValidation: tables)
    }
}

/// The section tag of the context states of `kind` at `level`: `CT00`, `CM01`, `CU02`...
func contextTag(_ kind: NodeKind, _ level: Int) -> String {
    let letter = ["U", "T", "Q", "M"][kind.rawValue]
    return "C" + letter + (level < 10 ? "0" : "") + String(level)
}

/// The section tag of parameter `index`: `P000`, `P001`...
func parameterTag(_ index: Int) -> String {
    let digits = String(index)
    return "P" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}
