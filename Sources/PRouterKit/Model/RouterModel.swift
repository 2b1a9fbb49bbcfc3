/// A routing model: the heterogeneous GNN of PersonalizedRouter (or its
/// user-less GraphRouter variant), or the mlp, knn or mf baseline, as one value that
/// can be trained, saved and loaded.
///
/// GNN layer `l`, for each node `v` of type `τ` (equations (1)-(4) of the paper):
/// for each relation `r` into `τ`, messages `z_e = W_r h_src (+ E_r x_e` for
/// query-LLM edges, whose features are masked where unobserved`)`; GAT-style
/// attention `α_e = softmax_v(LeakyReLU(a_r·z_e + b_r·h_v))`; aggregate
/// `m_v = ReLU(Σ_r w_r Σ_e α_e z_e)` with a learned weight `w_r` per relation (the
/// paper's w_ut, w_tq, w_qt, w_mq...); update `h_v = ReLU(U_τ [h_v ; m_v] + c_τ)`.
/// Inputs are projected per type: `h⁰ = ReLU(P_τ x + p_τ)`. Scores:
/// `h_uqt = MLP([h_u ; h_t ; h_q])`, `score(q, m) = h_uqt · h_m`.
public struct RouterModel: Sendable {
    public var config: ModelConfig
    public var parameters = ParameterSet()
    var index: [String: Int] = [:]
    /// The network of the gmt model.
    private(set) var gmt: GMTNetwork?

    /// A freshly initialized model.
    public init(config: ModelConfig, seed: UInt64) {
        self.config = config
        var generator = SplitMix64(seed: seed, stream: 0x7061_7261_6D73)
        let h = config.hidden
        func add(_ name: String, _ rows: Int, _ cols: Int, zero: Bool = false) {
            index[name] = parameters.add(name, rows: rows, cols: cols, zero: zero, generator: &generator)
        }
        switch config.kind {
        case .mlp:
            add("mlp.W1", config.queryWidth + config.taskWidth, h)
            add("mlp.b1", 1, h, zero: true)
            add("mlp.W2", h, config.llmCount)
            add("mlp.b2", 1, config.llmCount, zero: true)
            return
        case .mf:
            add("mf.P", config.queryWidth + config.taskWidth, h)
            add("mf.p", 1, h, zero: true)
            add("mf.Q", config.llmWidth, h)
            add("mf.bias", config.llmWidth, 1)
            return
        case .knn, .table, .ridge:
            return
        case .gmt, .gmtPaper:
            gmt = GMTNetwork(config: config, parameters: &parameters, generator: &generator)
            return
        case .personalized, .graphrouter, .anchored:
            break
        }
        for kind in kinds {
            add("in.\(kind.name).W", config.inputWidth(kind), h)
            add("in.\(kind.name).b", 1, h, zero: true)
        }
        for layer in 1..<config.layers + 1 {
            for (_, relation) in relations {
                let prefix = "l\(layer).\(relation.name)"
                add("\(prefix).W", h, h)
                if relation.carriesOutcome { add("\(prefix).E", RoutingData.edgeInputWidth, h) }
                add("\(prefix).a", h, 1)
                add("\(prefix).b", h, 1)
                add("\(prefix).w", 1, 1, zero: true)
                parameters.values[index["\(prefix).w"]!].data[0] = 1
            }
            for kind in kinds {
                add("l\(layer).\(kind.name).U", 2 * h, h)
                add("l\(layer).\(kind.name).c", 1, h, zero: true)
            }
        }
        if config.kind == .anchored {
            add("head.Wq", h, h)
            add("head.Wm", h, h)
            add("head.b", 1, h, zero: true)
            add("head.Wo", h, Self.outcomeWidth, zero: true)
            add("head.bo", 1, Self.outcomeWidth, zero: true)
            add("anchor.c", AnchorFeatures.priorWidth, 1, zero: true)
            add("anchor.V", AnchorFeatures.userWidth, Self.outcomeWidth, zero: true)
            add("anchor.v", 1, Self.outcomeWidth, zero: true)
            anchor(at: config.anchorStart)
            return
        }
        let combined = (config.kind == .personalized ? 3 : 2) * h
        add("combine.W1", combined, h)
        add("combine.b1", 1, h, zero: true)
        add("combine.W2", h, h)
        add("combine.b2", 1, h, zero: true)
    }

    /// Rebuilds a model from stored parameters; names and shapes must match the config.
    public init(config: ModelConfig, parameters: ParameterSet) throws {
        var model = RouterModel(config: config, seed: 0)
        guard model.parameters.names == parameters.names,
              zip(model.parameters.values, parameters.values).allSatisfy({ $0.rows == $1.rows && $0.cols == $1.cols }) else {
            throw DataError("the weights do not match their configuration")
        }
        model.parameters = parameters
        self = model
    }

