/// `pr-route` with a gmt model: routes conversation turns given their history.
struct ConversationRoutingJob {
    let job: RoutingJob
    let trained: TrainedModel
    let graph: ConversationGraph

    func run(writer: JSONLWriter) throws {
        let path = job.graphPath
        let data = try ConversationData(graph: graph)
        let config = trained.model.config
        guard trained.llms == graph.llms else { throw DataError("\(job.weightsPath): trained on other LLMs than \(path)") }
        guard config.queryWidth == data.queryWidth, config.encoder == data.features.encoder,
              config.llmWidth == data.features.llm.cols else {
            throw DataError("\(job.weightsPath): trained on other node features than \(path) has (run pr-embed as for training)")
        }
        if job.llmsPath != nil { throw UsageError("--llms (new LLMs) is not available with the gmt model") }
        let router = GMTRouter(model: trained.model, data: data, splits: [.train, .validation])
        var support = data.support()
        let embedder = try TurnEmbedder(features: data.features, embeddingsPath: job.embeddingsPath, modelDirectory: job.modelDirectory,
                                        llms: graph.llms)
        if let supportPath = job.supportPath {
            let log = try ConversationLog(path: supportPath)
            for conversation in log.conversations {
                let first = log.turns[conversation[0]]
                if router.knownUsers[first.user] != nil {
                    throw DataError("user \"\(first.user)\" is in the graph's training turns; --support is for users who are not",
                                    at: first.location, field: "user")
                }
                support[first.user, default: []].append(try conversation.map { try embedder.input(log.turns[$0]) })
            }
        }
        let ids: [(user: String, conversation: String, turn: Int)]
        let requests: [TurnRequest]
        if let split = job.split {
            let routed = data.requests(of: split)
            ids = routed.turns.map { (graph.users[Int(graph.turnUser[$0])], graph.conversations[Int(graph.turnConversation[$0])],
                                      Int(graph.turnNumber[$0])) }
            requests = routed.requests
        } else {
            (ids, requests) = try readRequests(embedder: embedder, known: { router.knownUsers[$0] != nil || support[$0] != nil })
        }
        for (id, (request, scores)) in zip(ids, zip(requests, router.scores(requests, support: support))) {
            guard let best = scores.indices.max(by: { scores[$0] < scores[$1] }) else { continue }
            guard scores.allSatisfy(\.isFinite) else { throw RoutingJob.notFinite(user: id.user, query: "\(id.conversation)#\(id.turn)") }
            try writer.write { route in
                route.add("user", id.user)
                route.add("query_id", "\(id.conversation)#\(id.turn)")
                route.add("conversation_id", id.conversation)
                route.add("turn", id.turn)
                route.add("llm", graph.llms[Int(request.candidates[best])])
                route.add("score", Double(scores[best]))
                route.addObject("scores") { object in
                    for (llm, score) in zip(request.candidates, scores) { object.add(graph.llms[Int(llm)], Double(score)) }
                }
            }
        }
    }

    /// Conversation turns from the input: each conversation's last turn is routed with
    /// the turns before it as history (every turn, with `everyTurn`).
    private func readRequests(embedder: TurnEmbedder, known: (String) -> Bool)
        throws -> ([(user: String, conversation: String, turn: Int)], [TurnRequest]) {
        let log = try ConversationLog(turns: JSONLReader(path: job.queriesPath).decodeAll { try ConversationTurn($0, responsesOptional: true) })
        var ids: [(user: String, conversation: String, turn: Int)] = []
        var requests: [TurnRequest] = []
        for conversation in log.conversations {
            let turns = conversation.map { log.turns[$0] }
            guard known(turns[0].user) || job.allowUnknownUsers else {
                throw DataError("unknown user \"\(turns[0].user)\": give a few of their turns with --support, or --allow-unknown-users",
                                at: turns[0].location, field: "user")
            }
            let inputs = try turns.map { try embedder.input($0) }
            let routed = job.everyTurn ? Array(turns.indices) : [turns.count - 1]
            for position in routed {
                let candidates = inputs[position].responses.isEmpty
                    ? (0..<Int32(embedder.llms.count)).map { $0 } : inputs[position].responses.map(\.llm)
                ids.append((turns[position].user, turns[position].conversationID, turns[position].turn))
                requests.append(TurnRequest(user: turns[position].user, history: Array(inputs[..<position]),
                                            target: inputs[position], candidates: candidates))
            }
        }
        return (ids, requests)
    }
}

/// Embeds new conversation turns the way the graph's were embedded.
struct TurnEmbedder {
    let text: QueryEmbedder
    let llms: [String]
    private let llmIndex: [String: Int32]

    init(features: ConversationFeatures, embeddingsPath: String?, modelDirectory: String?, llms: [String]) throws {
        text = try QueryEmbedder(encoder: features.encoder, dimension: features.dimension, embeddingsPath: embeddingsPath,
                                 modelDirectory: modelDirectory, newItems: "turns (queries and responses)")
        self.llms = llms
        llmIndex = Dictionary(uniqueKeysWithValues: llms.enumerated().map { ($0.element, Int32($0.offset)) })
    }

    /// The turn as the model reads it; its LLMs must be the graph's.
    func input(_ turn: ConversationTurn) throws -> TurnInput {
        let preferred = turn.preferredIndex
        return TurnInput(number: turn.turn, query: try text.embed(.query, id: turn.queryID, text: turn.query),
                         responses: try turn.responses.enumerated().map { i, response in
            guard let llm = llmIndex[response.llm] else {
                throw DataError("LLM \"\(response.llm)\" is not in the graph", at: turn.location, field: "responses[\(i)].llm")
            }
            return TurnGraph.ResponseItem(llm: llm, text: try text.embed(.response, id: "\(turn.queryID)/\(response.llm)", text: response.response ?? ""),
                                          signals: [response.score, response.cost, response.length].map { $0.map(Float.init) ?? .nan },
                                          feedback: preferred == nil ? .unknown : preferred == i ? .preferred : .rejected,
                                          rating: response.rating.map(Float.init) ?? .nan)
        })
    }
}
