import PRouterAutodiff
import PRouterGraph
import PRouterIO

/// Trains the gmt model on a multi-turn graph: next-turn preference prediction.
///
/// Each step hides the responses (and so the feedback) of a batch of labelled training
/// turns, encodes the batch users' subgraph of the training graph (``TurnSampler``), and
/// scores each hidden turn's candidate LLMs against the response the user preferred. Validation routes the validation turns the
/// way `pr-route` routes test turns (each with only its conversation's earlier turns)
/// and early-stops on accuracy.
///
/// The anchored model (`gmt`) first fits its prior weights: a conditional logit of the
/// training turns' choices on their ``TurnPriors`` (each turn's tallies leave out its
/// own conversation, as a routed conversation is not in the tallies either), its penalty
/// chosen by cross-validation over folds of conversations. The network then trains with
/// the priors as its offset (gate 1); the trained correction is kept only if it beats the
/// priors alone (gate 0) on validation by more than `options.significance` standard
/// errors, clustered by conversation. Without it, the priors are fitted again on the
/// training and validation turns together, as routing reads both.
public enum GMTTrainer {
    /// Folds of conversations for the prior fit's cross-validation.
    package static let priorFolds: UInt32 = 5

    public static func train(graph: ConversationGraph, config requested: ModelConfig, options: TrainingOptions,
                             progress: (EpochReport) -> Void) throws -> TrainedModel {
        let data = try ConversationData(graph: graph)
        let (base, rows) = data.view(of: [.train])
        var config = requested
        config.mode = .judge
        config.encoder = data.features.encoder
        config.queryWidth = data.queryWidth
        config.llmWidth = data.features.llm.cols
        config.responseWidth = base.responseWidth
        config.llmCount = graph.llms.count
        let trainTurns = (0..<graph.turnCount).filter { graph.turnSplit[$0] == .train && data.label(ofTurn: $0) != nil }
        guard !trainTurns.isEmpty else { throw DataError("the graph has no labelled training turns") }
        let validation = data.requests(of: .validation)
        let labelled = validation.turns.indices.filter { data.label(ofTurn: validation.turns[$0]) != nil }
        let validationRequests = labelled.map { validation.requests[$0] }
        let validationLabels = labelled.map { data.label(ofTurn: validation.turns[$0])! }
        var model = RouterModel(config: config, seed: options.seed)
        // The training turns' priors: the anchored model's features, and what validation routing reads.
        let trainPriors = model.gmt!.anchor == nil ? nil : TurnPriors(data: data, splits: [.train])
        /// 1 per validation turn routed to the LLM its user preferred, else 0.
        func hits(_ model: RouterModel) -> [Double] {
            let scores = GMTRouter(model: model, base: base, userIDs: graph.users, priors: trainPriors).scores(validationRequests)
            return zip(scores, validationLabels).map { scores, label in scores.indices.max { scores[$0] < scores[$1] } == label ? 1 : 0 }
        }

        var options = options
        options.batchSize = options.batchSize ?? automaticBatchSize(turns: trainTurns.count)
        options.patience = options.patience ?? automaticPatience(turns: trainTurns.count)
        var priorFeatures: [Int: [Float]] = [:]
        if let anchor = model.gmt!.anchor, let trainPriors {
            priorFeatures = data.priorFeatures(of: .train, priors: trainPriors)
            model.parameters.values[anchor.priorWeights].data = fitPriorWeights(trainTurns, features: priorFeatures, data: data)
        }
        // The priors alone (gate 0), the fallback; training starts with the network's part
        // open (gate 1): from a closed gate its gradients would start at zero and grow
        // only as fast as the gate, too slowly to learn within early stopping's patience.
        let start = model
        if let anchor = model.gmt!.anchor { model.parameters.values[anchor.gate].data = [1] }
        let sampler = TurnSampler(base: base)
        var record = Trainer.optimize(model: &model, units: trainTurns, options: options, progress: progress) { model, tape, batch, _ in
            let (sample, targets) = sampler.subgraph(around: batch.map { rows[$0] })
            var hidden = [Bool](repeating: false, count: sample.turnCount)
            for row in targets { hidden[Int(row)] = true }
            let parameters = model.registeredParameters(tape)
            let states = model.gmt!.encode(tape: tape, parameters: parameters, graph: sample, hidden: hidden).states
            var turns: [Int32] = [], llms: [Int32] = [], offsets = [0]
            for (turn, row) in zip(batch, targets) {
                for response in data.responses(ofTurn: turn) {
                    turns.append(row)
                    llms.append(Int32(graph.responseLLM[response]))
                }
                offsets.append(turns.count)
            }
            let priors = model.gmt!.anchor == nil ? nil
                : Matrix(rows: turns.count, cols: TurnPriors.width, data: batch.flatMap { priorFeatures[$0]! })
            let scores = model.gmt!.scores(tape: tape, parameters: parameters, states: states, graph: sample, turns: turns, llms: llms,
                                           priors: priors)
            return Trainer.candidateLoss(tape: tape, scores: scores, offsets: offsets, targets: batch.map { data.label(ofTurn: $0)! },
                                         kind: config.loss)
        } validate: { model in
            guard !validationRequests.isEmpty else { return nil }
            let hits = hits(model)
            return hits.reduce(0, +) / Double(hits.count)
        }
        if model.gmt!.anchor != nil {
            let (trained, untrained) = (hits(model), hits(start))
            let conversations = labelled.map { Int32(bitPattern: graph.turnConversation[validation.turns[$0]]) }
            if record.bestEpoch == 0 || !PairedGain(trained, over: untrained, clusters: conversations).isSignificant(options.significance) {
                model = start
                record.bestEpoch = 0
                record.bestValidation = untrained.reduce(0, +) / Double(max(untrained.count, 1))
            }
        }
        if let anchor = model.gmt!.anchor, record.bestEpoch == 0, !validationRequests.isEmpty {
            let priors = TurnPriors(data: data, splits: [.train, .validation])
            let features = data.priorFeatures(of: .train, priors: priors)
                .merging(data.priorFeatures(of: .validation, priors: priors)) { first, _ in first }
            let turns = trainTurns + labelled.map { validation.turns[$0] }
            model.parameters.values[anchor.priorWeights].data = fitPriorWeights(turns, features: features, data: data)
        }
        return TrainedModel(model: model, llms: graph.llms, tasks: [], bestEpoch: record.bestEpoch,
                            bestValidation: record.bestValidation, epochsRun: record.epochsRun,
                            graphFingerprint: nil, context: nil)
    }

