import PRouterAutodiff

/// How the anchored model trains: its loss is the candidate loss of its scores plus
/// `outcomeWeight` times the squared error of the GNN head's predicted outcomes; it
/// stops on its validation loss (smooth over every validation edge, where the best
/// routing figure over many epochs is a noisy maximum that rewards a head which
/// memorized the training queries by luck); and the learned correction is kept only
/// where it beats the untrained start by more than `significance` standard errors
/// (clustered by query): else the model routes by the start, which cross-validation
/// chose over every labeled query.
///
/// The validation queries are split in two, alternately in order of first appearance:
/// the epoch is chosen on one half's loss and the correction tested on the other half,
/// so that the test is not taken on the queries that chose the epoch (the best of many
/// epochs looks better on them than it is).
struct AnchoredObjective: TrainingObjective {
    let context: PredictionContext
    let validation: [Int]
    /// The validation nodes of the half whose loss chooses the epoch.
    let selection: [Int]
    /// The validation nodes of the half that tests the correction.
    let check: [Int]
    let options: TrainingOptions
    let fanout: Int
    /// The labeled validation queries' batch of the half that chooses the epoch, built
    /// once: the validation loss uses every neighbor, so its graph and anchor rows are the
    /// same every epoch.
    private let validationBatch: PredictionContext.AnchoredBatch?

    init(context: PredictionContext, start: RouterModel, validation: [Int], options: TrainingOptions) {
        self.context = context
        self.validation = validation
        self.options = options
        fanout = start.config.fanout
        let groups = context.data.queryGroups(validation)
        selection = stride(from: 0, to: groups.count, by: 2).flatMap { groups[$0] }
        check = stride(from: 1, to: groups.count, by: 2).flatMap { groups[$0] }
        let labeled = selection.filter { context.data.target(of: $0) != nil }
        var unsampled = SplitMix64(seed: 0)
        validationBatch = labeled.isEmpty ? nil
            : context.anchoredBatch(model: start, targets: labeled, fanout: nil, generator: &unsampled)
    }

    func loss(_ model: RouterModel, tape: Tape, batch: [Int], generator: inout SplitMix64) -> Tape.Variable {
        context.anchoredLoss(model: model, tape: tape,
                             batch: context.anchoredBatch(model: model, targets: batch, fanout: fanout, generator: &generator),
                             outcomeWeight: options.outcomeWeight)
    }

    func validate(_ model: RouterModel) -> Double? {
        guard !validation.isEmpty, let validationBatch else { return nil }
        let tape = Tape(recording: false)
        let loss = context.anchoredLoss(model: model, tape: tape, batch: validationBatch, outcomeWeight: options.outcomeWeight)
        return -Double(tape.value(loss).data[0])
    }

    func settle(_ model: inout RouterModel, start: RouterModel, record: inout TrainingRecord) {
        guard !validation.isEmpty else { return }
        let (trained, untrained) = (context.evaluate(model: model, nodes: check), context.evaluate(model: start, nodes: check))
        if !trained.pairedGain(over: untrained).isSignificant(options.significance) {
            model = start
            record.bestEpoch = 0
        }
        record.bestValidation = context.evaluate(model: model, nodes: validation).figure(mode: context.data.mode)
    }
}

extension PredictionContext {
    /// What the anchored model's loss on some targets needs besides the parameters: their
    /// computation graph, anchor rows (their own outcomes left out) and observed outcomes.
    /// A fixed set of targets (validation) is prepared once and scored every epoch.
    struct AnchoredBatch {
        let graph: ComputationGraph
        let rows: AnchorFeatures.Rows
        /// Per candidate edge, the observed normalized performance and cost.
        let observed: Matrix
    }

    /// The batch of `targets`, with neighbors sampled up to `fanout` (all when nil).
    func anchoredBatch(model: RouterModel, targets: [Int], fanout: Int?, generator: inout SplitMix64) -> AnchoredBatch {
        let graph = sampledGraph(model: model, targets: targets, fanout: fanout, generator: &generator)
        var observed: [Float] = []
        let width = AnchoredModel.outcomeWidth
        for node in targets {
            for edge in data.edges(of: node) {
                observed += data.edgeInput[edge * RoutingData.edgeInputWidth..<edge * RoutingData.edgeInputWidth + width]
            }
        }
        return AnchoredBatch(graph: graph, rows: anchors!.excluding(targets, data: data).rows(targets, data: data),
                             observed: Matrix(rows: observed.count / width, cols: width, data: observed))
    }

    /// The anchored model's training loss on a batch: the candidate loss of its scores
    /// plus `outcomeWeight` times the squared error of its predicted outcomes against how
    /// far the targets' observed normalized performance and cost are from their LLMs' task means
    /// and the text regression's predictions.
    func anchoredLoss(model: RouterModel, tape: Tape, batch: AnchoredBatch, outcomeWeight: Float) -> Tape.Variable {
        let anchored = model.network as! AnchoredModel
        let input = ScoringInput(tape: tape, graph: batch.graph, data: data, profiles: profiles, anchors: nil, context: nil,
                                 config: model.config)
        let (scores, outcomes, baseline) = anchored.outputs(input, rows: batch.rows, parameters: model.reader(tape))
        var residual = batch.observed
        for i in residual.data.indices { residual.data[i] -= baseline.data[i] }
        let error = tape.meanSquaredError(outcomes, targets: residual)
        let choice = Trainer.lossVariable(tape: tape, scores: scores, batch: batch.graph.targets, data: data, kind: model.config.loss)
        return tape.add(choice, tape.multiply(error, tape.constant(Matrix(rows: 1, cols: 1, data: [outcomeWeight]))))
    }
}