    private var kinds: [NodeKind] {
        config.kind == .personalized ? NodeKind.allCases : [.task, .query, .llm]
    }

    private var relations: [(offset: Int, element: Relation)] {
        Relation.all.enumerated().filter { config.kind == .personalized || ($0.element.source != .user && $0.element.target != .user) }
    }

    func parameter(_ tape: Tape, _ name: String) -> Tape.Variable {
        let i = index[name]!
        return tape.parameter(i, parameters.values[i])
    }

    /// Scores of every candidate edge of `graph.targets`, in target order then edge
    /// order, as an e x 1 column.
    /// With `context`, the task, LLM and user states come from it instead of being computed
    /// (`graph` is then a shallow graph of the targets).
    func scores(tape: Tape, graph: ComputationGraph, data: RoutingData, profiles: UserProfiles,
                anchors: AnchorFeatures? = nil, context: ContextStates? = nil) -> Tape.Variable {
        switch config.kind {
        case .anchored:
            return anchoredOutputs(tape: tape, graph: graph, data: data, profiles: profiles,
                                   rows: anchors!.rows(graph.targets, data: data), context: context).scores
        case .mlp: return mlpScores(tape: tape, targets: graph.targets, data: data)
        case .mf: return factorizationScores(tape: tape, targets: graph.targets, data: data)
        case .gmt, .gmtPaper: preconditionFailure("the gmt model scores conversation turns (GMTRouting), not query nodes")
        case .knn: return tape.constant(NearestQueries(data: data, neighbors: config.neighbors).scores(graph.targets))
        case .table: return tape.constant(anchors!.tableScores(graph.targets, level: config.tableLevel, data: data))
        case .ridge:
            let (c, v) = AnchorStart.utility.weights(level: config.tableLevel, mode: data.mode)
            return tape.constant(anchors!.rows(graph.targets, data: data).linearScores(graph.targets, data: data, c: c, v: v))
        case .personalized, .graphrouter: break
        }
        let states = encode(tape: tape, graph: graph, data: data, profiles: profiles, context: context)
        let top = graph.levels.last!
        let targets = graph.targets.map { Int32($0) }
        let queryRows = targets.map { top.lookup[NodeKind.query.rawValue][$0]! }
        var parts = [tape.gatherRows(states[NodeKind.task.rawValue]!, targets.map { top.lookup[NodeKind.task.rawValue][data.nodeTask[Int($0)]]! }),
                     tape.gatherRows(states[NodeKind.query.rawValue]!, queryRows)]
        if config.kind == .personalized {
            parts.insert(tape.gatherRows(states[NodeKind.user.rawValue]!, targets.map { top.lookup[NodeKind.user.rawValue][data.nodeUser[Int($0)]]! }), at: 0)
        }
        let hidden = tape.relu(tape.add(tape.matmul(tape.concatColumns(parts), parameter(tape, "combine.W1")), parameter(tape, "combine.b1")))
        let combined = tape.add(tape.matmul(hidden, parameter(tape, "combine.W2")), parameter(tape, "combine.b2"))
        let (candidateRow, candidateGlobalLLM) = Self.candidates(of: graph.targets, data: data)
        let candidateLLM = candidateGlobalLLM.map { top.lookup[NodeKind.llm.rawValue][$0]! }
        return tape.rowDot(tape.gatherRows(combined, candidateRow), tape.gatherRows(states[NodeKind.llm.rawValue]!, candidateLLM))
    }

