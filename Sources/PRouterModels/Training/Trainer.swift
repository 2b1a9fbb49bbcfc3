import PRouterAutodiff
import PRouterGraph
import PRouterIO

/// How to train.
public struct TrainingOptions: Sendable, Equatable {
    public var epochs = 400
    /// Units (query nodes or turns) per batch; nil: ``automaticBatchSize(units:)``.
    public var batchSize: Int?
    public var learningRate: Float = 1e-3
    /// L2 weight decay added to the gradients.
    public var weightDecay: Float = 0
    /// Epochs without a better validation figure before stopping; nil: 40, or
    /// ``automaticPatience(batchSize:)`` with an automatic batch size.
    public var patience: Int?
    public var seed: UInt64 = 0
    /// The anchored model's weight of the outcome-prediction loss.
    public var outcomeWeight: Float = 5
    /// Standard errors by which the anchored model's validation figure must beat the best
    /// table policy's (paired over the validation queries) to be kept over that table.
    public var significance = 2.0

    public init() {}

    /// 32, or on more than 8,192 units as many as keep an epoch to 256 steps: a 1000-user
    /// graph then trains in 256 steps of about a thousand queries, not 8,750 of 32.
    public static func automaticBatchSize(units: Int) -> Int {
        max(32, (units + 255) / 256)
    }

    /// 40 epochs at batches of 32, and as many epochs as see the same number of training
    /// units when batches are larger (an epoch then covers more of the graph per step
    /// count), but at least 3.
    public static func automaticPatience(batchSize: Int) -> Int {
        max(3, (40 * 32 + batchSize / 2) / batchSize)
    }
}

/// One epoch's figures, for progress output.
public struct EpochReport: Sendable, Equatable {
    public var epoch: Int
    public var epochs: Int
    public var loss: Double
    /// Validation mean reward (cost mode) or accuracy (judge mode).
    public var validation: Double
    public var best: Double
    public var seconds: Double
}

/// A trained model with the record of its training.
public struct TrainedModel: Sendable {
    public var model: RouterModel
    public var llms: [String]
    public var tasks: [String]
    public var bestEpoch: Int
    public var bestValidation: Double
    public var epochsRun: Int
    /// The fingerprint of the graph file trained on, and the model's context states on it
    /// (all observed nodes, as `pr-route` sees them), reused when routing that same file.
    package var graphFingerprint: UInt32?
    var context: ContextStates?
    /// The anchored tables on that file (``AnchorFeatures``), for the models that use them.
    var tables: StateArchive?
    /// The best table policy's validation figure on the same validation queries, and its level.
    public var tableValidation: (level: TableLevel, figure: Double)?
    /// The trained model's validation figure minus that table's, node by node, with its
    /// standard error clustered by query (known only where the model was trained, not
    /// read from a weights file).
    public var tableGap: (difference: Double, standardError: Double)?

    /// Whether the trained model's validation figure is below the best table policy's by
    /// more than `significance` standard errors of the node-by-node difference (by any
    /// margin where that difference is not known); never for the table model itself,
    /// which routes by the level it chose. The validation queries are few: on the 14 of
    /// 64 robustness suite runs where the anchored model was below the table on them, it
    /// routed the test queries 0.84 points better than the table on average, so a gap
    /// within the noise is no reason to switch.
    public func isWorseThanTable(significance: Double) -> Bool {
        guard model.config.kind != .table, let table = tableValidation, bestValidation < table.figure else { return false }
        guard let tableGap else { return true }
        return -tableGap.difference > significance * tableGap.standardError
    }

    /// Whether every number the weights file would hold is finite: the parameters, the
    /// context states, the cached tables and the training record.
    var isFinite: Bool {
        bestValidation.isFinite && (tableValidation?.figure.isFinite ?? true)
            && model.parameters.values.allSatisfy { $0.data.allSatisfy(\.isFinite) }
            && (context?.states ?? []).allSatisfy { $0.allSatisfy { $0?.data.allSatisfy(\.isFinite) ?? true } }
            && (tables?.reals.allSatisfy(\.isFinite) ?? true)
    }

    /// Where the anchored model started and why, as `pr-train` reports it: "start utility,
    /// cross-validated +0.0064 ±0.0036 over the user-task table"; nil for other models.
    public var startSummary: String? {
        guard let evidence = model.config.anchorStartEvidence else { return nil }
        return "start \(model.config.anchorStart.rawValue), cross-validated \(evidence.tableGain >= 0 ? "+" : "")"
            + "\(Decimals.fixed(evidence.tableGain, 4)) ±\(Decimals.fixed(evidence.standardError, 4)) over the \(model.config.tableLevel.rawValue) table"
    }
}

