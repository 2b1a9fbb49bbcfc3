/// The input lines of `pr-route` on their way to becoming query nodes: each accepted
/// line waits until ``attachPending(to:)`` embeds the new texts and appends the nodes.
///
/// Queries repeat (the same question from many users): each distinct text (or, with
/// external vectors, id) is embedded once and shares one feature row. Texts are
/// embedded each on its own, so that a route never depends on which lines were
/// attached together.
struct NewQueries {
    /// Whether users not in the graph are added (`--allow-unknown-users`) or an error.
    private let addsUnknownUsers: Bool
    private let embedder: QueryEmbedder
    /// The feature row of each text (or external id) embedded so far.
    private var rows: [String: Int32] = [:]
    /// Every (user, query id) accepted so far, by hash (a few dozen bytes per line): the line
    /// that first asked for it, whether it was an interactions-log line, and a hash of its
    /// task and text.
    private var seen: [UInt64: (line: Int, logged: Bool, content: UInt64)] = [:]
    private var pending: [(user: Int32, task: Int32, key: String, queryID: String)] = []

    init(addingUnknownUsers: Bool, embedder: QueryEmbedder) {
        addsUnknownUsers = addingUnknownUsers
        self.embedder = embedder
    }

    /// How many accepted lines wait for ``attachPending(to:)``.
    var pendingCount: Int { pending.count }

    /// Accepts one input line to route into `data`. An unknown task is an error; so is an
    /// unknown user, unless unknown users are added. A repeated (user, query) of an
    /// interactions log (one line per response) is dropped if its task and text are the
    /// first line's, else an error; any other repeated (user, query id), such as a query
    /// line and log lines for the same pair, or an explicit `line-N` id that another
    /// line got by default, is an error: each pair is routed once. With external vectors,
    /// the query's vector is looked up here, so that a missing one is this line's error.
    mutating func accept(_ request: RouteRequest, in data: inout RoutingData) throws {
        guard let task = data.taskIndex(request.task) else {
            throw request.error("task", "unknown task \"\(request.task)\"")
        }
        let known = data.userIndex(request.user, adding: false)
        guard known != nil || addsUnknownUsers else {
            throw request.error("user", "unknown user \"\(request.user)\": give a few of their interactions with --support, or --allow-unknown-users")
        }
        let key = StableHash.fnv1a(request.user + "\u{0}" + request.queryID)
        let content = StableHash.fnv1a(request.task + "\u{0}" + request.text)
        if let first = seen[key] {
            let pair = "user \"\(request.user)\" and query \"\(request.queryID)\""
            guard first.logged, request.isLogged else {
                throw request.error("query_id", "\(pair) are routed already (line \(first.line)): each pair is routed once")
            }
            guard first.content == content else {
                throw request.error("query", "the task or query text of \(pair) differs from line \(first.line)'s")
            }
            return
        }
        seen[key] = (request.location.line, request.isLogged, content)
        let row = embedder.external == nil ? request.text : request.queryID
        if embedder.external != nil, rows[row] == nil {
            rows[row] = try data.appendQueryRow(embedder.embed(id: request.queryID, text: request.text), text: request.text)
        }
        pending.append((known ?? data.userIndex(request.user, adding: true)!, Int32(task), row, request.queryID))
    }

    /// Appends the accepted lines to `data` as unobserved nodes whose candidates are all
    /// LLMs, the new texts embedded first; returns the nodes, in input order.
    mutating func attachPending(to data: inout RoutingData) throws -> [Int] {
        if let encoder = embedder.encoder {
            var seen = Set<String>()
            let texts = pending.map(\.key).filter { rows[$0] == nil && seen.insert($0).inserted }
            for (text, vector) in zip(texts, encoder.encodeEach(texts)) { rows[text] = try data.appendQueryRow(vector, text: text) }
        }
        let edges = (0..<data.llmIDs.count).map { RoutingData.CandidateEdge(llm: Int32($0)) }
        data.reserve(nodes: pending.count, edges: pending.count * edges.count)
        let first = data.nodeCount
        for (user, task, key, queryID) in pending {
            data.appendNode(user: user, task: task, queryRow: rows[key]!, split: .test, queryID: queryID, observed: false, edges: edges)
        }
        pending.removeAll(keepingCapacity: true)
        return Array(first..<data.nodeCount)
    }
}