    /// Input projections and message passing; returns the top level's states per kind.
    /// `capture` receives every level's states; `context` replaces the task, LLM and user states.
    func encode(tape: Tape, graph: ComputationGraph, data: RoutingData, profiles: UserProfiles,
                context: ContextStates? = nil, capture: ((Int, [Tape.Variable?]) -> Void)? = nil) -> [Tape.Variable?] {
        var states: [Tape.Variable?] = Array(repeating: nil, count: NodeKind.allCases.count)
        let inputs = graph.levels[0]
        // With a context, only the query nodes' states are computed; the rest come from it.
        let updated = context == nil ? kinds : [.query]
        for kind in updated {
            let ids = inputs.nodes[kind.rawValue]
            let x: Matrix
            // Query nodes of many users share a few texts: without per-node profile inputs,
            // each distinct text is projected once and the results gathered.
            var shared: [Int32]?
            switch kind {
            case .user: x = profiles.userRows(ids, excluding: graph.targets, data: data)
            case .task: x = data.taskFeatures.rowsGathered(ids)
            case .query where config.kind == .personalized:
                x = data.queryFeatures.rowsGathered(ids.map { data.nodeQueryRow[Int($0)] })
                    .concatenatingColumns(profiles.queryRows(ids, excluding: graph.targets, data: data))
            case .query:
                var texts = IndexMap()
                var distinct: [Int32] = []
                shared = ids.map { texts.position(of: data.nodeQueryRow[Int($0)], in: &distinct) }
                x = data.queryFeatures.rowsGathered(distinct)
            case .llm: x = data.llmFeatures.rowsGathered(ids)
            }
            var projected = tape.add(tape.matmul(tape.constant(x), parameter(tape, "in.\(kind.name).W")),
                                     parameter(tape, "in.\(kind.name).b"))
            if let shared { projected = tape.gatherRows(projected, shared) }
            states[kind.rawValue] = tape.dropout(tape.relu(projected), rate: config.dropout)
        }
        var masked = [Bool](repeating: false, count: data.nodeCount)
        for node in graph.targets { masked[node] = true }
        if let context { states = context.override(states, level: 0, graph: graph, tape: tape) }
        capture?(0, states)
        for (layer, block) in graph.blocks.enumerated() {
            states = propagate(tape: tape, layer: layer + 1, block: block, states: states, updating: updated,
                               upper: graph.levels[layer + 1], data: data, masked: masked)
            tape.discardIntermediates(keeping: states)
            if let context { states = context.override(states, level: layer + 1, graph: graph, tape: tape) }
            capture?(layer + 1, states)
        }
        return states
    }

    /// One message-passing layer from `states` (lower level) to the upper level's nodes.
    private func propagate(tape: Tape, layer: Int, block: ComputationGraph.Block, states: [Tape.Variable?],
                           updating updated: [NodeKind], upper: ComputationGraph.Level, data: RoutingData,
                           masked: [Bool]) -> [Tape.Variable?] {
        var next: [Tape.Variable?] = Array(repeating: nil, count: NodeKind.allCases.count)
        for kind in updated {
            let count = upper.nodes[kind.rawValue].count
            guard count > 0, let lower = states[kind.rawValue] else { continue }
            let previous = tape.gatherRows(lower, block.selfIndex[kind.rawValue])
            var message: Tape.Variable?
            for (r, relation) in relations where relation.target == kind {
                let edges = block.edges[r]
                guard !edges.source.isEmpty, let sourceStates = states[relation.source.rawValue] else { continue }
                let prefix = "l\(layer).\(relation.name)"
                // z_e = h_src W (+ x_e E) enters the attention only through a · z_e and the
                // aggregate only through Σ α_e z_e = (Σ α_e h_src) W (+ (Σ α_e x_e) E), so
                // neither needs a row per edge.
                let (w, a) = (parameter(tape, "\(prefix).W"), parameter(tape, "\(prefix).a"))
                var logits = tape.gatherRows(tape.matmul(sourceStates, tape.matmul(w, a)), edges.source)
                var outcomes: Tape.Variable?
                // With every edge's outcome masked (new queries being routed), the x_e terms are zero.
                if relation.carriesOutcome, let inputs = Self.observedOutcomes(of: edges, data: data, masked: masked) {
                    let e = parameter(tape, "\(prefix).E")
                    outcomes = tape.constant(inputs)
                    logits = tape.add(logits, tape.matmul(outcomes!, tape.matmul(e, a)))
                }
                let targetScore = tape.gatherRows(tape.matmul(previous, parameter(tape, "\(prefix).b")), edges.target)
                let attention = tape.edgeSoftmax(tape.leakyRelu(tape.add(logits, targetScore)), destination: edges.target, count: count)
                var sum = tape.matmul(tape.weightedScatter(sourceStates, rows: edges.source, weights: attention,
                                                           destination: edges.target, count: count), w)
                if let outcomes {
                    let features = tape.weightedScatter(outcomes, rows: nil, weights: attention, destination: edges.target, count: count)
                    sum = tape.add(sum, tape.matmul(features, parameter(tape, "\(prefix).E")))
                }
                let aggregate = tape.multiply(sum, parameter(tape, "\(prefix).w"))
                message = message.map { tape.add($0, aggregate) } ?? aggregate
                // Inference over a whole graph holds one relation's per-edge values at a time.
                tape.discardIntermediates(keeping: states + next + [previous, message])
            }
            let incoming = message.map { tape.relu($0) } ?? tape.constant(Matrix(rows: count, cols: config.hidden))
            let updated = tape.add(tape.matmul(tape.concatColumns([previous, incoming]), parameter(tape, "l\(layer).\(kind.name).U")),
                                   parameter(tape, "l\(layer).\(kind.name).c"))
            next[kind.rawValue] = tape.dropout(tape.relu(updated), rate: config.dropout)
        }
        return next
    }

