import PRouterAutodiff

/// RouteLLM-style matrix factorization (`--model mf`): a bilinear score of query and LLM
/// embeddings, `score(q, m) = (P [x_q ; x_t] + p) · (Q x_m) + bias · x_m`.
struct MatrixFactorizationModel: QueryRoutingModel {
    static let name = "mf"
    static let summary = "RouteLLM-style matrix factorization of query and LLM embeddings"
    private let query: Dense
    private let llm: Dense
    private let llmBias: Dense

    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        query = Dense("mf.P", bias: "mf.p", input: config.queryWidth + config.taskWidth, output: config.hidden,
                      parameters: &parameters, generator: &generator)
        llm = Dense("mf.Q", bias: nil, input: config.llmWidth, output: config.hidden, parameters: &parameters, generator: &generator)
        llmBias = Dense("mf.bias", bias: nil, input: config.llmWidth, output: 1, parameters: &parameters, generator: &generator)
    }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        let (tape, targets, data) = (input.tape, input.graph.targets, input.data)
        let queries = data.queryFeatures.rowsGathered(targets.map { data.nodeQueryRow[$0] })
            .concatenatingColumns(data.taskFeatures.rowsGathered(targets.map { data.nodeTask[$0] }))
        let queryFactors = query(tape.constant(queries), parameters)
        let llms = tape.constant(data.llmFeatures)
        let llmFactors = llm(llms, parameters)
        let bias = llmBias(llms, parameters)
        let (rows, columns) = RouterModel.candidates(of: targets, data: data)
        return tape.add(tape.rowDot(tape.gatherRows(queryFactors, rows), tape.gatherRows(llmFactors, columns)),
                        tape.gatherRows(bias, columns))
    }
}

extension ModelKind {
    public static let mf = ModelKind(MatrixFactorizationModel.self)
}
