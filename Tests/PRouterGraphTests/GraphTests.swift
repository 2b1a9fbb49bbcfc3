import Foundation
import Testing
import PRouterIO
@testable import PRouterGraph
import PRouterTestSupport

@Suite struct GraphTests {
    @Test func splitSizesFollowTheFractions() throws {
        let graph = try smallGraph(queries: 50, users: 4)
        let counts = graph.splitCounts()
        // 50 query ids: 35 train, 5 validation, 10 test; 4 users each.
        #expect(counts[.train] == 140)
        #expect(counts[.validation] == 20)
        #expect(counts[.test] == 40)
        #expect(graph.nodeCount == 200 && graph.edgeCount == 600)
        #expect(graph.userTaskUser.count == 4)
    }

    @Test func querySplitKeepsEveryCopyOfAQueryTogether() throws {
        let graph = try smallGraph()
        var splitOfQuery: [UInt32: Split] = [:]
        for node in 0..<graph.nodeCount {
            let query = graph.nodeQuery[node]
            #expect(splitOfQuery[query, default: graph.nodeSplit[node]] == graph.nodeSplit[node])
            splitOfQuery[query] = graph.nodeSplit[node]
        }
    }

    @Test func nodeSplitIsTheLeakyAlternative() throws {
        let graph = try smallGraph { $0.splitUnit = .node }
        #expect(graph.splitCounts()[.train] == 140)
        var splitsOfQuery: [UInt32: Set<UInt8>] = [:]
        for node in 0..<graph.nodeCount { splitsOfQuery[graph.nodeQuery[node], default: []].insert(graph.nodeSplit[node].rawValue) }
        #expect(splitsOfQuery.values.contains { $0.count > 1 })
    }

    @Test func splitDependsOnlyOnTheSeed() throws {
        #expect(try smallGraph() == smallGraph())
        #expect(try smallGraph().nodeSplit != smallGraph { $0.seed = 12 }.nodeSplit)
    }

    @Test func foldsTestEveryQueryOnceAndSplitTheRestByTheRatio() throws {
        var testedQueries: [UInt32] = []
        for index in 1...3 {
            let graph = try smallGraph(queries: 50, users: 4) { $0.fold = Fold(index: index, count: 3) }
            #expect(graph.settings.fold == Fold(index: index, count: 3))
            let tested = Set((0..<graph.nodeCount).filter { graph.nodeSplit[$0] == .test }.map { graph.nodeQuery[$0] })
            // 50 shuffled ids cut at 16 and 33: 16, 17 and 17 tested; the rest 7:1 (70/10).
            #expect(tested.count == [16, 17, 17][index - 1])
            let rest = 50 - tested.count
            let training = Set((0..<graph.nodeCount).filter { graph.nodeSplit[$0] == .train }.map { graph.nodeQuery[$0] })
            #expect(training.count == Int((Double(rest) * 7 / 8).rounded()))
            #expect(graph.settings.fractions.map { ($0 * 1e6).rounded() } == [583_333, 83_333, 333_333])
            testedQueries += tested
        }
        #expect(testedQueries.count == 50 && Set(testedQueries).count == 50)
        #expect(try smallGraph { $0.fold = Fold(index: 2, count: 3) }.nodeSplit != smallGraph { $0.fold = Fold(index: 2, count: 3); $0.seed = 12 }.nodeSplit)
        #expect(Fold("2/5") == Fold(index: 2, count: 5))
        #expect(Fold("0/5") == nil && Fold("6/5") == nil && Fold("1/1") == nil && Fold("1/5/2") == nil && Fold("a/5") == nil)
        #expect(Fold("1/1000000") != nil && Fold("1/1000001") == nil && Fold("\(Int.max)/\(Int.max)") == nil)
    }

    @Test func labelsAndFeaturesMatchTheInteractions() throws {
        let graph = try smallGraph()
        let starts = graph.edgeStarts()
        for node in 0..<graph.nodeCount {
            let edges = starts[node]..<starts[node + 1]
            #expect(edges.count == 3)
            let best = edges.filter { graph.edgeBest[$0] }
            #expect(best.count == 1 && graph.edgeLLM[best[0]] == graph.nodeLabel[node])
            let rewards = edges.map { graph.edgeReward[$0] }
            #expect(graph.edgeReward[best[0]] == rewards.max())
        }
        #expect(graph.featureNames == ["perf_norm", "cost_norm"])
        #expect(graph.edgeFeatures.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func newUsersKeepOnlyTheirSupportAndTestNodes() throws {
        let graph = try smallGraph { $0.newUserCount = 2; $0.shots = 3 }
        #expect(graph.settings.newUsers == ["sweep-1", "sweep-2"])
        for user in 0..<4 {
            let splits = (0..<graph.nodeCount).filter { graph.nodeUser[$0] == user }.map { graph.nodeSplit[$0] }
            if user < 2 {
                #expect(splits.filter { $0 == .support }.count == 3)
                #expect(splits.filter { $0 == .test }.count == 10)
                #expect(!splits.contains(.train) && !splits.contains(.validation))
            } else {
                #expect(splits.count == 50 && !splits.contains(.support))
            }
        }
        #expect(graph.settings.droppedNodes == 2 * (35 + 5 - 3))
    }

