import PRouterAutodiff

/// One message-passing layer of the ``GraphEncoder`` (equations (1)-(4) of the
/// PersonalizedRouter paper), for each node `v` of type `τ`:
///
/// for each relation `r` into `τ`, messages `z_e = W_r h_src (+ E_r x_e` for query-LLM
/// edges, whose features are masked where unobserved`)`; GAT-style attention
/// `α_e = softmax_v(LeakyReLU(a_r·z_e + b_r·h_v))`; aggregate
/// `m_v = ReLU(Σ_r w_r Σ_e α_e z_e)` with a learned weight `w_r` per relation (the
/// paper's w_ut, w_tq, w_qt, w_mq...); update `h_v = ReLU(U_τ [h_v ; m_v] + c_τ)`.
struct MessagePassingLayer: Sendable {
    /// One relation's parameters: `W`, `E` (outcome-carrying relations only), `a`, `b`, `w`.
    struct RelationWeights: Sendable {
        let relation: Relation
        /// The relation's position in ``Relation/all`` (its edges in a block).
        let offset: Int
        let w: Int
        let e: Int?
        let a: Int
        let b: Int
        let weight: Int
    }

    private let relations: [RelationWeights]
    /// Per node kind (by raw value), its update `U`, `c`.
    private let updates: [Dense?]

    /// Adds layer `layer`'s parameters: per relation `l<layer>.<relation>.W`, `.E`, `.a`,
    /// `.b`, `.w` (starting at 1), then per kind `l<layer>.<kind>.U` and `.c`.
    init(layer: Int, kinds: [NodeKind], relations: [(offset: Int, element: Relation)], hidden h: Int,
         parameters: inout ParameterSet, generator: inout SplitMix64) {
        self.relations = relations.map { offset, relation in
            let prefix = "l\(layer).\(relation.name)"
            func add(_ name: String, _ rows: Int, _ cols: Int, zero: Bool = false) -> Int {
                parameters.add("\(prefix).\(name)", rows: rows, cols: cols, zero: zero, generator: &generator)
            }
            let w = add("W", h, h)
            let e = relation.carriesOutcome ? add("E", RoutingData.edgeInputWidth, h) : nil
            let (a, b) = (add("a", h, 1), add("b", h, 1))
            let weight = add("w", 1, 1, zero: true)
            parameters.values[weight].data[0] = 1
            return RelationWeights(relation: relation, offset: offset, w: w, e: e, a: a, b: b, weight: weight)
        }
        var updates = [Dense?](repeating: nil, count: NodeKind.allCases.count)
        for kind in kinds {
            updates[kind.rawValue] = Dense("l\(layer).\(kind.name).U", bias: "l\(layer).\(kind.name).c", input: 2 * h, output: h,
                                           parameters: &parameters, generator: &generator)
        }
        self.updates = updates
    }

    /// The upper level's states of the `updated` kinds from `states` (the lower level's).
    func callAsFunction(_ states: [Tape.Variable?], block: ComputationGraph.Block, updating updated: [NodeKind],
                        upper: ComputationGraph.Level, data: RoutingData, masked: [Bool], hidden: Int, dropout: Float,
                        parameters: ParameterReader) -> [Tape.Variable?] {
        let tape = parameters.tape
        var next: [Tape.Variable?] = Array(repeating: nil, count: NodeKind.allCases.count)
        for kind in updated {
            let count = upper.nodes[kind.rawValue].count
            guard count > 0, let lower = states[kind.rawValue] else { continue }
            let previous = tape.gatherRows(lower, block.selfIndex[kind.rawValue])
            var message: Tape.Variable?
            for weights in relations where weights.relation.target == kind {
                let edges = block.edges[weights.offset]
                guard !edges.source.isEmpty, let sourceStates = states[weights.relation.source.rawValue] else { continue }
                // z_e = h_src W (+ x_e E) enters the attention only through a · z_e and the
                // aggregate only through Σ α_e z_e = (Σ α_e h_src) W (+ (Σ α_e x_e) E), so
                // neither needs a row per edge.
                let (w, a) = (parameters[weights.w], parameters[weights.a])
                var logits = tape.gatherRows(tape.matmul(sourceStates, tape.matmul(w, a)), edges.source)
                var outcomes: Tape.Variable?
                // With every edge's outcome masked (new queries being routed), the x_e terms are zero.
                if let e = weights.e, let inputs = Self.observedOutcomes(of: edges, data: data, masked: masked) {
                    let outcomeWeights = parameters[e]
                    outcomes = tape.constant(inputs)
                    logits = tape.add(logits, tape.matmul(outcomes!, tape.matmul(outcomeWeights, a)))
                }
                let targetScore = tape.gatherRows(tape.matmul(previous, parameters[weights.b]), edges.target)
                let attention = tape.edgeSoftmax(tape.leakyRelu(tape.add(logits, targetScore)), destination: edges.target, count: count)
                var sum = tape.matmul(tape.weightedScatter(sourceStates, rows: edges.source, weights: attention,
                                                           destination: edges.target, count: count), w)
                if let outcomes, let e = weights.e {
                    let features = tape.weightedScatter(outcomes, rows: nil, weights: attention, destination: edges.target, count: count)
                    sum = tape.add(sum, tape.matmul(features, parameters[e]))
                }
                let aggregate = tape.multiply(sum, parameters[weights.weight])
                message = message.map { tape.add($0, aggregate) } ?? aggregate
                // Inference over a whole graph holds one relation's per-edge values at a time.
                tape.discardIntermediates(keeping: states + next + [previous, message])
            }
            let incoming = message.map { tape.relu($0) } ?? tape.constant(Matrix(rows: count, cols: hidden))
            let updated = updates[kind.rawValue]!(tape.concatColumns([previous, incoming]), parameters)
            next[kind.rawValue] = tape.dropout(tape.relu(updated), rate: dropout)
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
}
