import PRouterAutodiff
import PRouterIO

/// The states, at every layer, of all task, LLM and user nodes of a graph, computed once
/// on its observed query nodes with all neighbors.
///
/// Those states do not depend on the queries being routed (a routed query is only a
/// source for nothing: tasks, LLMs and users aggregate observed query nodes only), so
/// a query's scores need just its own small computation on top of them. Stored in the
/// weights file for the training graph, they make routing cost per query.
package struct ContextStates: Sendable, Equatable {
    /// `states[level][kind]`: one row per node id of that kind (nil for query nodes and
    /// for kinds the model does not use).
    var states: [[Matrix?]]

    /// The context of `model` (a message-passing model) on `context.data`.
    package init(model: RouterModel, context: PredictionContext) {
        let data = context.data
        let encoder = model.encoder!
        let graph = ComputationGraph(contextOf: data, layers: model.config.layers, includeUsers: encoder.includesUsers,
                                     neighborhoods: context.neighborhoods)
        let tape = Tape(recording: false)
        var states: [[Matrix?]] = []
        let input = ScoringInput(tape: tape, graph: graph, data: data, profiles: context.profiles, anchors: nil, context: nil,
                                 config: model.config)
        _ = encoder.encode(input, parameters: model.reader(tape)) { level, variables in
            let nodes = graph.levels[level].nodes
            states.append(NodeKind.allCases.map { kind -> Matrix? in
                guard kind != .query, let variable = variables[kind.rawValue] else { return nil }
                let value = tape.value(variable)
                var ordered = Matrix(rows: value.rows, cols: value.cols)
                for (row, id) in nodes[kind.rawValue].enumerated() {
                    ordered.data.replaceSubrange(Int(id) * value.cols..<(Int(id) + 1) * value.cols,
                                                 with: value.data[row * value.cols..<(row + 1) * value.cols])
                }
                return ordered
            })
        }
        self.states = states
    }

    init(states: [[Matrix?]]) { self.states = states }

    /// `variables` with the task, LLM and user states of `level` replaced by the context's.
    func override(_ variables: [Tape.Variable?], level: Int, graph: ComputationGraph, tape: Tape) -> [Tape.Variable?] {
        var result = variables
        for kind in [NodeKind.task, .llm, .user] {
            guard let matrix = states[level][kind.rawValue], !graph.levels[level].nodes[kind.rawValue].isEmpty else { continue }
            result[kind.rawValue] = tape.constant(matrix.rowsGathered(graph.levels[level].nodes[kind.rawValue]))
        }
        return result
    }
}

/// What a weights file keeps for routing the very graph file it was trained on: the
/// model's context states and, for the models that use them, its tables. Empty when
/// routing anything else.
package struct RoutingCache {
    package var states: ContextStates?
    var tables: AnchorFeatures?

    package init() {}

    /// The cache `trained` holds, restored for `data` (that graph file, perhaps with new
    /// query nodes); `name` names the weights file in errors.
    package init(_ trained: TrainedModel, data: RoutingData, name: String) throws {
        states = trained.context
        tables = try trained.tables.map { archive in
            var reader = StateArchive.Reader(archive, name: name)
            let tables = try AnchorFeatures(from: &reader, data: data)
            try reader.finish()
            return tables
        }
    }
}
