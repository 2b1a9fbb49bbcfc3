import PRouterAutodiff

/// The GNN encoder of PersonalizedRouter (with user nodes) and of GraphRouter (without):
/// per-type input projections and a stack of ``MessagePassingLayer``s over a
/// ``ComputationGraph``.
///
/// Inputs are projected per type: `h⁰ = ReLU(P_τ x + p_τ)` (query nodes of the
/// personalized model also read their user's profile row).
package struct GraphEncoder: Sendable {
    /// Whether the graph has user nodes.
    let includesUsers: Bool
    private let hidden: Int
    private let dropout: Float
    /// Per node kind (by raw value), its input projection; nil for kinds not in the graph.
    private let projections: [Dense?]
    private let layers: [MessagePassingLayer]

    /// Adds the encoder's parameters: `in.<kind>.W` and `.b` per kind, then each layer's.
    init(config: ModelConfig, includesUsers: Bool, parameters: inout ParameterSet, generator: inout SplitMix64) {
        self.includesUsers = includesUsers
        hidden = config.hidden
        dropout = config.dropout
        let kinds: [NodeKind] = includesUsers ? NodeKind.allCases : [.task, .query, .llm]
        var projections = [Dense?](repeating: nil, count: NodeKind.allCases.count)
        for kind in kinds {
            projections[kind.rawValue] = Dense("in.\(kind.name).W", bias: "in.\(kind.name).b", input: config.inputWidth(kind),
                                               output: config.hidden, parameters: &parameters, generator: &generator)
        }
        self.projections = projections
        let relations = Relation.all.enumerated().filter { includesUsers || ($0.element.source != .user && $0.element.target != .user) }
        layers = (1..<config.layers + 1).map { layer in
            MessagePassingLayer(layer: layer, kinds: kinds, relations: relations, hidden: config.hidden,
                                parameters: &parameters, generator: &generator)
        }
    }

    /// The node kinds of the graph.
    var kinds: [NodeKind] { NodeKind.allCases.filter { projections[$0.rawValue] != nil } }

    /// Input projections and message passing; returns the top level's states per kind.
    /// `capture` receives every level's states; `input.context` replaces the task, LLM and
    /// user states.
    func encode(_ input: ScoringInput, parameters: ParameterReader,
                capture: ((Int, [Tape.Variable?]) -> Void)? = nil) -> [Tape.Variable?] {
        let (tape, graph, data) = (input.tape, input.graph, input.data)
        var states: [Tape.Variable?] = Array(repeating: nil, count: NodeKind.allCases.count)
        let inputs = graph.levels[0]
        // With a context, only the query nodes' states are computed; the rest come from it.
        let updated = input.context == nil ? kinds : [.query]
        for kind in updated {
            let ids = inputs.nodes[kind.rawValue]
            let x: Matrix
            // Query nodes of many users share a few texts: without per-node profile inputs,
            // each distinct text is projected once and the results gathered.
            var shared: [Int32]?
            switch kind {
            case .user: x = input.profiles.userRows(ids, excluding: graph.targets, data: data)
            case .task: x = data.taskFeatures.rowsGathered(ids)
            case .query where includesUsers:
                x = data.queryFeatures.rowsGathered(ids.map { data.nodeQueryRow[Int($0)] })
                    .concatenatingColumns(input.profiles.queryRows(ids, excluding: graph.targets, data: data))
            case .query:
                var texts = IndexMap()
                var distinct: [Int32] = []
                shared = ids.map { texts.position(of: data.nodeQueryRow[Int($0)], in: &distinct) }
                x = data.queryFeatures.rowsGathered(distinct)
            case .llm: x = data.llmFeatures.rowsGathered(ids)
            }
            var projected = projections[kind.rawValue]!(tape.constant(x), parameters)
            if let shared { projected = tape.gatherRows(projected, shared) }
            states[kind.rawValue] = tape.dropout(tape.relu(projected), rate: dropout)
        }
        var masked = [Bool](repeating: false, count: data.nodeCount)
        for node in graph.targets { masked[node] = true }
        if let context = input.context { states = context.override(states, level: 0, graph: graph, tape: tape) }
        capture?(0, states)
        for (layer, block) in graph.blocks.enumerated() {
            states = layers[layer](states, block: block, updating: updated, upper: graph.levels[layer + 1], data: data,
                                   masked: masked, hidden: hidden, dropout: dropout, parameters: parameters)
            tape.discardIntermediates(keeping: states)
            if let context = input.context { states = context.override(states, level: layer + 1, graph: graph, tape: tape) }
            capture?(layer + 1, states)
        }
        return states
    }
}
