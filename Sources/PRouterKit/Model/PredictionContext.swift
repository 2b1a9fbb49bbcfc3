/// A model's scores for query nodes of a ``RoutingData``, with what the forward
/// pass needs: neighbor lists and user profiles.
struct PredictionContext {
    var data: RoutingData
    var neighborhoods: Neighborhoods
    var profiles: UserProfiles

    init(data: RoutingData) {
        self.data = data
        neighborhoods = Neighborhoods(data: data)
        profiles = UserProfiles(data: data)
    }

    /// Recorded scores of every candidate of `targets` (their own outcomes left out).
    func scores(model: RouterModel, tape: Tape, targets: [Int], fanout: Int?, generator: inout SplitMix64) -> Tape.Variable {
        let graph = ComputationGraph(targets: targets, layers: model.config.kind.isGraph ? model.config.layers : 0,
                                     fanout: fanout, includeUsers: model.config.kind == .personalized, data: data,
                                     neighborhoods: neighborhoods, generator: &generator)
        return model.scores(tape: tape, graph: graph, data: data, profiles: profiles)
    }

    /// Inference scores per target (all neighbors, no dropout), in chunks of `chunk` targets.
    func predict(model: RouterModel, targets: [Int], chunk: Int = 4096) -> [[Float]] {
        var result: [[Float]] = []
        var generator = SplitMix64(seed: 0)
        for start in stride(from: 0, to: targets.count, by: chunk) {
            let part = Array(targets[start..<min(start + chunk, targets.count)])
            let tape = Tape()
            let scores = tape.value(self.scores(model: model, tape: tape, targets: part, fanout: nil, generator: &generator))
            var offset = 0
            for node in part {
                let count = data.edges(of: node).count
                result.append(Array(scores.data[offset..<offset + count]))
                offset += count
            }
        }
        return result
    }

    /// Routes `nodes` and scores the choices against their outcomes.
    func evaluate(model: RouterModel, nodes: [Int]) -> Outcome {
        var outcome = Outcome()
        for (node, scores) in zip(nodes, predict(model: model, targets: nodes)) {
            let edges = Array(data.edges(of: node))
            let chosen = edges[scores.indices.max { scores[$0] < scores[$1] }!]
            outcome.count += 1
            outcome.reward += data.edgeReward[chosen]
            if data.edgeBest[chosen] { outcome.hits += 1 }
        }
        return outcome
    }

    /// Validation figures.
    struct Outcome {
        var count = 0
        var reward = 0.0
        var hits = 0

        /// Mean reward in cost mode, accuracy in judge mode.
        func figure(mode: GraphMode) -> Double {
            guard count > 0 else { return 0 }
            return mode == .cost ? reward / Double(count) : Double(hits) / Double(count)
        }
    }
}
