import PRouterIO

/// Reading and writing a ``Graph`` as a ``SectionFile``.
extension Graph {
    private static let knownTags: Set<String> = [
        "META", "USER", "TASK", "LLMS", "QIDS", "QTXT", "QNUS", "QNTK", "QNQY", "QNSP", "QNLB",
        "UTUS", "UTTK", "QLQN", "QLLM", "QLFT", "QLBS", "QLST", "QLPF", "QLCS", "QLRW",
        "FEAT", "FTSK", "FQRY", "FLLM",
    ]

    /// The graph's sections, in a fixed order, followed by any extra ones.
    public func fileSections() -> [SectionFile.Section] {
        var meta = JSONObjectBuilder()
        meta.add("mode", mode.rawValue)
        encodeSettings(into: &meta)
        let metaBytes = Array(meta.text().utf8)
        return [
            SectionFile.Section(tag: "META", kind: .json, count: metaBytes.count, bytes: metaBytes),
            .strings("USER", users), .strings("TASK", tasks), .strings("LLMS", llms),
            .strings("QIDS", queryIDs), .strings("QTXT", queryTexts),
            .array("QNUS", .u32, nodeUser), .array("QNTK", .u32, nodeTask), .array("QNQY", .u32, nodeQuery),
            .array("QNSP", .u8, nodeSplit.map(\.rawValue)), .array("QNLB", .u32, nodeLabel),
            .array("UTUS", .u32, userTaskUser), .array("UTTK", .u32, userTaskTask),
            .array("QLQN", .u32, edgeNode), .array("QLLM", .u32, edgeLLM), .array("QLFT", .f32, edgeFeatures),
            .array("QLBS", .u8, edgeBest.map { $0 ? UInt8(1) : 0 }), .array("QLST", .u8, edgeStatus.map(\.rawValue)),
            .array("QLPF", .f64, edgePerformance), .array("QLCS", .f64, edgeCost), .array("QLRW", .f64, edgeReward),
        ] + featureSections() + extraSections
    }

    private func featureSections() -> [SectionFile.Section] {
        guard let features else { return [] }
        return [
            FeatureHeader(encoder: features.encoder, dimension: features.dimension, llmColumns: features.llm.cols).section,
            .array("FTSK", .f32, features.task.data), .array("FQRY", .f32, features.query.data),
            .array("FLLM", .f32, features.llm.data),
        ]
    }

    /// Adds the build settings and feature names, as META and `--info` show them.
    func encodeSettings(into object: inout JSONObjectBuilder) {
        settings.encode(into: &object)
        object.add("edge_features", featureNames)
    }

    /// Writes the graph to `path` atomically.
    public func write(to path: String) throws {
        try FileIO.writeAtomically(SectionFile(sections: fileSections()).encoded(), to: path)
    }

    /// Reads and verifies the graph file at `path`.
    public static func read(from path: String) throws -> Graph {
        try readWithFingerprint(from: path).graph
    }

    /// Reads and verifies the graph file at `path`, with the file's content fingerprint.
    public static func readWithFingerprint(from path: String) throws -> (graph: Graph, fingerprint: UInt32) {
        let file = try SectionFile(contentsOf: path)
        return (try Graph(file: file, name: path), file.fingerprint!)
    }