    @Test func newUsersByID() throws {
        let graph = try smallGraph { $0.newUserIDs = ["sweep-3"]; $0.shots = 1 }
        #expect(graph.settings.newUsers == ["sweep-3"])
        #expect(graph.splitCounts()[.support] == 1)
        #expect(errorMessage { _ = try smallGraph { $0.newUserIDs = ["nobody"] } } == #"no user "nobody" in the input"#)
        #expect(errorMessage { _ = try smallGraph { $0.newUserCount = 4 } } == "at least one user must stay in training")
    }

    @Test func newLLMsAreHiddenOutsideTheirSupport() throws {
        let graph = try smallGraph { $0.newLLMCount = 1; $0.shots = 4 }
        #expect(graph.settings.newLLMs == ["small"])
        for edge in 0..<graph.edgeCount {
            let split = graph.nodeSplit[Int(graph.edgeNode[edge])]
            if graph.edgeLLM[edge] != 0 || split == .test {
                #expect(graph.edgeStatus[edge] == .visible)
            } else if graph.edgeStatus[edge] == .support {
                #expect(split == .train)
            } else {
                #expect(graph.edgeStatus[edge] == .hidden)
            }
        }
        #expect(graph.edgeStatus.filter { $0 == .support }.count == 4)
    }

    @Test func fileRoundTripsExactly() throws {
        let scratch = try Scratch()
        var graph = try smallGraph { $0.newUserCount = 1; $0.newLLMIDs = ["large"]; $0.fold = Fold(index: 4, count: 4) }
        graph.extraSections = [.array("XTRA", .f32, [Float(1.5), 2.5])]
        try graph.write(to: scratch.path("g.prg"))
        let read = try Graph.read(from: scratch.path("g.prg"))
        #expect(read == graph)
        #expect(SectionFile(sections: read.fileSections()).encoded() == SectionFile(sections: graph.fileSections()).encoded())
    }

    @Test func judgeModeGraphsCarryTheBestBit() throws {
        let text = """
            {"user":"u","query_id":"q","task":"t","query":"x","llm":"a","performance":0.5,"cost":1,"best":false}
            {"user":"u","query_id":"q","task":"t","query":"x","llm":"b","performance":0.4,"cost":2,"best":true}
            """
        var builder = GraphBuilder()
        for interaction in try decodeLines(text, Interaction.init) { try builder.add(interaction) }
        let graph = try builder.build(GraphBuildOptions())
        #expect(graph.mode == .judge)
        #expect(graph.featureNames == ["best"] && graph.edgeFeatures == [0, 1])
        #expect(graph.edgeReward.isEmpty && graph.nodeLabel == [1])
    }

    @Test(arguments: [
        ("{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"a\",\"performance\":0.5,\"cost\":1,\"best\":true}",
         "i.jsonl:2: field \"reward\": unexpected (earlier lines have no reward: judge mode)",
         "{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"b\",\"performance\":0.5,\"cost\":1,\"reward\":1,\"best\":false}"),
        ("{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"a\",\"performance\":0.5,\"cost\":1,\"best\":true}",
         "i.jsonl:2: field \"llm\": duplicate interaction of user \"u\", query \"q\" and this LLM",
         "{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"a\",\"performance\":0.5,\"cost\":1,\"best\":false}"),
        ("{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"a\",\"performance\":0.5,\"cost\":1,\"best\":true}",
         "i.jsonl:2: field \"task\": query \"q\" has task \"t\" at i.jsonl:1",
         "{\"user\":\"v\",\"query_id\":\"q\",\"task\":\"s\",\"query\":\"x\",\"llm\":\"a\",\"performance\":0.5,\"cost\":1,\"best\":true}"),
        ("{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"a\",\"performance\":0.5,\"cost\":1,\"best\":true}",
         "i.jsonl:1: field \"best\": user \"u\" and query \"q\" have 2 LLMs marked best, expected exactly one",
         "{\"user\":\"u\",\"query_id\":\"q\",\"task\":\"t\",\"query\":\"x\",\"llm\":\"b\",\"performance\":0.5,\"cost\":1,\"best\":true}"),
    ])
    func builderRejectsInconsistentInteractions(first: String, expected: String, second: String) {
        #expect(errorMessage {
            var builder = GraphBuilder()
            for interaction in try decodeLines(first + "\n" + second, name: "i.jsonl", Interaction.init) { try builder.add(interaction) }
            _ = try builder.build(GraphBuildOptions())
        } == expected)
    }
}