    /// The prior weights fitted to the choices of labelled `turns` (``ConditionalLogit``,
    /// cross-validated over folds of conversations), from the history blend's columns up:
    /// every history column, then with the ``ResponseTaste`` columns, with the columns that
    /// read similar queries instead, and with both; each set is kept only when it predicts
    /// held-out choices significantly better than the one kept before it.
    static func fitPriorWeights(_ turns: [Int], features: [Int: [Float]], data: ConversationData) -> [Float] {
        let choices = turns.map { ConditionalLogit.Choice(features: features[$0]!, chosen: data.label(ofTurn: $0)!) }
        let conversations = turns.map { data.graph.turnConversation[$0] }
        let history = Array(0..<HistoryPriors.width), taste = Array(TurnPriors.tasteColumns)
        return ConditionalLogit.fitted(width: TurnPriors.width, choices: choices, folds: conversations.map { Int($0 % priorFolds) },
                                       clusters: conversations.map { Int32(bitPattern: $0) },
                                       columnSets: [HistoryPriors.blendColumns, history, history + taste,
                                                    history + Array(TurnPriors.textColumns), Array(0..<TurnPriors.width)])
            .weights.map(Float.init)
    }

    /// Turns per batch by default: 32, or enough for 32 steps per epoch. A step encodes
    /// its users' subgraph, so an epoch costs about the same at any batch size, and
    /// larger batches average the noise of single turns' feedback (measured on 1,000
    /// users x 10 turns: test accuracy 49.9% at batches of 32, 54.4% at 256).
    static func automaticBatchSize(turns: Int) -> Int {
        max(32, (turns + 31) / 32)
    }

    /// Epochs without a better validation figure before stopping, by default: as many as
    /// see 20,480 training turns (40 epochs of 512), between 3 and 40. Each step costs in
    /// proportion to its batch, so a large graph's epoch is long and improves the model
    /// by many steps; a small graph's needs many epochs.
    static func automaticPatience(turns: Int) -> Int {
        max(3, min(40, (40 * 512 + turns / 2) / max(turns, 1)))
    }
}