    /// Decodes a verified container, checking every count and index.
    public init(file: SectionFile, name: String) throws {
        let reader = SectionReader(file: file, name: name)
        let (fail, u32, u8, f64, strings) = (reader.fail, reader.u32, reader.u8, reader.f64, reader.strings)
        var mode = GraphMode.cost
        var settings = GraphSettings()
        var featureNames: [String] = []
        try reader.json("META") { meta in
            let modeName = try meta.string("mode")
            if modeName == ConversationGraph.modeName {
                throw UsageError("\(name) is a multi-turn graph (pr-build-graph --multi-turn): only the gmt model and its baselines trained through pr-train use it")
            }
            guard let parsed = GraphMode(rawValue: modeName) else { throw meta.error("mode", "unknown") }
            mode = parsed
            settings = try GraphSettings(meta)
            featureNames = try meta.stringArray("edge_features")
        }
        self.mode = mode
        self.settings = settings
        self.featureNames = featureNames
        users = try strings("USER")
        tasks = try strings("TASK")
        llms = try strings("LLMS")
        queryIDs = try strings("QIDS")
        queryTexts = try strings("QTXT")
        nodeUser = try u32("QNUS")
        nodeTask = try u32("QNTK")
        nodeQuery = try u32("QNQY")
        nodeLabel = try u32("QNLB")
        userTaskUser = try u32("UTUS")
        userTaskTask = try u32("UTTK")
        edgeNode = try u32("QLQN")
        edgeLLM = try u32("QLLM")
        edgeFeatures = try reader.f32("QLFT")
        edgePerformance = try f64("QLPF")
        edgeCost = try f64("QLCS")
        edgeReward = try f64("QLRW")
        let splits = try u8("QNSP")
        let best = try u8("QLBS")
        let status = try u8("QLST")
        extraSections = file.sections.filter { !Self.knownTags.contains($0.tag) }
        features = nil
        if let header = try reader.featureHeader() {
            features = NodeFeatures(encoder: header.encoder, dimension: header.dimension,
                                    task: try reader.matrix("FTSK", rows: tasks.count, cols: header.dimension),
                                    query: try reader.matrix("FQRY", rows: queryIDs.count, cols: header.dimension),
                                    llm: try reader.matrix("FLLM", rows: llms.count, cols: header.llmColumns))
        }

        let nodes = nodeUser.count
        let edges = edgeNode.count
        guard queryTexts.count == queryIDs.count else { throw fail("QTXT and QIDS differ in length") }
        guard [nodeTask.count, nodeQuery.count, nodeLabel.count, splits.count].allSatisfy({ $0 == nodes }) else {
            throw fail("query node sections differ in length")
        }
        guard userTaskTask.count == userTaskUser.count else { throw fail("UTUS and UTTK differ in length") }
        guard [edgeLLM.count, best.count, status.count, edgePerformance.count, edgeCost.count].allSatisfy({ $0 == edges }),
              edgeFeatures.count == edges * featureNames.count,
              edgeReward.count == (mode == .cost ? edges : 0) else {
            throw fail("query-LLM edge sections differ in length")
        }
        try reader.checkIndices(nodeUser, below: users.count, "user")
        try reader.checkIndices(nodeTask, below: tasks.count, "task")
        try reader.checkIndices(nodeQuery, below: queryIDs.count, "query")
        try reader.checkIndices(nodeLabel, below: llms.count, "label LLM")
        try reader.checkIndices(userTaskUser, below: users.count, "user-task user")
        try reader.checkIndices(userTaskTask, below: tasks.count, "user-task task")
        try reader.checkIndices(edgeNode, below: nodes, "edge node")
        try reader.checkIndices(edgeLLM, below: llms.count, "edge LLM")
        guard zip(edgeNode, edgeNode.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw fail("edges not grouped by node") }
        nodeSplit = try reader.decoded(splits, as: Split.self, "split")
        edgeStatus = try reader.decoded(status, as: EdgeStatus.self, "edge status")
        edgeBest = try best.map { raw in
            guard raw <= 1 else { throw fail("best bit \(raw)") }
            return raw == 1
        }
    }
}

extension GraphSettings {
    /// Adds the settings to a META object.
    func encode(into object: inout JSONObjectBuilder) {
        object.add("split_unit", splitUnit.rawValue)
        object.add("fractions", fractions)
        object.add("seed", String(seed))
        if let fold {
            object.add("fold", fold.index)
            object.add("folds", fold.count)
        }
        object.add("shots", shots)
        object.add("new_users", newUsers)
        object.add("new_llms", newLLMs)
        object.add("dropped_nodes", droppedNodes)
    }

    /// Reads the settings of a META object.
    init(_ meta: JSONRecord) throws {
        guard let unit = SplitUnit(rawValue: try meta.string("split_unit")) else { throw meta.error("split_unit", "unknown") }
        guard let seed = UInt64(try meta.string("seed")) else { throw meta.error("seed", "not a number") }
        var fold: Fold?
        if let index = try meta.optionalInteger("fold") {
            guard let valid = Fold(index: index, count: try meta.optionalInteger("folds") ?? 0) else {
                throw meta.error("fold", "not within 1...folds, with folds from 2 to \(Fold.maximumCount)")
            }
            fold = valid
        }
        self.init(splitUnit: unit, fractions: try meta.numberArray("fractions"), seed: seed, fold: fold,
                  shots: try meta.optionalInteger("shots") ?? 0, newUsers: try meta.stringArray("new_users"),
                  newLLMs: try meta.stringArray("new_llms"), droppedNodes: try meta.optionalInteger("dropped_nodes") ?? 0)
    }
}
