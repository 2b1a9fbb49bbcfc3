import PRouterAutodiff
import PRouterIO

/// The anchored model (`--model anchored`, the default on single-turn graphs).
///
/// For a query node n of user u and task t, and a candidate LLM m:
///
///     score(n, m) = 10 · (p(u, t, m) · c  +  ŷ(q, m) · (z_n V + v))
///
/// - `p(u, t, m)`: the priors of ``AnchorFeatures`` (the tables' shrunk mean outcomes of
///   m for the user and task, the user, the task, overall, and the user's utility of m's
///   task means), weighted by learned `c`;
/// - `ŷ(q, m) = r(q, m) + W_o ReLU(W_q h_q + W_m h_m + b) + b_o`: how much the
///   candidate's normalized performance and cost on this query differ from its means on
///   the task. `r` is the ridge regression of ``TextOutcomeRegression`` (closed form,
///   leave-one-query-out penalty; shrunk to nothing where text says nothing); the GNN head learns
///   what is left (zero at the start: `W_o`, `b_o` start at zero) from the query's and
///   the LLM's states after message passing over tasks, queries and LLMs (the
///   GraphRouter ``GraphEncoder``: query text, task description, LLM description and
///   prices, observed outcomes on the query–LLM edges), supervised by the observed
///   outcomes of the training edges;
/// - `z_n`: the user's utility statistics (``AnchorFeatures``), mapped to weights of
///   performance and cost by learned `V`, `v`.
///
/// `c` and `V` start at the ``AnchorMix`` that cross-validation chose (so that before
/// training the model routes exactly as that linear policy), and training keeps its
/// correction only where it beats the start on validation (``AnchoredObjective``).
struct AnchoredModel: MessagePassingModel {
    static let name = "anchored"
    static let summary = "the default on single-turn graphs: the cross-validated blend of table and text-ridge priors, plus a GNN correction kept only where it beats them on held-out queries"
    static let inputs: ModelInputs = [.tables]
    /// Predicted outcome columns: normalized performance and cost.
    static let outcomeWidth = 2
    /// Scores are `scoreScale` times the utility: a difference of 0.1 in mean reward or
    /// preference rate is one unit of logit.
    static let scoreScale: Float = 10

    let encoder: GraphEncoder
    private let queryHead: Dense
    private let llmHead: Dense
    private let headBias: Int
    private let outcomeHead: Dense
    /// The prior weights `c`, the utility map `V` and its offset `v`.
    let anchor: (priors: Int, utility: Int, offset: Int)

    /// Adds the encoder's parameters, then `head.Wq`, `head.Wm`, `head.b`, `head.Wo`,
    /// `head.bo`, `anchor.c`, `anchor.V`, `anchor.v`; `c` and `V` take
    /// `config.anchorStart`'s values.
    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        encoder = GraphEncoder(config: config, includesUsers: false, parameters: &parameters, generator: &generator)
        let h = config.hidden
        queryHead = Dense("head.Wq", bias: nil, input: h, output: h, parameters: &parameters, generator: &generator)
        llmHead = Dense("head.Wm", bias: nil, input: h, output: h, parameters: &parameters, generator: &generator)
        headBias = parameters.add("head.b", rows: 1, cols: h, zero: true, generator: &generator)
        outcomeHead = Dense("head.Wo", bias: "head.bo", input: h, output: Self.outcomeWidth, zeroWeight: true,
                            parameters: &parameters, generator: &generator)
        anchor = (parameters.add("anchor.c", rows: AnchorFeatures.priorWidth, cols: 1, zero: true, generator: &generator),
                  parameters.add("anchor.V", rows: AnchorFeatures.userWidth, cols: Self.outcomeWidth, zero: true, generator: &generator),
                  parameters.add("anchor.v", rows: 1, cols: Self.outcomeWidth, zero: true, generator: &generator))
        let (c, v) = config.anchorStart.weights(level: config.tableLevel, mode: config.mode)
        parameters.values[anchor.priors].data = c
        parameters.values[anchor.utility] = v
    }

    /// The start, and what its cross-validation found.
    static func writeSettings(of config: ModelConfig, to conf: inout JSONObjectBuilder) {
        conf.add("anchor_start", config.anchorStart.rawValue)
        if let evidence = config.anchorStartEvidence {
            conf.add("start_figure", evidence.figure)
            conf.add("start_gain_over_table", evidence.tableGain)
            conf.add("start_gain_standard_error", evidence.standardError)
        }
    }

    /// The table level and the start, by cross-validation on `nodes`.
    static func prepare(_ config: inout ModelConfig, context: PredictionContext, nodes: [Int], options: TrainingOptions) {
        config.chooseTableLevel(nodes: nodes, data: context.data, options: options)
        let chosen = AnchorMix.crossValidated(nodes: nodes, data: context.data, anchors: context.anchors!,
                                              level: config.tableLevel)
        config.anchorStart = chosen.start
        config.anchorStartEvidence = chosen.evidence
    }

    static func objective(for model: RouterModel, context: PredictionContext, validation: [Int],
                          options: TrainingOptions) -> any TrainingObjective {
        AnchoredObjective(context: context, start: model, validation: validation, options: options)
    }

    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable {
        outputs(input, rows: input.anchors!.rows(input.graph.targets, data: input.data), parameters: parameters).scores
    }

    /// Scores of every candidate edge of the targets, the GNN head's predicted outcomes,
    /// and what those predict the observed outcomes' distance from: the task means plus
    /// the text regression's deviations. `rows` are the targets' anchor rows.
    func outputs(_ input: ScoringInput, rows: AnchorFeatures.Rows, parameters: ParameterReader)
        -> (scores: Tape.Variable, outcomes: Tape.Variable, baseline: Matrix) {
        let (tape, graph, data) = (input.tape, input.graph, input.data)
        let states = encoder.encode(input, parameters: parameters)
        let top = graph.levels.last!
        let (candidateRow, candidateLLM) = RouterModel.candidates(of: graph.targets, data: data)
        let queryRows = graph.targets.map { top.lookup[NodeKind.query.rawValue][Int32($0)]! }
        // W_q h_q once per query and W_m h_m once per LLM, then one row per candidate.
        let queryPart = tape.gatherRows(queryHead(states[NodeKind.query.rawValue]!, parameters), candidateRow.map { queryRows[Int($0)] })
        let llmPart = tape.gatherRows(llmHead(states[NodeKind.llm.rawValue]!, parameters),
                                      candidateLLM.map { top.lookup[NodeKind.llm.rawValue][$0]! })
        let hidden = tape.relu(tape.add(tape.add(queryPart, llmPart), parameters[headBias]))
        let outcomes = outcomeHead(hidden, parameters)
        let weights = tape.add(tape.matmul(tape.constant(rows.users), parameters[anchor.utility]), parameters[anchor.offset])
        // The choice loss trains the weights, not the predictions: those learn from the
        // observed outcomes only, so that a prediction fitted to a training query (the
        // same query of many users) does not teach the weights to trust predictions.
        var deviations = tape.value(outcomes)
        deviations.add(rows.textDeviations)
        let utility = tape.rowDot(tape.constant(deviations), tape.gatherRows(weights, candidateRow))
        let prior = tape.matmul(tape.constant(rows.priors), parameters[anchor.priors])
        let scale = tape.constant(Matrix(rows: 1, cols: 1, data: [Self.scoreScale]))
        var baseline = rows.outcomeMeans
        baseline.add(rows.textDeviations)
        return (tape.multiply(tape.add(prior, utility), scale), outcomes, baseline)
    }
}

extension ModelKind {
    public static let anchored = ModelKind(AnchoredModel.self)
}
