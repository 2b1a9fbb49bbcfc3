extension RoutingJob {
    /// Lines routed together at most while streaming, when input comes faster than it is
    /// routed (the batch of lines decoded in parallel).
    static let streamingBatch = JSONLReader.batchSize

    /// Routes the input as it arrives: whenever the reader would wait for more, the lines
    /// read so far are routed and their routes flushed (so a line written alone, behind
    /// `tail -f` or by a gateway's coprocess, is answered at once).
    ///
    /// Everything that does not depend on the input (the graph, the model, its context
    /// states, the tables) is prepared once, before the first line. A route depends on its
    /// line only (row-stable products, queries embedded each on its own), so the output is
    /// the same bytes whatever the pipe's timing, and the same as a one-pass run's. Users
    /// must be in the graph or in `--support`: an unknown user would change the context of
    /// every line before it.
    func stream(into writer: JSONLWriter, data: RoutingData, model: RouterModel, cached: RoutingCache,
                embedder: QueryEmbedder) throws -> Int {
        var context = PredictionContext(routing: data, model: model, cached: cached)
        let states = model.config.kind.isGraph ? cached.states ?? ContextStates(model: model, context: context) : nil
        var queries = NewQueries(job: self, embedder: embedder)
        var skipped: [DataError] = []
        let skip: ((DataError) -> Void)? = keepGoing ? { error in
            if errorsPath == nil { printError("pr-route: skipped: \(error.description)") }
            skipped.append(error)
        } : nil
        let graphPath = graphPath
        func routePending() throws {
            guard queries.pendingCount > 0 else { return }
            let targets = try queries.attachPending(to: &context.data)
            let routed = context.data
            context.anchors?.cover(routed)
            try context.forEachPrediction(model: model, targets: targets, context: states, render: { chunk, scores in
                Result { try Self.render(routes: chunk, scores: scores, data: routed, graphPath: graphPath) }
            }) { try writer.writeLines($0.get()) }
            try writer.flush()
        }
        try JSONLReader(path: queriesPath).forEachDecoded(skippingBadLines: skip, whenIdle: routePending, { try RouteRequest($0) }) { request in
            try queries.accept(request, in: &context.data)
            if queries.pendingCount >= Self.streamingBatch { try routePending() }
        }
        try routePending()
        if errorsPath != nil { try report(skipped) }
        return skipped.count
    }
}
