extension RoutingJob {
    /// Routes the input a line at a time, flushing each route as soon as it is computed.
    ///
    /// Everything that does not depend on the input (the graph, the model, its context
    /// states, the tables) is prepared once; each line then costs its own query's
    /// embedding and shallow computation. Users must be in the graph or in `--support`:
    /// an unknown user would change the context of every line before it.
    func stream(into writer: JSONLWriter, data: RoutingData, trained: TrainedModel, embedder: QueryEmbedder,
                unchanged: Bool) throws -> Int {
        let model = trained.model
        let cached = unchanged ? trained.context : nil
        var context = PredictionContext(data: data, llmCount: model.config.llmCount,
                                        neighborhoods: cached == nil && model.config.kind.isGraph,
                                        anchors: model.config.kind.usesTables)
        let states = model.config.kind.isGraph ? cached ?? ContextStates(model: model, context: context) : nil
        var rows: [String: Int32] = [:]
        var logged = Set<[String]>()
        var skipped: [DataError] = []
        let skip: ((DataError) -> Void)? = keepGoing ? { error in
            if errorsPath == nil { printError("pr-route: skipped: \(error.description)") }
            skipped.append(error)
        } : nil
        try JSONLReader(path: queriesPath).forEach(skippingBadLines: skip) { record in
            let request = try RouteRequest(record)
            guard let task = context.data.taskIndex(request.task) else {
                throw request.error("task", "unknown task \"\(request.task)\"")
            }
            guard let user = context.data.userIndex(request.user, adding: false) else {
                throw request.error("user", "unknown user \"\(request.user)\": give a few of their interactions with --support "
                                    + "(--allow-unknown-users needs the whole input at once: drop --line-buffered)")
            }
            guard !request.isLogged || logged.insert([request.user, request.queryID]).inserted else { return }
            let key = embedder.external == nil ? request.text : request.queryID
            let row = try rows[key] ?? context.data.appendQueryRow(embedder.embed(id: request.queryID, text: request.text))
            rows[key] = row
            context.data.appendNode(user: user, task: Int32(task), queryRow: row, split: .test, queryID: request.queryID, observed: false,
                                    edges: (0..<context.data.llmIDs.count).map { RoutingData.CandidateEdge(llm: Int32($0)) })
            let node = context.data.nodeCount - 1
            let scores = context.predict(model: model, targets: [node], context: states)
            try writer.writeLines(Self.render(routes: [node][...], scores: scores, data: context.data, graphPath: graphPath))
            try writer.flush()
        }
        if errorsPath != nil { try report(skipped) }
        return skipped.count
    }
}
