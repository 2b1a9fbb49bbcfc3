extension RoutingJob {
    /// Lines routed together at most, when input comes faster than it is routed (the
    /// batch of lines decoded in parallel).
    static let streamingBatch = JSONLReader.batchSize

    /// Routes the input's new queries as they arrive: whenever the reader would wait for
    /// more (a pipe or a terminal; never a regular file), and every ``streamingBatch``
    /// lines, the lines read so far are routed and their routes flushed. A line written
    /// alone, behind `tail -f` or by a gateway's coprocess, is answered at once.
    ///
    /// Everything that does not depend on the input (the graph, the model, its context
    /// states, the tables) is prepared once, before any new query joins: a route depends on
    /// its own line only (row-stable products, queries embedded each on its own), so the
    /// output is the same bytes from a file or from a pipe at any pace. With
    /// ``allowUnknownUsers``, the whole input is read first, because the users it adds are
    /// part of that context. `cached` gives the weights' cache for the data once its users
    /// are known; `clock` reports the stages.
    func routeNewQueries(into writer: JSONLWriter, data: RoutingData, model: RouterModel, cached: (RoutingData) throws -> RoutingCache,
                         embedder: QueryEmbedder, clock: inout StageClock) throws -> Int {
        var queries = NewQueries(addingUnknownUsers: allowUnknownUsers, embedder: embedder)
        var skipped: [DataError] = []
        let skip: ((DataError) -> Void)? = keepGoing ? { error in
            if errorsPath == nil { printSkipped(error.description) }
            skipped.append(error)
        } : nil
        let reader = try JSONLReader(path: queriesPath)
        let decode: @Sendable (JSONRecord) throws -> RouteRequest = { try RouteRequest($0) }
        var data = data
        if allowUnknownUsers {
            try reader.forEachDecoded(skippingBadLines: skip, decode) { try queries.accept($0, in: &data) }
        }
        let cache = try cached(data)
        var context = PredictionContext(routing: data, model: model, cached: cache)
        let states = model.encoder == nil ? nil : cache.states ?? ContextStates(model: model, context: context)
        clock.finished("context and tables")
        var routes = 0
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
            routes += targets.count
        }
        if !allowUnknownUsers {
            try reader.forEachDecoded(skippingBadLines: skip, whenIdle: routePending, decode) { request in
                try queries.accept(request, in: &context.data)
                if queries.pendingCount >= Self.streamingBatch { try routePending() }
            }
        }
        try routePending()
        clock.finished("read, embed, predict and write \(routes) routes")
        if errorsPath != nil { try report(skipped) }
        return skipped.count
    }
}
