import PRouterAutodiff

/// The GMTRouter network: per-type input projections, a stack of ``HGTLayer``s over a
/// ``TurnGraph``, and a head that scores a turn's candidate LLMs.
///
/// Inputs: `h⁰ = ReLU(x P_τ + p_τ)` per type, where users have a constant input (they are
/// known only by their turns, so a new user needs no retraining), turns their position,
/// queries and responses their text embeddings, and responses also their LLM's features,
/// signals and the user's feedback. After the layers,
/// `z_t = MLP([h_user(t) ; h_t ; h_query(t)])` and `score(t, m) = z_t · h_m` (the paper's
/// model, `gmt-paper`). The anchored model (`gmt`) adds the candidate's history priors
/// (``TurnPriors``) and gates the network's part:
/// `score(t, m) = f(t, m) · w + g · z_t · h_m`, with `w` starting at the priors' fitted
/// weights and `g` at 1 for training; `g = 0` is the priors alone (``GMTTrainer``).
struct GMTNetwork: Sendable {
    let layers: [HGTLayer]
    private let inputWeights: [Int]
    private let inputBiases: [Int]
    private let head: [Int]
    /// The anchored model's prior weights `w` and gate `g`.
    let anchor: (priorWeights: Int, gate: Int)?
    /// Dropout on the input projections while training.
    private let dropout: Float

    /// States of the training graph's users (every user, by global index) and LLMs at
    /// every level, which routing keeps fixed.
    struct Context: Sendable {
        var users: [Matrix]
        var llms: [Matrix]
    }

    /// Adds the network's parameters for `config`, in a fixed order (with the prior
    /// weights and gate when `anchored`).
    init(config: ModelConfig, anchored: Bool, parameters: inout ParameterSet, generator: inout SplitMix64) {
        let h = config.hidden
        dropout = config.dropout
        let widths = [1, config.llmWidth, TurnGraph.turnColumns, config.queryWidth, config.responseWidth]
        inputWeights = zip(TurnGraph.types, widths).map { parameters.add("in.\($0).W", rows: $1, cols: h, generator: &generator) }
        inputBiases = TurnGraph.types.map { parameters.add("in.\($0).b", rows: 1, cols: h, zero: true, generator: &generator) }
        layers = (0..<config.layers).map { layer in
            HGTLayer(prefix: "hgt\(layer + 1)", types: TurnGraph.types, relations: TurnGraph.relations, dimension: h,
                     parameters: &parameters, generator: &generator)
        }
        head = [parameters.add("head.W1", rows: 3 * h, cols: h, generator: &generator),
                parameters.add("head.b1", rows: 1, cols: h, zero: true, generator: &generator),
                parameters.add("head.W2", rows: h, cols: h, generator: &generator),
                parameters.add("head.b2", rows: 1, cols: h, zero: true, generator: &generator)]
        anchor = anchored
            ? (parameters.add("prior.w", rows: TurnPriors.width, cols: 1, zero: true, generator: &generator),
               parameters.add("gate", rows: 1, cols: 1, zero: true, generator: &generator))
            : nil
    }

    /// The top-level states of every type, and the user and LLM states of every level
    /// (a context for routing). With `context`, the graph's frozen users and every LLM
    /// take their context states at each level.
    func encode(tape: Tape, parameters: ParameterReader, graph: TurnGraph, hidden: [Bool]? = nil,
                context: Context? = nil) -> (states: [Tape.Variable], levels: Context) {
        var levels = Context(users: [], llms: [])
        let edges = graph.edges(hiding: hidden)
        var states = graph.inputs().enumerated().map { type, x in
            tape.dropout(tape.relu(tape.add(tape.matmul(tape.constant(x), parameters[inputWeights[type]]), parameters[inputBiases[type]])),
                         rate: dropout)
        }
        func settle(_ level: Int) {
            if let context {
                let frozen = graph.frozenUsers.count
                if frozen > 0 {
                    var users = [tape.constant(context.users[level].rowsGathered(graph.frozenUsers))]
                    if graph.userCount > frozen {
                        users.append(tape.gatherRows(states[TurnGraph.user], (Int32(frozen)..<Int32(graph.userCount)).map { $0 }))
                    }
                    states[TurnGraph.user] = users.count == 1 ? users[0] : tape.concatRows(users)
                }
                states[TurnGraph.llm] = tape.constant(context.llms[level])
            }
            levels.users.append(tape.value(states[TurnGraph.user]))
            levels.llms.append(tape.value(states[TurnGraph.llm]))
        }
        settle(0)
        for (level, layer) in layers.enumerated() {
            states = layer.forward(tape: tape, parameters: parameters, states: states, edges: edges)
            settle(level + 1)
        }
        return (states, levels)
    }

    /// The score of each candidate: `turns[i]` of the graph and LLM `llms[i]`, as a column.
    /// The anchored model needs each candidate's prior features, `priors[i]` (one row each).
    func scores(tape: Tape, parameters: ParameterReader, states: [Tape.Variable], graph: TurnGraph,
                turns: [Int32], llms: [Int32], priors: Matrix? = nil) -> Tape.Variable {
        let combined = tape.concatColumns([
            tape.gatherRows(states[TurnGraph.user], turns.map { graph.turnUser[Int($0)] }),
            tape.gatherRows(states[TurnGraph.turn], turns),
            tape.gatherRows(states[TurnGraph.query], turns),
        ])
        let hiddenLayer = tape.relu(tape.add(tape.matmul(combined, parameters[head[0]]), parameters[head[1]]))
        let z = tape.add(tape.matmul(hiddenLayer, parameters[head[2]]), parameters[head[3]])
        let network = tape.rowDot(z, tape.gatherRows(states[TurnGraph.llm], llms))
        guard let anchor else { return network }
        guard let priors, priors.rows == llms.count else { preconditionFailure("the anchored gmt model needs every candidate's priors") }
        return tape.add(tape.matmul(tape.constant(priors), parameters[anchor.priorWeights]),
                        tape.multiply(network, parameters[anchor.gate]))
    }
}
