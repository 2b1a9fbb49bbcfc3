/// What `pr-route` does: score every candidate LLM of a set of queries with a trained
/// model and write one route per query, in input order.
public struct RoutingJob: Sendable {
    public var graphPath: String
    public var weightsPath: String
    /// Route the graph's own query nodes of this split...
    public var split: Split?
    /// ...or `{"user","query","task"}` lines (optional `query_id`) from this file (`-` for stdin).
    public var queriesPath: String
    /// Past interactions of users not in the graph, attached as observed nodes.
    public var supportPath: String?
    /// Descriptions and prices of LLMs not in the graph that the support interactions use.
    public var llmsPath: String?
    /// Vectors for new queries when the graph was embedded with an external encoder.
    public var embeddingsPath: String?
    /// Route users with no observed interactions with an empty profile instead of failing.
    public var allowUnknownUsers: Bool
    /// With a gmt model and conversations on the input, route every turn (each given the
    /// turns before it) instead of each conversation's last turn.
    public var everyTurn = false
    /// Route every good input line and report the bad ones (to `errorsPath` as
    /// `{"line","error"}` lines, else on standard error) instead of stopping at the first.
    public var keepGoing = false
    public var errorsPath: String?
    /// The all-MiniLM-L6-v2 model folder, for a graph embedded with `--encoder minilm`
    /// (nil: ``MiniLMEncoder/defaultDirectory``).
    public var modelDirectory: String?

    public init(graphPath: String, weightsPath: String, split: Split?, queriesPath: String, supportPath: String?,
                llmsPath: String?, embeddingsPath: String?, allowUnknownUsers: Bool) {
        self.llmsPath = llmsPath
        self.graphPath = graphPath
        self.weightsPath = weightsPath
        self.split = split
        self.queriesPath = queriesPath
        self.supportPath = supportPath
        self.embeddingsPath = embeddingsPath
        self.allowUnknownUsers = allowUnknownUsers
    }

    /// Writes the routes; returns how many input lines were skipped as bad (only with
    /// ``keepGoing``; otherwise the first bad line throws).
    @discardableResult
    public func run(writer: JSONLWriter) throws -> Int {
        var clock = StageClock(tool: "pr-route")
        let trained = try TrainedModel.read(from: weightsPath)
        let file = try GraphFile.read(from: graphPath)
        clock.finished("read weights and graph")
        let graph: Graph, fingerprint: UInt32?
        switch file {
        case .multiTurn(let conversations):
            if trained.model.config.kind.readsConversations {
                try ConversationRoutingJob(job: self, trained: trained, graph: conversations).run(writer: writer)
                return 0
            }
            (graph, fingerprint) = (try conversations.flattened(), nil)
        case .singleTurn(let single, let print):
            guard !trained.model.config.kind.readsConversations else {
                throw UsageError("\(weightsPath) is a gmt model: route with the multi-turn graph it was trained on (pr-build-graph --multi-turn)")
            }
            (graph, fingerprint) = (single, print)
        }
        guard trained.llms == graph.llms, trained.tasks == graph.tasks else {
            throw DataError("\(weightsPath): trained on other LLMs or tasks than \(graphPath)")
        }
        guard trained.model.config.mode == graph.mode else {
            throw DataError("\(weightsPath): a \(trained.model.config.mode.rawValue)-mode model cannot route a \(graph.mode.rawValue)-mode graph")
        }
        // Validation queries are evidence when routing anything but themselves.
        var data = try RoutingData(graph: graph, routing: true, validationObserved: split != .validation)
        clock.finished("routing data")
        guard data.queryFeatures.cols == trained.model.config.queryWidth, graph.features?.encoder == trained.model.config.encoder else {
            throw DataError("\(weightsPath): trained on other node features than \(graphPath) has (run pr-embed as for training)")
        }
        // The text encoder (a MiniLM model folder, external vectors) is needed only for
        // queries and LLMs that are not in the graph: not to route a split of it.
        let embedder = split == nil || supportPath != nil
            ? try QueryEmbedder(encoder: graph.features!.encoder, dimension: graph.features!.dimension,
                                embeddingsPath: embeddingsPath, modelDirectory: modelDirectory, newItems: "queries")
            : nil
        clock.finished("query encoder")
        if let supportPath, let embedder { try attachSupport(supportPath, to: &data, embedder: embedder) }
        if data.llmIDs.count > trained.llms.count, !trained.model.config.kind.routesNewLLMs {
            throw UsageError("the \(trained.model.config.kind) model has one output per trained LLM and cannot route to new LLMs")
        }
        // The weights' context states and tables hold for the very graph file trained on, as
        // long as no --support interactions change its observed nodes and no unknown user
        // joined `data`. (The cache observes the validation nodes.)
        func cached(for data: RoutingData) throws -> RoutingCache {
            let unchanged = supportPath == nil && split != .validation && trained.graphFingerprint == fingerprint
                && data.userIDs.count == graph.users.count && data.llmIDs.count == graph.llms.count
            return unchanged ? try RoutingCache(trained, data: data, name: weightsPath) : RoutingCache()
        }
        guard let split else {  // (with no split, the encoder was made above)
            return try routeNewQueries(into: writer, data: data, model: trained.model, cached: cached, embedder: embedder!, clock: &clock)
        }
        let targets = (0..<data.nodeCount).filter { data.nodeSplit[$0] == split }
        if targets.isEmpty {
            printWarning("\(graphPath): the \(split.name) split has no query nodes (pr-build-graph --info shows the split; --split sets its proportions)")
        }
        let cache = try cached(for: data)
        let context = PredictionContext(routing: data, model: trained.model, cached: cache)
        clock.finished("tables and profiles")
        let (graphPath, routed) = (graphPath, data)
        try context.forEachPrediction(model: trained.model, targets: targets, context: cache.states, render: { chunk, scores in
            Result { try Self.render(routes: chunk, scores: scores, data: routed, graphPath: graphPath) }
        }) { try writer.writeLines($0.get()) }
        clock.finished("predict and write \(targets.count) routes")
        return 0
    }

