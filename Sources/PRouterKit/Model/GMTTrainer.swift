/// Trains the gmt model on a multi-turn graph: next-turn preference prediction.
///
/// Each step hides the responses (and so the feedback) of a batch of labelled training
/// turns, encodes the whole training graph, and scores each hidden turn's candidate LLMs
/// against the response the user preferred. Validation routes the validation turns the
/// way `pr-route` routes test turns (each with only its conversation's earlier turns)
/// and early-stops on accuracy.
public enum GMTTrainer {
    public static func train(graph: ConversationGraph, config requested: ModelConfig, options: TrainingOptions,
                             progress: (EpochReport) -> Void) throws -> TrainedModel {
        let data = try ConversationData(graph: graph)
        let (base, rows) = data.view(of: [.train])
        var config = requested
        config.kind = .gmt
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
        let record = Trainer.optimize(model: &model, units: trainTurns, options: options, progress: progress) { model, tape, batch, _ in
            var hidden = [Bool](repeating: false, count: base.turnCount)
            for turn in batch { hidden[Int(rows[turn])] = true }
            let parameters = model.parameterVariables(tape)
            let states = model.gmt!.encode(tape: tape, parameters: parameters, graph: base, hidden: hidden).states
            var turns: [Int32] = [], llms: [Int32] = [], offsets = [0]
            for turn in batch {
                for response in data.responses(ofTurn: turn) {
                    turns.append(rows[turn])
                    llms.append(Int32(graph.responseLLM[response]))
                }
                offsets.append(turns.count)
            }
            let scores = model.gmt!.scores(tape: tape, parameters: parameters, states: states, graph: base, turns: turns, llms: llms)
            return Trainer.candidateLoss(tape: tape, scores: scores, offsets: offsets, targets: batch.map { data.label(ofTurn: $0)! },
                                         kind: config.loss)
        } validate: { model in
            guard !validationRequests.isEmpty else { return nil }
            let router = GMTRouter(model: model, base: base, userIDs: graph.users)
            return accuracy(router.scores(validationRequests), labels: validationLabels)
        }
        return TrainedModel(model: model, llms: graph.llms, tasks: [], bestEpoch: record.bestEpoch,
                            bestValidation: record.bestValidation, epochsRun: record.epochsRun,
                            graphFingerprint: nil, context: nil)
    }

    /// The share of score lists whose highest score is at the label (first of equals).
    static func accuracy(_ scores: [[Float]], labels: [Int]) -> Double {
        let hits = zip(scores, labels).filter { scores, label in scores.indices.max { scores[$0] < scores[$1] } == label }.count
        return Double(hits) / Double(max(1, labels.count))
    }
}
