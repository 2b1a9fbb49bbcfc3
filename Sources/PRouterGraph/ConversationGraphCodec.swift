import PRouterIO

/// Reading and writing a ``ConversationGraph`` as a ``SectionFile``: the graph container
/// with META mode `multi-turn` and its own sections (turns `TN..`, responses `RS..`,
/// features `FQRY`, `FRSP`, `FLLM`).
extension ConversationGraph {
    /// The META mode of multi-turn graph files.
    public static let modeName = "multi-turn"

    public func fileSections() -> [SectionFile.Section] {
        var meta = JSONObjectBuilder()
        meta.add("mode", Self.modeName)
        settings.encode(into: &meta)
        let metaBytes = Array(meta.text().utf8)
        var sections: [SectionFile.Section] = [
            SectionFile.Section(tag: "META", kind: .json, count: metaBytes.count, bytes: metaBytes),
            .strings("USER", users), .strings("LLMS", llms), .strings("CONV", conversations),
            .array("TNUS", .u32, turnUser), .array("TNCV", .u32, turnConversation), .array("TNNO", .u32, turnNumber),
            .array("TNSP", .u8, turnSplit.map(\.rawValue)), .strings("TQTX", queryTexts),
            .array("RSTN", .u32, responseTurn), .array("RSLM", .u32, responseLLM), .strings("RSTX", responseTexts),
            .array("RSSG", .f32, responseSignals), .array("RSFB", .u8, responseFeedback.map(\.rawValue)),
            .array("RSRT", .f32, responseRating),
        ]
        if let features {
            sections += [
                FeatureHeader(encoder: features.encoder, dimension: features.dimension, llmColumns: features.llm.cols).section,
                .array("FQRY", .f32, features.query.data), .array("FRSP", .f32, features.response.data),
                .array("FLLM", .f32, features.llm.data),
            ]
        }
        return sections
    }

    /// Writes the graph to `path` atomically.
    public func write(to path: String) throws {
        try FileIO.writeAtomically(SectionFile(sections: fileSections()).encoded(), to: path)
    }

    /// Reads and verifies the multi-turn graph file at `path`.
    public static func read(from path: String) throws -> ConversationGraph {
        let file = try SectionFile(contentsOf: path)
        guard try GraphFileMode(file: file, name: path) == .multiTurn else {
            throw UsageError("\(path) is not a multi-turn graph: build it with pr-build-graph --multi-turn")
        }
        return try ConversationGraph(file: file, name: path)
    }

    /// Decodes a verified container, checking every count and index.
    public init(file: SectionFile, name: String) throws {
        let reader = SectionReader(file: file, name: name)
        let (fail, u32, u8, f32, strings) = (reader.fail, reader.u32, reader.u8, reader.f32, reader.strings)
        var settings = GraphSettings()
        try reader.json("META") { settings = try GraphSettings($0) }
        self.settings = settings
        users = try strings("USER")
        llms = try strings("LLMS")
        conversations = try strings("CONV")
        turnUser = try u32("TNUS")
        turnConversation = try u32("TNCV")
        turnNumber = try u32("TNNO")
        queryTexts = try strings("TQTX")
        responseTurn = try u32("RSTN")
        responseLLM = try u32("RSLM")
        responseTexts = try strings("RSTX")
        responseSignals = try f32("RSSG")
        responseRating = try f32("RSRT")
        let splits = try u8("TNSP"), feedback = try u8("RSFB")
        let turns = turnUser.count, responses = responseTurn.count
        guard [turnConversation.count, turnNumber.count, queryTexts.count, splits.count].allSatisfy({ $0 == turns }) else {
            throw fail("turn sections differ in length")
        }
        guard [responseLLM.count, responseTexts.count, feedback.count, responseRating.count].allSatisfy({ $0 == responses }),
              responseSignals.count == 3 * responses else {
            throw fail("response sections differ in length")
        }
        try reader.checkIndices(turnUser, below: users.count, "user")
        try reader.checkIndices(turnConversation, below: conversations.count, "conversation")
        try reader.checkIndices(responseTurn, below: turns, "response turn")
        try reader.checkIndices(responseLLM, below: llms.count, "response LLM")
        guard zip(responseTurn, responseTurn.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw fail("responses not grouped by turn") }
        for t in 1..<max(1, turns) where turnConversation[t] == turnConversation[t - 1] && turnNumber[t] != turnNumber[t - 1] + 1 {
            throw fail("turn \(t) does not follow the turn before it")
        }
        turnSplit = try reader.decoded(splits, as: Split.self, "split")
        responseFeedback = try reader.decoded(feedback, as: Feedback.self, "feedback")
        features = nil
        if let header = try reader.featureHeader() {
            features = ConversationFeatures(encoder: header.encoder, dimension: header.dimension,
                                            query: try reader.matrix("FQRY", rows: turns, cols: header.dimension),
                                            response: try reader.matrix("FRSP", rows: responses, cols: header.dimension),
                                            llm: try reader.matrix("FLLM", rows: llms.count, cols: header.llmColumns))
        }
    }