    /// The error for scores that are not finite: some number of the input (a cost, a
    /// reward or an embedding value) is too large for the model's arithmetic.
    static func notFinite(user: String, query: String) -> DataError {
        DataError("user \"\(user)\" and query \"\(query)\": the model's scores are not finite numbers; an input number "
            + "(a cost, a reward, an embedding value, here or in --support) is too large")
    }

    /// The route lines of `targets`, given their candidates' scores.
    static func render(routes targets: ArraySlice<Int>, scores: [[Float]], data: RoutingData, graphPath: String) throws -> [UInt8] {
        var lines: [UInt8] = []
        for (node, nodeScores) in zip(targets, scores) {
            let edges = data.edges(of: node)
            guard let best = nodeScores.indices.max(by: { nodeScores[$0] < nodeScores[$1] }) else {
                throw DataError("\(graphPath): user \"\(data.userIDs[Int(data.nodeUser[node])])\" and query \"\(data.nodeQueryID[node])\" have no candidate LLM the model may route to")
            }
            guard nodeScores.allSatisfy(\.isFinite) else { throw Self.notFinite(user: data.userIDs[Int(data.nodeUser[node])], query: data.nodeQueryID[node]) }
            JSONObjectBuilder.appendLine(to: &lines) { route in
                route.add("user", data.userIDs[Int(data.nodeUser[node])])
                route.add("query_id", data.nodeQueryID[node])
                route.add("llm", data.llmIDs[Int(data.edgeLLM[edges.lowerBound + best])])
                route.add("score", nodeScores[best])
                route.addObject("scores") { object in
                    for (edge, score) in zip(edges, nodeScores) { object.add(data.llmIDs[Int(data.edgeLLM[edge])], score) }
                }
            }
        }
        return lines
    }

    /// Writes the skipped lines' errors to `errorsPath` (atomically), or else to standard error.
    func report(_ skipped: [DataError]) throws {
        guard let errorsPath else {
            for error in skipped { printSkipped(error.description) }
            return
        }
        try OutputFile(path: errorsPath, lineBuffered: false).produce { writer in
            for error in skipped {
                try writer.write { line in
                    line.add("line", error.location?.line ?? 0)
                    line.add("error", error.description)
                }
            }
        }
    }

