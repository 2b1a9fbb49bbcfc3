import Testing
import PRouterGraph
import PRouterIO
@testable import PRouterEmbedding
import PRouterTestSupport

@Suite struct EmbeddingTests {
    @Test func externalVectorsAreValidated() throws {
        #expect(errorMessage { _ = try ExternalEmbeddings(path: try Scratch().file("v.jsonl", #"{"kind":"user","id":"u","vector":[1]}"#)) }
            == #"v.jsonl:1: field "kind": expected "query", "task", "llm" or "response", got "user""#)
        let mixed = """
            {"kind":"query","id":"q1","vector":[1,2]}
            {"kind":"task","id":"t","vector":[1,2,3]}
            """
        #expect(errorMessage { _ = try ExternalEmbeddings(path: try Scratch().file("v.jsonl", mixed)) }
            == #"v.jsonl:2: field "vector": expected 2 numbers, got 3"#)
        let vectors = try ExternalEmbeddings(path: try Scratch().file("v.jsonl", #"{"kind":"query","id":"q1","vector":[0.5,2]}"#))
        #expect(try vectors.vector(.query, "q1") == [0.5, 2])
        #expect(errorMessage { _ = try vectors.vector(.task, "q1") } == #"v.jsonl: no vector for task "q1""#)
    }

    @Test func embeddingJobAddsFeaturesFromExternalVectors() throws {
        let scratch = try Scratch()
        var graph = try smallGraph(queries: 4, users: 2)
        try graph.write(to: scratch.path("g.prg"))
        try scratch.file("llms.jsonl", graph.llms.map {
            #"{"llm":"\#($0)","description":"d","price_in":1,"price_out":3,"params_b":7}"#
        }.joined(separator: "\n"))
        let lines = graph.queryIDs.map { #"{"kind":"query","id":"\#($0)","vector":[1,0,0]}"# }
            + graph.tasks.map { #"{"kind":"task","id":"\#($0)","vector":[0,1,0]}"# }
            + graph.llms.map { #"{"kind":"llm","id":"\#($0)","vector":[0,0,1]}"# }
        try scratch.file("v.jsonl", lines.joined(separator: "\n"))
        try EmbeddingJob(graphPath: scratch.path("g.prg"), outputPath: scratch.path("e.prg"), tasksPath: nil,
                         llmsPath: scratch.path("llms.jsonl"), encoder: TextEncoder(dimension: 8), embeddingsPath: scratch.path("v.jsonl")).run()
        graph = try Graph.read(from: scratch.path("e.prg"))
        let features = try #require(graph.features)
        #expect(features.encoder == "external" && features.dimension == 3)
        #expect(features.query.rows == 4 && features.query.data.prefix(3) == [1, 0, 0])
        #expect(features.llm.cols == 6)
        #expect(features.llm.data.suffix(3) == NodeFeatures.llmProfile(
            try decodeLines(#"{"llm":"x","description":"d","price_in":1,"price_out":3,"params_b":7}"#, LLMSpec.init)[0])[...])
        try scratch.file("short.jsonl", lines.dropLast().joined(separator: "\n"))
        #expect(errorMessage {
            try EmbeddingJob(graphPath: scratch.path("g.prg"), outputPath: nil, tasksPath: nil, llmsPath: scratch.path("llms.jsonl"),
                             encoder: TextEncoder(dimension: 8), embeddingsPath: scratch.path("short.jsonl")).run()
        } == #"short.jsonl: no vector for llm "large""#)
    }
}
