import PRouterAutodiff

/// The MLP baseline (`--model mlp`): `[x_q ; x_t]` -> hidden -> one score per trained
/// LLM, read at each candidate.
struct MLPModel: QueryRoutingModel {
    static let name = "mlp"
    static let summary = "an MLP from query and task embeddings to one score per trained LLM"
    static let routesNewLLMs = false
    private let hidden: Dense
    private let output: Dense
    private let dropout: Float

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        hidden = Dense("mlp.W1", bias: "mlp.b1", input: config.queryWidth + config.taskWidth, output: config.hidden,
                       parameters: &parameters, generator: &generator)
        output = Dense("mlp.W2", bias: "mlp.b2", input: config.hidden, output: config.llmCount,
                       parameters: &parameters, generator: &generator)
        dropout = config.dropout
    }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        let (tape, targets, data) = (input.tape, input.graph.targets, input.data)
        let queries = data.queryFeatures.rowsGathered(targets.map { data.nodeQueryRow[$0] })
        let tasks = data.taskFeatures.rowsGathered(targets.map { data.nodeTask[$0] })
        let x = tape.concatColumns([tape.constant(queries), tape.constant(tasks)])
        let logits = output(tape.dropout(tape.relu(hidden(x, parameters)), rate: dropout), parameters)
        let (rows, columns) = RouterModel.candidates(of: targets, data: data)
        let llms = input.config.llmCount
        return tape.gatherRows(tape.reshapeToColumn(logits), zip(rows, columns).map { $0 * Int32(llms) + $1 })
    }
}

extension ModelKind {
    public static let mlp = ModelKind(MLPModel.self)
}
