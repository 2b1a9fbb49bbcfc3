import PRouterAutodiff

/// Routing as link prediction on the heterogeneous graph (PersonalizedRouter, and
/// GraphRouter without user nodes): after the ``GraphEncoder``,
/// `h_uqt = MLP([h_u ; h_t ; h_q])` (`[h_t ; h_q]` without users) and
/// `score(q, m) = h_uqt · h_m`.
struct LinkPredictionGNN: Sendable {
    let encoder: GraphEncoder
    private let combine: (hidden: Dense, output: Dense)

    /// Adds the encoder's parameters, then `combine.W1`, `.b1`, `.W2`, `.b2`.
    init(config: ModelConfig, includesUsers: Bool, parameters: inout ParameterSet, generator: inout SplitMix64) {
        encoder = GraphEncoder(config: config, includesUsers: includesUsers, parameters: &parameters, generator: &generator)
        let h = config.hidden
        combine = (Dense("combine.W1", bias: "combine.b1", input: (includesUsers ? 3 : 2) * h, output: h,
                         parameters: &parameters, generator: &generator),
                   Dense("combine.W2", bias: "combine.b2", input: h, output: h, parameters: &parameters, generator: &generator))
    }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        let (tape, graph, data) = (input.tape, input.graph, input.data)
        let states = encoder.encode(input, parameters: parameters)
        let top = graph.levels.last!
        let targets = graph.targets.map { Int32($0) }
        let queryRows = targets.map { top.lookup[NodeKind.query.rawValue][$0]! }
        var parts = [tape.gatherRows(states[NodeKind.task.rawValue]!, targets.map { top.lookup[NodeKind.task.rawValue][data.nodeTask[Int($0)]]! }),
                     tape.gatherRows(states[NodeKind.query.rawValue]!, queryRows)]
        if encoder.includesUsers {
            parts.insert(tape.gatherRows(states[NodeKind.user.rawValue]!, targets.map { top.lookup[NodeKind.user.rawValue][data.nodeUser[Int($0)]]! }), at: 0)
        }
        let hidden = tape.relu(combine.hidden(tape.concatColumns(parts), parameters))
        let combined = combine.output(hidden, parameters)
        let (candidateRow, candidateGlobalLLM) = RouterModel.candidates(of: graph.targets, data: data)
        let candidateLLM = candidateGlobalLLM.map { top.lookup[NodeKind.llm.rawValue][$0]! }
        return tape.rowDot(tape.gatherRows(combined, candidateRow), tape.gatherRows(states[NodeKind.llm.rawValue]!, candidateLLM))
    }
}

/// A model that routes by ``LinkPredictionGNN`` alone, with user nodes when it reads users.
protocol LinkPredictionModel: MessagePassingModel {
    var gnn: LinkPredictionGNN { get }
    init(gnn: LinkPredictionGNN)
}

extension LinkPredictionModel {
    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        self.init(gnn: LinkPredictionGNN(config: config, includesUsers: Self.inputs.contains(.users), parameters: &parameters,
                                         generator: &generator))
    }

    var encoder: GraphEncoder { gnn.encoder }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable { gnn.scores(input, parameters: parameters) }
}
