import PRouterAutodiff
import PRouterGraph
import PRouterIO

/// What `pr-embed` does: add task, query and LLM features to a graph file (query,
/// response and LLM features to a multi-turn graph).
public struct EmbeddingJob: Sendable {
    public var graphPath: String
    /// Where to write; nil rewrites `graphPath` (atomically).
    public var outputPath: String?
    public var tasksPath: String?
    /// LLM descriptions and prices; without them an LLM is described by its id, with zero
    /// price and size columns.
    public var llmsPath: String?
    /// The built-in encoder, used unless `embeddingsPath` is given.
    public var encoder: any SentenceEncoder
    /// External vectors (`{"kind","id","vector"}` lines) instead of the built-in encoder.
    public var embeddingsPath: String?

    public init(graphPath: String, outputPath: String?, tasksPath: String?, llmsPath: String?,
                encoder: any SentenceEncoder, embeddingsPath: String?) {
        self.graphPath = graphPath
        self.outputPath = outputPath
        self.tasksPath = tasksPath
        self.llmsPath = llmsPath
        self.encoder = encoder
        self.embeddingsPath = embeddingsPath
    }

    public func run() throws {
        let input = try GraphFile.read(from: graphPath)
        let llms = try llmsPath.map(Catalog.llms)
        let describesByID = embeddingsPath == nil
        if llms == nil {
            printWarning("no --llms: " + (describesByID ? "each LLM is described by its id, with " : "")
                + "no price or size columns (give llms.jsonl for better features)")
        }
        // The vectors of items of one kind, by id (external) or from their texts (built in).
        let vectors: (Kind, [String], (Int) throws -> String) throws -> [[Float]]
        let encoderName: String
        let width: Int
        if let embeddingsPath {
            let external = try ExternalEmbeddings(path: embeddingsPath)
            encoderName = "external"
            width = external.dimension
            vectors = { kind, ids, _ in try ids.map { try external.vector(kind, $0) } }
        } else {
            encoderName = encoder.name
            width = encoder.dimension
            vectors = { [encoder] _, ids, text in encoder.encode(try ids.indices.map(text)) }
        }
        func rows(_ kind: Kind, _ ids: [String], extra: (Int) throws -> [Float] = { _ in [] },
                  text: (Int) throws -> String) throws -> Matrix {
            let data = try zip(ids.indices, try vectors(kind, ids, text)).flatMap { try $0.1 + extra($0.0) }
            return Matrix(rows: ids.count, cols: ids.isEmpty ? width : data.count / ids.count, data: data)
        }
        func llmRows(_ ids: [String]) throws -> Matrix {
            guard let llms, let llmsPath else {
                return try rows(.llm, ids, extra: { _ in [Float](repeating: 0, count: NodeFeatures.llmProfileColumns) }, text: { ids[$0] })
            }
            func spec(_ index: Int) throws -> LLMSpec {
                guard let spec = llms[ids[index]] else { throw DataError("LLM \"\(ids[index])\" of the graph is not in \(llmsPath)") }
                return spec
            }
            return try rows(.llm, ids, extra: { NodeFeatures.llmProfile(try spec($0)) }, text: { try spec($0).description })
        }
        var graph: Graph
        switch input {
        case .multiTurn(var conversations):
            let turnIDs = (0..<conversations.turnCount).map { conversations.queryID(ofTurn: $0) }
            let responseIDs = conversations.responseTurn.indices.map { "\(turnIDs[Int(conversations.responseTurn[$0])])/\(conversations.llms[Int(conversations.responseLLM[$0])])" }
            conversations.features = ConversationFeatures(
                encoder: encoderName, dimension: width,
                query: try rows(.query, turnIDs) { conversations.queryTexts[$0] },
                response: try rows(.response, responseIDs) { conversations.responseTexts[$0] },
                llm: try llmRows(conversations.llms))
            try conversations.write(to: outputPath ?? graphPath)
            return
        case .singleTurn(let single, _):
            graph = single
        }
        let tasks = try tasksPath.map { path in
            Dictionary(uniqueKeysWithValues: try Catalog.tasks(path).map { ($0.task, $0) })
        }
        if tasks == nil, describesByID, !graph.tasks.isEmpty {
            printWarning("no --tasks: each task is described by its id (give tasks.jsonl for better features)")
        }
        let taskMatrix = try rows(.task, graph.tasks) { index in
            guard let tasks else { return graph.tasks[index] }
            guard let spec = tasks[graph.tasks[index]] else { throw DataError("task \"\(graph.tasks[index])\" of the graph is not in \(tasksPath!)") }
            return spec.description
        }
        let queryMatrix = try rows(.query, graph.queryIDs) { graph.queryTexts[$0] }
        graph.features = NodeFeatures(encoder: encoderName, dimension: width, task: taskMatrix, query: queryMatrix,
                                      llm: try llmRows(graph.llms))
        try graph.write(to: outputPath ?? graphPath)
    }

    /// The node kinds that have text features. Multi-turn graphs name a turn's query
    /// `CONVERSATION#TURN` and a response `CONVERSATION#TURN/LLM`.
    public enum Kind: String, Sendable {
        case task, query, llm, response
    }
}

/// Vectors from an external encoder: `{"kind":"query|task|llm|response","id":...,"vector":[...]}` lines,
/// each value within ±``largestValue``.
public struct ExternalEmbeddings: Sendable {
    /// The largest magnitude of an embedding value.
    static let largestValue = 1e6
    public private(set) var dimension = 0
    private var vectors: [String: [Float]] = [:]
    private let path: String

    public init(path: String) throws {
        self.path = path
        var dimension: Int?
        var vectors: [String: [Float]] = [:]
        try JSONLReader(path: path).forEach { record in
            let kindName = try record.string("kind")
            guard EmbeddingJob.Kind(rawValue: kindName) != nil else {
                throw record.error("kind", "expected \"query\", \"task\", \"llm\" or \"response\", got \"\(kindName)\"")
            }
            let id = try record.string("id")
            let numbers = try record.numberArray("vector")
            // Squares and sums of the values must stay finite in Float arithmetic.
            if let index = numbers.firstIndex(where: { abs($0) > Self.largestValue }) {
                throw record.error("vector", "value \(index) is \(numbers[index]); embedding values must be within ±1e6")
            }
            let vector = numbers.map(Float.init)
            guard !vector.isEmpty, dimension == nil || dimension == vector.count else {
                throw record.error("vector", "expected \(dimension ?? 1)\(dimension == nil ? "+" : "") numbers, got \(vector.count)")
            }
            dimension = vector.count
            let key = kindName + "\u{0}" + id
            guard vectors.updateValue(vector, forKey: key) == nil else { throw record.error("id", "duplicate \(kindName) \"\(id)\"") }
        }
        guard let dimension else { throw DataError("\(path): no vectors") }
        self.dimension = dimension
        self.vectors = vectors
    }

    /// The vector of node `id` of `kind`; a missing one is an error.
    public func vector(_ kind: EmbeddingJob.Kind, _ id: String) throws -> [Float] {
        guard let vector = vectors[kind.rawValue + "\u{0}" + id] else {
            throw DataError("\(path): no vector for \(kind.rawValue) \"\(id)\"")
        }
        return vector
    }
}