/// Mini-batch training with Adam, a linearly decaying learning rate and early stopping
/// on the validation split.
public enum Trainer {
    /// Trains on `graph`; with the graph file's `fingerprint`, the trained model keeps its
    /// context states for fast routing of that file.
    public static func train(graph: Graph, fingerprint: UInt32? = nil, config requested: ModelConfig, options: TrainingOptions,
                             progress: (EpochReport) -> Void) throws -> TrainedModel {
        guard let type = requested.kind.type as? any QueryRoutingModel.Type else {
            throw UsageError("the \(requested.kind) model trains on multi-turn graphs (pr-build-graph --multi-turn conversations.jsonl)")
        }
        var clock = StageClock(tool: "pr-train")
        let data = try RoutingData(graph: graph, routing: false)
        clock.finished("routing data")
        var config = requested
        config.mode = graph.mode
        config.encoder = graph.features!.encoder
        config.queryWidth = data.queryFeatures.cols
        config.taskWidth = data.taskFeatures.cols
        config.llmWidth = data.llmFeatures.cols
        config.llmCount = data.llmIDs.count
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let trainNodes = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .train && data.target(of: $0) != nil }
        let validationNodes = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .validation && !data.edges(of: $0).isEmpty }
        guard !trainNodes.isEmpty else { throw DataError("the graph has no training queries") }
        clock.finished("tables and profiles")

        let tables = TableLevel.allCases.map { level -> (level: TableLevel, outcome: PredictionContext.Outcome) in
            var table = config
            table.kind = .table
            table.tableLevel = level
            return (level, context.evaluate(model: RouterModel(config: table, seed: 0), nodes: validationNodes))
        }
        let best = validationNodes.isEmpty ? nil : tables.max { $0.outcome.figure(mode: data.mode) < $1.outcome.figure(mode: data.mode) }
        let bestTable = best.map { (level: $0.level, figure: $0.outcome.figure(mode: data.mode)) }
        // How the trained model routed the validation nodes against the best table.
        func gap(_ outcome: PredictionContext.Outcome) -> (difference: Double, standardError: Double)? {
            best.map {
                let estimate = outcome.pairedGain(over: $0.outcome).estimate
                return (estimate.mean, estimate.standardError)
            }
        }
        // What pr-route reads of this graph: every labeled node observed, so tables and a
        // text regression fitted on the validation queries too. The start is chosen on
        // those, so that what chose it is what routes: chosen on the training queries'
        // regression, a start could leave a text fit that its cross-validation never saw
        // (a few dozen more queries can move the regression's penalty from 100 to 0.3).
        let deployed = type.inputs.contains(.tables) ? try deployedTables(graph: graph) : nil
        type.prepare(&config, context: deployed ?? context, nodes: trainNodes + validationNodes, options: options)
        var model = RouterModel(config: config, seed: options.seed)
        let start = model
        clock.finished("table baselines")
        guard type.trains else {
            let validation = context.evaluate(model: model, nodes: validationNodes)
            let cache = try routingCache(model: model, graph: graph, fingerprint: fingerprint, deployed: deployed)
            return TrainedModel(model: model, llms: data.llmIDs, tasks: data.taskIDs, bestEpoch: 0,
                                bestValidation: validation.figure(mode: data.mode), epochsRun: 0, graphFingerprint: cache.fingerprint,
                                context: cache.context, tables: cache.tables, tableValidation: bestTable, tableGap: gap(validation))
        }
        let objective = type.objective(for: model, context: context, validation: validationNodes, options: options)
        clock.finished("validation batch")
        var record = optimize(model: &model, units: trainNodes, options: options, progress: progress) { model, tape, batch, generator in
            objective.loss(model, tape: tape, batch: batch, generator: &generator)
        } validate: { model in
            objective.validate(model)
        }
        clock.finished("training")
        objective.settle(&model, start: start, record: &record)
        let cache = try routingCache(model: model, graph: graph, fingerprint: fingerprint, deployed: deployed)
        clock.finished("routing context")
        return TrainedModel(model: model, llms: data.llmIDs, tasks: data.taskIDs, bestEpoch: record.bestEpoch,
                            bestValidation: record.bestValidation, epochsRun: record.epochsRun,
                            graphFingerprint: cache.fingerprint, context: cache.context, tables: cache.tables,
                            tableValidation: bestTable, tableGap: best == nil ? nil : gap(context.evaluate(model: model, nodes: validationNodes)))
    }

    /// The tables `pr-route` reads of `graph` (every labeled node observed), in a context
    /// without neighbor lists or user profiles.
    private static func deployedTables(graph: Graph) throws -> PredictionContext {
        let routing = try RoutingData(graph: graph, routing: true, validationObserved: true)
        return PredictionContext(data: routing, llmCount: routing.llmIDs.count, neighborhoods: false, profiles: false)
    }

    /// What `pr-route` would otherwise compute on every start for the graph file with
    /// `fingerprint`: the model's context states (graph models) and its anchored tables
    /// (table models, `deployed`'s), on all observed nodes; none without a fingerprint.
    private static func routingCache(model: RouterModel, graph: Graph, fingerprint: UInt32?, deployed: PredictionContext?) throws
        -> (fingerprint: UInt32?, context: ContextStates?, tables: StateArchive?) {
        let messages = model.encoder != nil
        guard let fingerprint, messages || deployed?.anchors != nil else { return (nil, nil, nil) }
        let archive = deployed?.anchors.map { anchors in
            var archive = StateArchive()
            anchors.archive(into: &archive)
            return archive
        }
        guard messages else { return (fingerprint, nil, archive) }
        let routing = try deployed?.data ?? RoutingData(graph: graph, routing: true, validationObserved: true)
        let context = PredictionContext(data: routing, llmCount: routing.llmIDs.count, anchors: false)
        return (fingerprint, ContextStates(model: model, context: context), archive)
    }

    /// Mini-batch Adam over `units` with a linearly decaying rate: `loss` gives a batch's
    /// mean loss on a fresh tape, `validate` the figure to maximize (nil: minus the
    /// epoch's training loss). Stops after `patience` epochs without a better figure and
    /// leaves the best epoch's parameters in `model`.
    static func optimize(model: inout RouterModel, units: [Int], options: TrainingOptions, progress: (EpochReport) -> Void,
                         loss: (RouterModel, Tape, [Int], inout SplitMix64) -> Tape.Variable,
                         validate: (RouterModel) -> Double?) -> TrainingRecord {
        var units = units
        var adam = Adam(for: model.parameters, weightDecay: options.weightDecay)
        let batchSize = options.batchSize ?? TrainingOptions.automaticBatchSize(units: units.count)
        let patience = options.patience ?? (options.batchSize == nil ? TrainingOptions.automaticPatience(batchSize: batchSize) : 40)
        let stepsPerEpoch = (units.count + batchSize - 1) / batchSize
        let schedule = LinearDecay(initial: options.learningRate, totalSteps: options.epochs * stepsPerEpoch)
        var generator = SplitMix64(seed: options.seed, stream: 0x7472_6169_6E)
        // Epoch 0, the untrained model, competes too: for the anchored model it is the table policy.
        var best = (epoch: 0, validation: validate(model) ?? -Double.infinity, parameters: model.parameters)
        var step = 0
        var epochsRun = 0
        for epoch in 1..<options.epochs + 1 {
            let started = monotonicSeconds()
            generator.shuffle(&units)
            var lossTotal = 0.0
            for start in stride(from: 0, to: units.count, by: batchSize) {
                let batch = Array(units[start..<min(start + batchSize, units.count)])
                let tape = Tape(training: true, seed: generator.next())
                let batchLoss = loss(model, tape, batch, &generator)
                tape.backward(from: batchLoss)
                adam.update(&model.parameters, gradients: tape.parameterGradients(shapes: model.parameters.shapes),
                            rate: schedule.rate(at: step))
                step += 1
                lossTotal += Double(tape.value(batchLoss).data[0]) * Double(batch.count)
            }
            epochsRun = epoch
            let validation = validate(model) ?? -lossTotal
            if validation > best.validation {
                best = (epoch, validation, model.parameters)
            }
            progress(EpochReport(epoch: epoch, epochs: options.epochs, loss: lossTotal / Double(units.count),
                                 validation: validation, best: best.validation, seconds: monotonicSeconds() - started))
            if epoch - best.epoch >= patience { break }
        }
        model.parameters = best.parameters
        return (best.epoch, best.validation, epochsRun)
    }

    static func lossVariable(tape: Tape, scores: Tape.Variable, batch: [Int], data: RoutingData, kind: LossKind) -> Tape.Variable {
        var offsets = [0]
        for node in batch { offsets.append(offsets.last! + data.edges(of: node).count) }
        return candidateLoss(tape: tape, scores: scores, offsets: offsets, targets: batch.map { data.target(of: $0)! }, kind: kind)
    }

    /// The loss of candidate sets `offsets[i]..<offsets[i + 1]` of `scores` whose
    /// correct candidate is `targets[i]` (a position within its set).
    static func candidateLoss(tape: Tape, scores: Tape.Variable, offsets: [Int], targets: [Int], kind: LossKind) -> Tape.Variable {
        switch kind {
        case .softmax:
            return tape.candidateCrossEntropy(scores, offsets: offsets, targets: targets)
        case .bce:
            let labels = targets.indices.flatMap { i in (0..<offsets[i + 1] - offsets[i]).map { Float($0 == targets[i] ? 1 : 0) } }
            return tape.binaryCrossEntropy(scores, labels: labels)
        }
    }
}