    /// The outcome inputs `x_e` of `edges` (query-LLM edges), zero where the query node is
    /// not observed or is `masked`; nil when all of them are.
    private static func observedOutcomes(of edges: ComputationGraph.Edges, data: RoutingData, masked: [Bool]) -> Matrix? {
        let width = RoutingData.edgeInputWidth
        var inputs = Matrix(rows: edges.queryEdge.count, cols: width)
        var observed = false
        inputs.withElements { out in
            data.edgeInput.withUnsafeBufferPointer { edgeInput in
                for (row, edge) in edges.queryEdge.enumerated() {
                    let node = Int(data.edgeNode[Int(edge)])
                    guard data.isPool[node], !masked[node] else { continue }
                    observed = true
                    for col in 0..<width { out[row * width + col] = edgeInput[Int(edge) * width + col] }
                }
            }
        }
        return observed ? inputs : nil
    }

    /// The matrix-factorization baseline: `score(q, m) = (P [x_q ; x_t] + p) · (Q x_m) + bias · x_m`.
    private func factorizationScores(tape: Tape, targets: [Int], data: RoutingData) -> Tape.Variable {
        let queries = data.queryFeatures.rowsGathered(targets.map { data.nodeQueryRow[$0] })
            .concatenatingColumns(data.taskFeatures.rowsGathered(targets.map { data.nodeTask[$0] }))
        let queryFactors = tape.add(tape.matmul(tape.constant(queries), parameter(tape, "mf.P")), parameter(tape, "mf.p"))
        let llms = tape.constant(data.llmFeatures)
        let llmFactors = tape.matmul(llms, parameter(tape, "mf.Q"))
        let llmBias = tape.matmul(llms, parameter(tape, "mf.bias"))
        let (rows, columns) = Self.candidates(of: targets, data: data)
        return tape.add(tape.rowDot(tape.gatherRows(queryFactors, rows), tape.gatherRows(llmFactors, columns)),
                        tape.gatherRows(llmBias, columns))
    }

    /// The MLP baseline: `[x_q ; x_t]` -> hidden -> one score per LLM, read at each candidate.
    private func mlpScores(tape: Tape, targets: [Int], data: RoutingData) -> Tape.Variable {
        let queries = data.queryFeatures.rowsGathered(targets.map { data.nodeQueryRow[$0] })
        let tasks = data.taskFeatures.rowsGathered(targets.map { data.nodeTask[$0] })
        let x = tape.concatColumns([tape.constant(queries), tape.constant(tasks)])
        let hidden = tape.dropout(tape.relu(tape.add(tape.matmul(x, parameter(tape, "mlp.W1")), parameter(tape, "mlp.b1"))),
                                  rate: config.dropout)
        let logits = tape.add(tape.matmul(hidden, parameter(tape, "mlp.W2")), parameter(tape, "mlp.b2"))
        let (rows, columns) = Self.candidates(of: targets, data: data)
        let llms = config.llmCount
        let flat = tape.reshapeToColumn(logits)
        return tape.gatherRows(flat, zip(rows, columns).map { $0 * Int32(llms) + $1 })
    }
}

extension RouterModel {
    /// For every candidate edge of `targets`, in order: the target's row and the LLM.
    static func candidates(of targets: [Int], data: RoutingData) -> (rows: [Int32], llms: [Int32]) {
        var rows: [Int32] = []
        var llms: [Int32] = []
        for (row, node) in targets.enumerated() {
            for edge in data.edges(of: node) {
                rows.append(Int32(row))
                llms.append(data.edgeLLM[edge])
            }
        }
        return (rows, llms)
    }
}

extension Matrix {
    /// `self` and `other` side by side.
    func concatenatingColumns(_ other: Matrix) -> Matrix {
        var result = Matrix(rows: rows, cols: cols + other.cols)
        for row in 0..<rows {
            result.data.replaceSubrange(row * result.cols..<row * result.cols + cols, with: data[row * cols..<(row + 1) * cols])
            result.data.replaceSubrange(row * result.cols + cols..<(row + 1) * result.cols,
                                        with: other.data[row * other.cols..<(row + 1) * other.cols])
        }
        return result
    }

    /// The rows at `indices`.
    func rowsGathered(_ indices: [Int32]) -> Matrix {
        var result = Matrix(rows: indices.count, cols: cols)
        for (row, source) in indices.enumerated() {
            let from = Int(source) * cols
            result.data.replaceSubrange(row * cols..<(row + 1) * cols, with: data[from..<from + cols])
        }
        return result
    }
}