@Suite struct GraphFileTests {
    static func bytes() throws -> [UInt8] {
        let graph = try smallGraph(queries: 6, users: 2)
        return SectionFile(sections: graph.fileSections()).encoded()
    }

    @Test func everyTruncationIsRejected() throws {
        let bytes = try Self.bytes()
        for length in stride(from: 0, to: bytes.count, by: 7) {
            let message = errorMessage { _ = try Graph(file: SectionFile(decoding: Array(bytes[0..<length]), name: "g.prg"), name: "g.prg") }
            #expect(message?.hasPrefix("g.prg: truncated") == true, "length \(length): \(message ?? "accepted")")
        }
    }

    @Test func everyFlippedByteIsRejected() throws {
        let bytes = try Self.bytes()
        for offset in 0..<bytes.count {
            var corrupted = bytes
            corrupted[offset] ^= 0x5A
            let message = errorMessage { _ = try Graph(file: SectionFile(decoding: corrupted, name: "g.prg"), name: "g.prg") }
            #expect(message?.hasPrefix("g.prg: ") == true, "byte \(offset) flipped was accepted")
        }
    }

    @Test func rejectsWrongMagicAndVersion() throws {
        var bytes = try Self.bytes()
        bytes[0] = UInt8(ascii: "X")
        #expect(errorMessage { _ = try SectionFile(decoding: bytes, name: "g.prg") } == "g.prg: not a prouter graph file (bad magic)")
        bytes = try Self.bytes()
        bytes[8] = 9
        #expect(errorMessage { _ = try SectionFile(decoding: bytes, name: "g.prg") }
            == "g.prg: format version 9 is not supported (this build reads version 1)")
    }

    @Test func sectionsAreAlignedForMemoryMapping() throws {
        let bytes = FileBytes(try Self.bytes())
        let count = Int(bytes.load(at: 12, as: UInt32.self))
        for i in 0..<count {
            #expect(bytes.load(at: 32 + 40 * i + 8, as: UInt64.self) % 16 == 0)
        }
    }

    @Test func writesAtomicallyAndLeavesNoTemporaryFile() throws {
        let scratch = try Scratch()
        let graph = try smallGraph(queries: 6, users: 2)
        try graph.write(to: scratch.path("g.prg"))
        try graph.write(to: scratch.path("g.prg"))
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.directory)
        #expect(files == ["g.prg"])
    }
}

@Suite struct GraphValidationTests {
    /// A file whose checksums are right but whose contents are inconsistent is still rejected.
    @Test func rejectsOutOfRangeIndicesWithValidChecksums() throws {
        let graph = try smallGraph(queries: 6, users: 2)
        var sections = graph.fileSections()
        let position = sections.firstIndex { $0.tag == "QNUS" }!
        sections[position] = .array("QNUS", .u32, graph.nodeUser.map { _ in UInt32(99) })
        let bytes = SectionFile(sections: sections).encoded()
        #expect(errorMessage { _ = try Graph(file: SectionFile(decoding: bytes, name: "g.prg"), name: "g.prg") }
            == "g.prg: corrupted: user index 99 out of range")
        sections.remove(at: position)
        #expect(errorMessage { _ = try Graph(file: SectionFile(decoding: SectionFile(sections: sections).encoded(), name: "g.prg"), name: "g.prg") }
            == "g.prg: missing section QNUS")
    }

    /// A split or edge status byte that no version wrote is named in the error.
    @Test func rejectsUnknownEnumeratedValues() throws {
        let graph = try smallGraph(queries: 6, users: 2)
        for (tag, value, message) in [("QNSP", UInt8(9), "unknown split 9"), ("QLST", UInt8(200), "unknown edge status 200")] {
            var sections = graph.fileSections()
            let position = sections.firstIndex { $0.tag == tag }!
            sections[position] = .array(tag, .u8, [UInt8](repeating: value, count: sections[position].count))
            let bytes = SectionFile(sections: sections).encoded()
            #expect(errorMessage { _ = try Graph(file: SectionFile(decoding: bytes, name: "g.prg"), name: "g.prg") }
                == "g.prg: corrupted: \(message)")
        }
    }
}

@Suite struct ChecksumTests {
    @Test func crc32MatchesKnownValues() {
        // The standard check value of CRC-32/IEEE.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        let text = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(CRC32.checksum(text) == 0x414F_A339)
        // Continuing over two parts equals one pass, at every split point.
        for split in 0...text.count {
            let first = CRC32.checksum(Array(text[0..<split]))
            let both = Array(text[split...]).withUnsafeBytes { CRC32.checksum($0, continuing: first) }
            #expect(both == 0x414F_A339)
        }
    }
}
