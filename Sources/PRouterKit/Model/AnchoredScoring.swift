/// The anchored model (`--model anchored`, the default).
///
/// For a query node n of user u and task t, and a candidate LLM m:
///
///     score(n, m) = 10 · (p(u, t, m) · c  +  ŷ(q, m) · (z_n V + v))
///
/// - `p(u, t, m)`: the table priors of ``AnchorFeatures`` (shrunk mean outcome of m for
///   the user and task, the user, the task, overall), weighted by learned `c`, which
///   starts at the user-task table alone: before training the model routes exactly as
///   the best-LLM-per-(user, task) table, and training moves it only where that helps
///   on validation (early stopping keeps the untrained epoch 0 when nothing does);
/// - `ŷ(q, m) = r(q, m) + W_o ReLU(W_q h_q + W_m h_m + b) + b_o`: how much the
///   candidate's normalized performance and cost on this query differ from its means on
///   the task. `r` is the ridge regression of ``TextOutcomeRegression`` (closed form,
///   leave-one-query-out penalty; zero where text says nothing); the GNN head learns
///   what is left (zero at the start: `W_o`, `b_o` start at zero) from the query's and
///   the LLM's states after message passing over tasks, queries and LLMs (the
///   GraphRouter encoder: query text, task description, LLM description and prices,
///   observed outcomes on the query–LLM edges), supervised by the observed outcomes of
///   the training edges;
/// - `z_n`: the user's utility statistics (``AnchorFeatures``), mapped to weights of
///   performance and cost by learned `V`, `v`, which start at the (user, task) reward
///   fit's weights (exact for alpha/beta users in cost mode; zero in judge mode).
extension RouterModel {
    /// Predicted outcome columns: normalized performance and cost.
    static let outcomeWidth = 2
    /// Scores are `scoreScale` times the utility: a difference of 0.1 in mean reward or
    /// preference rate is one unit of logit.
    static let scoreScale: Float = 10

    /// Scores of every candidate edge of `graph.targets`, the GNN head's predicted
    /// outcomes, and what those predict the observed outcomes' distance from: the task
    /// means plus the text regression's deviations. `rows` are the targets' anchor rows.
    func anchoredOutputs(tape: Tape, graph: ComputationGraph, data: RoutingData, profiles: UserProfiles,
                         rows: AnchorFeatures.Rows, context: ContextStates?) -> (scores: Tape.Variable, outcomes: Tape.Variable, baseline: Matrix) {
        let states = encode(tape: tape, graph: graph, data: data, profiles: profiles, context: context)
        let top = graph.levels.last!
        let (candidateRow, candidateLLM) = Self.candidates(of: graph.targets, data: data)
        let queryRows = graph.targets.map { top.lookup[NodeKind.query.rawValue][Int32($0)]! }
        // W_q h_q once per query and W_m h_m once per LLM, then one row per candidate.
        let queryPart = tape.gatherRows(tape.matmul(states[NodeKind.query.rawValue]!, parameter(tape, "head.Wq")),
                                        candidateRow.map { queryRows[Int($0)] })
        let llmPart = tape.gatherRows(tape.matmul(states[NodeKind.llm.rawValue]!, parameter(tape, "head.Wm")),
                                      candidateLLM.map { top.lookup[NodeKind.llm.rawValue][$0]! })
        let hidden = tape.relu(tape.add(tape.add(queryPart, llmPart), parameter(tape, "head.b")))
        let outcomes = tape.add(tape.matmul(hidden, parameter(tape, "head.Wo")), parameter(tape, "head.bo"))
        let weights = tape.add(tape.matmul(tape.constant(rows.users), parameter(tape, "anchor.V")), parameter(tape, "anchor.v"))
        // The choice loss trains the weights, not the predictions: those learn from the
        // observed outcomes only, so that a prediction fitted to a training query (the
        // same query of many users) does not teach the weights to trust predictions.
        var deviations = tape.value(outcomes)
        deviations.add(rows.textDeviations)
        let utility = tape.rowDot(tape.constant(deviations), tape.gatherRows(weights, candidateRow))
        let prior = tape.matmul(tape.constant(rows.priors), parameter(tape, "anchor.c"))
        let scale = tape.constant(Matrix(rows: 1, cols: 1, data: [Self.scoreScale]))
        var baseline = rows.outcomeMeans
        baseline.add(rows.textDeviations)
        return (tape.multiply(tape.add(prior, utility), scale), outcomes, baseline)
    }

    /// Sets the anchored model's prior weights `c` and utility map `V` to `start`'s (the
    /// GNN head's output weights stay as they are: zero before training).
    mutating func anchor(at start: AnchorMix) {
        let (c, v) = start.weights(level: config.tableLevel, mode: config.mode)
        config.anchorStart = start
        parameters.values[index["anchor.c"]!].data = c
        parameters.values[index["anchor.V"]!] = v
    }
}
