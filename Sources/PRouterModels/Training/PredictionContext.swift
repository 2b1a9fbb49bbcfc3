import Dispatch
import PRouterAutodiff
import PRouterGraph
import PRouterIO

/// A model's scores for query nodes of a ``RoutingData``, with what the forward
/// pass needs: neighbor lists and user profiles.
package struct PredictionContext {
    package var data: RoutingData
    var neighborhoods: Neighborhoods
    var profiles: UserProfiles
    /// The table priors and user statistics, for the models that use them and for
    /// training (which compares every model with the tables).
    package var anchors: AnchorFeatures?

    /// A context over `data` for a model trained with `llmCount` LLMs. Without
    /// `neighborhoods` (when routing from cached context states) only shallow scoring works;
    /// without `anchors`, only the models that do not use tables; without `profiles`, only
    /// the models that take no user inputs.
    init(data: RoutingData, llmCount: Int, neighborhoods: Bool = true, anchors: Bool = true, profiles: Bool = true) {
        self.data = data
        // Three independent passes over the observed nodes, side by side.
        (self.anchors, self.profiles, self.neighborhoods) = concurrently(
            { anchors ? AnchorFeatures(data: data) : nil },
            { profiles ? UserProfiles(data: data, llmCount: llmCount) : UserProfiles(emptyWith: llmCount, users: data.userIDs.count) },
            { neighborhoods ? Neighborhoods(data: data) : Neighborhoods(empty: data) })
    }

    /// The context routing with `model` needs: neighbor lists only when there are no
    /// `cached` context states to take the task, LLM and user states from, the tables
    /// only for the models that use them (the cached ones when there are), and user
    /// profiles only for the personalized model.
    package init(routing data: RoutingData, model: RouterModel, cached: RoutingCache) {
        let inputs = model.inputs
        self.init(data: data, llmCount: model.config.llmCount, neighborhoods: cached.states == nil && model.encoder != nil,
                  anchors: inputs.contains(.tables) && cached.tables == nil, profiles: inputs.contains(.users))
        if inputs.contains(.tables), let tables = cached.tables { anchors = tables }
    }

    /// Recorded scores of every candidate of `targets` (their own outcomes left out).
    func scores(model: RouterModel, tape: Tape, targets: [Int], fanout: Int?, generator: inout SplitMix64) -> Tape.Variable {
        let graph = sampledGraph(model: model, targets: targets, fanout: fanout, generator: &generator)
        let own = model.inputs.contains(.tables) ? anchors!.excluding(targets, data: data) : nil
        return model.scores(tape: tape, graph: graph, data: data, profiles: profiles, anchors: own)
    }

    /// The computation graph of `targets` for `model`, with neighbors sampled up to
    /// `fanout` (all when nil).
    func sampledGraph(model: RouterModel, targets: [Int], fanout: Int?, generator: inout SplitMix64) -> ComputationGraph {
        ComputationGraph(targets: targets, layers: model.encoder == nil ? 0 : model.config.layers,
                         fanout: fanout, includeUsers: model.inputs.contains(.users), data: data,
                         neighborhoods: neighborhoods, generator: &generator)
    }

    /// Inference scores per target: every neighbor, no dropout. The task, LLM and user
    /// states come from `context` (computed here when not given), so each target costs
    /// only its own computation and its scores do not depend on the other targets.
    func predict(model: RouterModel, targets: [Int], context: ContextStates? = nil, chunk: Int = Self.predictionChunk) -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(targets.count)
        forEachPrediction(model: model, targets: targets, context: context, chunk: chunk, render: { $1 }) { result += $0 }
        return result
    }

    /// Targets per chunk of ``forEachPrediction(model:targets:context:chunk:render:_:)``: small
    /// enough that a chunk's matrices stay in cache, large enough to amortize its set-up.
    static let predictionChunk = 1024

    /// Predicts `targets` (distinct nodes) `chunk` at a time, chunks in parallel on all cores.
    /// `render` turns a chunk's targets and their scores into a value on the worker
    /// thread (routes render their output lines there); `body` receives the values in
    /// input order. Products are row-stable and OpenBLAS runs on one thread per chunk, so
    /// a target's scores depend neither on the other targets nor on the number of cores.
    package func forEachPrediction<T>(model: RouterModel, targets: [Int], context: ContextStates?, chunk size: Int = Self.predictionChunk,
                              render: @escaping @Sendable (ArraySlice<Int>, [[Float]]) -> T, _ body: (T) throws -> Void) rethrows {
        guard !targets.isEmpty else { return }
        let states = model.encoder == nil ? nil : context ?? ContextStates(model: model, context: self)
        let workers = max(1, min(System.activeProcessorCount, 8))
        // A few targets (a streamed batch) are still spread over every core.
        let size = min(size, (targets.count + workers - 1) / workers)
        let chunks = stride(from: 0, to: targets.count, by: size).map { targets[$0..<min(targets.count, $0 + size)] }
        try BLAS.withThreads(1) {
            for wave in stride(from: 0, to: chunks.count, by: workers) {
                let count = min(workers, chunks.count - wave)
                let slots = ResultSlots<T>(count: count)
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    let chunk = chunks[wave + index]
                    slots.set(index, render(chunk, predictChunk(model: model, targets: Array(chunk), states: states)))
                }
                for value in slots.values { try body(value) }
            }
        }
    }

    /// The scores of one chunk of targets.
    private func predictChunk(model: RouterModel, targets: [Int], states: ContextStates?) -> [[Float]] {
        let tape = Tape(recording: false, rowStable: true)
        let values: Tape.Variable
        if let states {
            let graph = ComputationGraph(targets: targets, shallowLayers: model.config.layers,
                                         includeUsers: model.inputs.contains(.users), data: data)
            values = model.scores(tape: tape, graph: graph, data: data, profiles: profiles, anchors: anchors, context: states)
        } else {
            var generator = SplitMix64(seed: 0)
            values = self.scores(model: model, tape: tape, targets: targets, fanout: nil, generator: &generator)
        }
        let scores = tape.value(values)
        var result: [[Float]] = []
        var offset = 0
        for node in targets {
            let count = data.edges(of: node).count
            result.append(Array(scores.data[offset..<offset + count]))
            offset += count
        }
        return result
    }

    /// Routes `nodes` and scores the choices against their outcomes.
    func evaluate(model: RouterModel, nodes: [Int], context: ContextStates? = nil) -> Outcome {
        var outcome = Outcome()
        for (node, scores) in zip(nodes, predict(model: model, targets: nodes, context: context)) {
            outcome.record(node: node, chosen: data.edges(of: node).lowerBound + scores.indices.max { scores[$0] < scores[$1] }!,
                           data: data)
        }
        return outcome
    }

    /// Validation figures.
    struct Outcome {
        var count = 0
        var reward = 0.0
        var hits = 0
        /// Per node: the chosen LLM's reward (cost mode) or 1 when it was the best (judge mode).
        var perNode: [Double] = []
        /// Per node: its query (feature row), the cluster of the standard errors.
        var queries: [Int32] = []

        /// Records that `chosen` was routed for `node`.
        mutating func record(node: Int, chosen: Int, data: RoutingData) {
            count += 1
            reward += data.edgeReward[chosen]
            if data.edgeBest[chosen] { hits += 1 }
            perNode.append(data.outcome(of: chosen))
            queries.append(data.nodeQueryRow[node])
        }

        /// The mean of `self.perNode - other.perNode` (the same nodes) and its standard
        /// error clustered by query: every user's copy of a query shares the query's
        /// outcomes, so copies are not independent evidence.
        func pairedGain(over other: Outcome) -> PairedGain {
            PairedGain(perNode, over: other.perNode, clusters: queries)
        }

        /// Mean reward in cost mode, accuracy in judge mode.
        func figure(mode: GraphMode) -> Double {
            guard count > 0 else { return 0 }
            return mode == .cost ? reward / Double(count) : Double(hits) / Double(count)
        }
    }
}
