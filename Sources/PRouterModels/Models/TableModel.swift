import PRouterAutodiff

/// A table policy (`--model table`): the LLM with the best shrunk mean outcome per user
/// and task, per user, per task or overall (``TableLevel``, chosen by cross-validation);
/// nothing to train.
struct TableModel: QueryRoutingModel {
    static let name = "table"
    static let summary = "the best LLM per user and task, user, task or overall, by shrunk mean outcome; nothing to train"
    static let inputs: ModelInputs = [.tables]
    static let trains = false

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {}

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        input.tape.constant(input.anchors!.tableScores(input.graph.targets, level: input.config.tableLevel, data: input.data))
    }
}

extension ModelKind {
    public static let table = ModelKind(TableModel.self)
}