    /// Adds each (user, query) of the support interactions as an observed node.
    private func attachSupport(_ path: String, to data: inout RoutingData, embedder: QueryEmbedder) throws {
        var builder = GraphBuilder()
        let specs = try llmsPath.map(Catalog.llms) ?? [:]
        try JSONLReader(path: path).forEach { record in
            let interaction = try Interaction(record)
            if data.llmIndex(interaction.llm) == nil {
                guard let spec = specs[interaction.llm] else {
                    throw record.error("llm", "unknown LLM \"\(interaction.llm)\": describe it with --llms llms.jsonl")
                }
                try data.appendLLM(spec.llm, features: embedder.embedLLM(spec) + NodeFeatures.llmProfile(spec))
            }
            guard data.taskIndex(interaction.task) != nil else { throw record.error("task", "unknown task \"\(interaction.task)\"") }
            try builder.add(interaction)
        }
        let support = try DataError.naming(path) { try builder.build(supportOptions()) }
        let starts = support.edgeStarts()
        for node in 0..<support.nodeCount {
            let user = data.userIndex(support.users[Int(support.nodeUser[node])], adding: true)!
            let queryID = support.queryIDs[Int(support.nodeQuery[node])]
            let text = support.queryTexts[Int(support.nodeQuery[node])]
            let row = try data.appendQueryRow(embedder.embed(id: queryID, text: text), text: text)
            let task = Int32(data.taskIndex(support.tasks[Int(support.nodeTask[node])])!)
            // Outcomes are normalized with the graph's per-task ranges, as the graph's own edges are.
            let edges = (starts[node]..<starts[node + 1]).map { edge -> RoutingData.CandidateEdge in
                let llm = Int32(data.llmIndex(support.llms[Int(support.edgeLLM[edge])])!)
                let performance = data.performanceRange[Int(task)].normalize(support.edgePerformance[edge])
                let cost = data.costRange[Int(task)].normalize(support.edgeCost[edge])
                return RoutingData.CandidateEdge(llm: llm, performance: Float(performance), cost: Float(cost), best: support.edgeBest[edge],
                                                 reward: support.mode == .cost ? support.edgeReward[edge] : 0)
            }
            data.appendNode(user: user, task: task, queryRow: row, split: .support, queryID: queryID, observed: true, edges: edges)
        }
    }

    private func supportOptions() -> GraphBuildOptions {
        var options = GraphBuildOptions()
        options.fractions = [1, 0, 0]
        return options
    }
}

/// One line of pr-route's input: a query to route, or an interactions log line (with an
/// `llm`), which asks for the route of its (user, query).
struct RouteRequest {
    let user: String
    let text: String
    let task: String
    let queryID: String
    let isLogged: Bool
    let location: SourceLocation

    init(_ record: JSONRecord) throws {
        user = try record.string("user")
        text = try record.string("query")
        task = try record.string("task")
        queryID = try record.optionalString("query_id") ?? "line-\(record.location.line)"
        isLogged = record.has("llm")
        location = record.location
    }

    func error(_ field: String, _ message: String) -> DataError {
        DataError(message, at: location, field: field)
    }
}

/// Embeds new query texts the way the graph's queries were embedded.
struct QueryEmbedder {
    let encoder: (any SentenceEncoder)?
    let external: ExternalEmbeddings?

    /// Embeds like the graph's `encoder` did; with external vectors, `--embeddings` must
    /// hold vectors for the `newItems` (named in the error).
    init(encoder name: String, dimension: Int, embeddingsPath: String?, modelDirectory: String?, newItems: String) throws {
        if name == "external" {
            guard let embeddingsPath else {
                throw UsageError("the graph was embedded with external vectors: give --embeddings with vectors for the new \(newItems)")
            }
            external = try ExternalEmbeddings(path: embeddingsPath)
            encoder = nil
        } else {
            encoder = try BuiltInEncoder.named(name, dimension: dimension, modelDirectory: modelDirectory)
            external = nil
        }
    }

    /// The vector of a new item of `kind`: looked up by `id`, or encoded from `text`.
    func embed(_ kind: EmbeddingJob.Kind = .query, id: String, text: String) throws -> [Float] {
        if let external { return try external.vector(kind, id) }
        return encoder!.encodeEach([text])[0]
    }

    /// The text part of a new LLM's features.
    func embedLLM(_ spec: LLMSpec) throws -> [Float] {
        if let external { return try external.vector(.llm, spec.llm) }
        return encoder!.encodeEach([spec.description])[0]
    }
}
