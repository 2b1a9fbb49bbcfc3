extension RoutingJob {
    /// Routes the input a line at a time, flushing each route as soon as it is computed.
    ///
    /// Everything that does not depend on the input (the graph, the model, its context
    /// states, the tables) is prepared once; each line then costs its own query's
    /// embedding and shallow computation. Users must be in the graph or in `--support`:
    /// an unknown user would change the context of every line before it.
    func stream(into writer: JSONLWriter, data: RoutingData, model: RouterModel, cached: RoutingCache,
                embedder: QueryEmbedder) throws -> Int {
        var context = PredictionContext(routing: data, model: model, cached: cached)
        let states = model.config.kind.isGraph ? cached.states ?? ContextStates(model: model, context: context) : nil
        let edges = (0..<data.llmIDs.count).map { RoutingData.CandidateEdge(llm: Int32($0)) }
        var rows: [String: Int32] = [:]
        var logged = Set<[String]>()
        var skipped: [DataError] = []
        let skip: ((DataError) -> Void)? = keepGoing ? { error in
            if errorsPath == nil { printError("pr-route: skipped: \(error.description)") }
            skipped.append(error)
        } : nil
        try JSONLReader(path: queriesPath).forEach(skippingBadLines: skip) { record in
            let request = try RouteRequest(record)
            guard let (user, task) = try accept(request, in: &context.data, logged: &logged) else { return }
            let key = embedder.external == nil ? request.text : request.queryID
            let row = try rows[key] ?? context.data.appendQueryRow(embedder.embed(id: request.queryID, text: request.text))
            rows[key] = row
            context.data.appendNode(user: user, task: task, queryRow: row, split: .test, queryID: request.queryID, observed: false,
                                    edges: edges)
            let node = context.data.nodeCount - 1
            let scores = context.predict(model: model, targets: [node], context: states)
            try writer.writeLines(Self.render(routes: [node][...], scores: scores, data: context.data, graphPath: graphPath))
            try writer.flush()
        }
        if errorsPath != nil { try report(skipped) }
        return skipped.count
    }
}