    /// Writes the turns of `split` (`pr-build-graph --export-queries` on a multi-turn
    /// graph), one `{"user","query_id","conversation_id","turn","query"}` line each, with
    /// the turn ids routes and `pr-eval` use (`CONVERSATION#TURN`).
    public func writeQueries(of split: Split, to writer: JSONLWriter) throws {
        for turn in 0..<turnCount where turnSplit[turn] == split {
            try writer.write {
                $0.add("user", users[Int(turnUser[turn])])
                $0.add("query_id", queryID(ofTurn: turn))
                $0.add("conversation_id", conversations[Int(turnConversation[turn])])
                $0.add("turn", Int(turnNumber[turn]))
                $0.add("query", queryTexts[turn])
            }
        }
    }

    /// Writes the JSON summary `pr-build-graph --info` prints.
    public func writeSummary(to writer: JSONLWriter, fileSize: Int? = nil) throws {
        let splits = splitCounts()
        let nextTurns = (1..<max(1, turnCount)).filter { turnConversation[$0] == turnConversation[$0 - 1] }.count
        try writer.write { info in
            info.add("format_version", Int(SectionFile.version))
            info.add("mode", Self.modeName)
            info.addObject("nodes") {
                $0.add("user", users.count)
                $0.add("llm", llms.count)
                $0.add("turn", turnCount)
                $0.add("query", turnCount)
                $0.add("response", responseCount)
            }
            info.add("conversations", conversations.count)
            info.addObject("edges") {
                $0.add("user-turn", turnCount)
                $0.add("turn-query", turnCount)
                $0.add("turn-response", responseCount)
                $0.add("query-response", responseCount)
                $0.add("response-llm", responseCount)
                $0.add("turn-next-turn", nextTurns)
            }
            info.addObject("split") { object in
                for split in Split.allCases { object.add(split.name, splits[split] ?? 0) }
            }
            info.add("labelled_turns", Set(zip(responseTurn, responseFeedback).filter { $0.1 == .preferred }.map(\.0)).count)
            settings.encode(into: &info)
            if let features {
                info.addObject("features") {
                    $0.add("encoder", features.encoder)
                    $0.add("dimension", features.dimension)
                    $0.add("llm_columns", features.llm.cols)
                }
            }
            if let fileSize { info.add("bytes", fileSize) }
        }
    }
}

/// Which kind of graph a graph file holds, from its META mode.
public enum GraphFileMode: Sendable, Equatable {
    /// A PersonalizedRouter graph (cost or judge mode): ``Graph``.
    case singleTurn
    /// A GMTRouter graph: ``ConversationGraph``.
    case multiTurn

    /// Peeks at a verified container's META section.
    public init(file: SectionFile, name: String) throws {
        guard let meta = file.section("META") else { throw DataError("\(name): missing section META") }
        var mode = ""
        try meta.bytes.withUnsafeBytes { raw in
            try JSONLReader.parseObject(raw, at: SourceLocation(file: name, line: 1)) { mode = try $0.string("mode") }
        }
        self = mode == ConversationGraph.modeName ? .multiTurn : .singleTurn
    }

}

/// A graph file read once, whichever kind it holds.
public enum GraphFile {
    case singleTurn(Graph, fingerprint: UInt32)
    case multiTurn(ConversationGraph)

    /// Reads and verifies the graph file at `path`.
    public static func read(from path: String) throws -> GraphFile {
        let file = try SectionFile(contentsOf: path)
        switch try GraphFileMode(file: file, name: path) {
        case .singleTurn: return .singleTurn(try Graph(file: file, name: path), fingerprint: file.fingerprint!)
        case .multiTurn: return .multiTurn(try ConversationGraph(file: file, name: path))
        }
    }
}
