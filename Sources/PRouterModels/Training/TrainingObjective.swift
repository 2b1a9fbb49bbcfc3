import PRouterAutodiff

/// The best epoch's figures while training: its number, its validation figure, and how
/// many epochs ran.
typealias TrainingRecord = (bestEpoch: Int, bestValidation: Double, epochsRun: Int)

/// How a query-routing model trains (``QueryRoutingModel/objective(for:context:validation:options:)``):
/// the loss of a batch, the validation figure that picks the epoch kept, and what is
/// kept in the end.
protocol TrainingObjective {
    /// A batch's mean loss on `tape`.
    func loss(_ model: RouterModel, tape: Tape, batch: [Int], generator: inout SplitMix64) -> Tape.Variable
    /// The figure to maximize (nil: minus the epoch's training loss).
    func validate(_ model: RouterModel) -> Double?
    /// The model to keep after training stopped at `record`'s best epoch; the default
    /// keeps it.
    func settle(_ model: inout RouterModel, start: RouterModel, record: inout TrainingRecord)
}

extension TrainingObjective {
    func settle(_ model: inout RouterModel, start: RouterModel, record: inout TrainingRecord) {}
}

/// The candidate loss (``LossKind``) on each query's choice, with neighbors sampled up to
/// `fanout`; the routing figure on the validation queries.
struct ChoiceObjective: TrainingObjective {
    let context: PredictionContext
    let validation: [Int]
    let fanout: Int
    let loss: LossKind

    func loss(_ model: RouterModel, tape: Tape, batch: [Int], generator: inout SplitMix64) -> Tape.Variable {
        let scores = context.scores(model: model, tape: tape, targets: batch, fanout: fanout, generator: &generator)
        return Trainer.lossVariable(tape: tape, scores: scores, batch: batch, data: context.data, kind: loss)
    }

    func validate(_ model: RouterModel) -> Double? {
        guard !validation.isEmpty else { return nil }
        return context.evaluate(model: model, nodes: validation).figure(mode: context.data.mode)
    }
}
