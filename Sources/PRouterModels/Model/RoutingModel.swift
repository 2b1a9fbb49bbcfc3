import PRouterAutodiff
import PRouterIO

/// What a model reads besides its parameters, the query nodes it scores and (for a
/// ``MessagePassingModel``) their neighborhoods.
struct ModelInputs: OptionSet, Sendable {
    let rawValue: Int

    /// The table priors and user statistics (``AnchorFeatures``), cached in the weights file.
    static let tables = ModelInputs(rawValue: 1 << 0)
    /// User nodes and the users' profile rows (``UserProfiles``).
    static let users = ModelInputs(rawValue: 1 << 1)
}

/// A routing model: one small type per model, registered by name in ``ModelKind/registry``.
///
/// The type adds its parameters (named, in a fixed order, so that a weights file names
/// what it holds) and says what it reads and whether it trains; ``QueryRoutingModel``
/// scores query nodes, ``TurnRoutingModel`` conversation turns. ``RouterModel`` holds a
/// model with its configuration and parameter values, which training updates.
protocol RoutingModel: Sendable {
    /// The name `pr-train --model` takes and weights files record.
    static var name: String { get }
    /// One line on what the model is, for `pr-train --help`.
    static var summary: String { get }
    /// What the model reads.
    static var inputs: ModelInputs { get }
    /// Whether training fits parameters by gradient descent (false: nothing to train, or
    /// fitted in closed form from the graph when routing).
    static var trains: Bool { get }
    /// Whether the model can score LLMs added after training (`pr-route --llms`).
    static var routesNewLLMs: Bool { get }
    /// Writes the settings besides ``ModelConfig``'s common ones that the weights file
    /// records into its `CONF` section.
    static func writeSettings(of config: ModelConfig, to conf: inout JSONObjectBuilder)

    /// Adds the model's parameters for `config` to `parameters`, drawing initial values
    /// from `generator`.
    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64)
}

extension RoutingModel {
    static var inputs: ModelInputs { [] }
    static var trains: Bool { true }
    static var routesNewLLMs: Bool { true }
    static func writeSettings(of config: ModelConfig, to conf: inout JSONObjectBuilder) {}
}

/// What scoring some query nodes reads.
struct ScoringInput {
    let tape: Tape
    /// The targets and, for message passing, their neighborhoods.
    let graph: ComputationGraph
    let data: RoutingData
    let profiles: UserProfiles
    /// The tables and user statistics (without the targets' own outcomes when training).
    let anchors: AnchorFeatures?
    /// Cached task, LLM and user states (`graph` is then a shallow graph of the targets).
    let context: ContextStates?
    let config: ModelConfig
}

/// A model that routes query nodes of a single-turn graph (or of a multi-turn graph's
/// single-turn view).
protocol QueryRoutingModel: RoutingModel {
    /// Scores of every candidate edge of `input.graph.targets`, in target order then edge
    /// order, as an e x 1 column.
    func scores(_ input: ScoringInput, parameters: ParameterReader) -> Tape.Variable

    /// Settles before training what cross-validation on the labeled `nodes` chooses (the
    /// table level, the anchored start).
    static func prepare(_ config: inout ModelConfig, context: PredictionContext, nodes: [Int], options: TrainingOptions)

    /// How training fits `model` (of this type) and picks the epoch kept.
    static func objective(for model: RouterModel, context: PredictionContext, validation: [Int],
                          options: TrainingOptions) -> any TrainingObjective
}

extension QueryRoutingModel {
    /// The models that read tables take the table level that cross-validation chooses.
    static func prepare(_ config: inout ModelConfig, context: PredictionContext, nodes: [Int], options: TrainingOptions) {
        if inputs.contains(.tables) { config.chooseTableLevel(nodes: nodes, data: context.data, options: options) }
    }

    static func objective(for model: RouterModel, context: PredictionContext, validation: [Int],
                          options: TrainingOptions) -> any TrainingObjective {
        ChoiceObjective(context: context, validation: validation, fanout: model.config.fanout, loss: model.config.loss)
    }
}

/// A model that passes messages over the graph with a ``GraphEncoder``: it reads neighbor
/// lists, and its context states are cached in the weights file (``ContextStates``).
protocol MessagePassingModel: QueryRoutingModel {
    var encoder: GraphEncoder { get }
}

/// A model that routes conversation turns (multi-turn graphs only) with a ``GMTNetwork``.
protocol TurnRoutingModel: RoutingModel {
    /// Whether the network adds the history priors and gate.
    static var anchored: Bool { get }
    var network: GMTNetwork { get }
    init(network: GMTNetwork)
}

extension TurnRoutingModel {
    init(config: ModelConfig, parameters: inout ParameterSet, generator: inout SplitMix64) {
        self.init(network: GMTNetwork(config: config, anchored: Self.anchored, parameters: &parameters, generator: &generator))
    }
}

/// A model's parameters as one forward pass reads them: by default each read records a
/// leaf on the tape (gradients reach the parameter through every leaf); built over
/// `variables`, each read returns the one leaf recorded for that parameter beforehand
/// (the gmt network's passes, which read their parameters through many layers).
struct ParameterReader {
    let tape: Tape
    private let values: [Matrix]
    private let variables: [Tape.Variable]?

    init(tape: Tape, values: [Matrix]) {
        self.tape = tape
        self.values = values
        variables = nil
    }

    init(tape: Tape, variables: [Tape.Variable]) {
        self.tape = tape
        values = []
        self.variables = variables
    }

    subscript(_ index: Int) -> Tape.Variable { variables?[index] ?? tape.parameter(index, values[index]) }
}
