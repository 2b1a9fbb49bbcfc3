import PRouterAutodiff
import PRouterIO

/// A routing model with its configuration and parameter values, as training updates
/// them and weights files hold them. What the model computes is ``network``: one type
/// per model behind ``RoutingModel``, chosen by ``ModelConfig/kind``.
public struct RouterModel: Sendable {
    public var config: ModelConfig
    public var parameters: ParameterSet
    /// The model.
    let network: any RoutingModel

    /// A freshly initialized model.
    public init(config: ModelConfig, seed: UInt64) {
        var generator = SplitMix64(seed: seed, stream: 0x7061_7261_6D73)
        var parameters = ParameterSet()
        network = config.kind.type.init(config: config, parameters: &parameters, generator: &generator)
        self.config = config
        self.parameters = parameters
    }

    /// Rebuilds a model from stored parameters; names and shapes must match the config.
    public init(config: ModelConfig, parameters: ParameterSet) throws {
        var model = RouterModel(config: config, seed: 0)
        guard model.parameters.names == parameters.names,
              zip(model.parameters.values, parameters.values).allSatisfy({ $0.rows == $1.rows && $0.cols == $1.cols }) else {
            throw DataError("the weights do not match their configuration")
        }
        model.parameters = parameters
        self = model
    }

    /// What the model reads.
    var inputs: ModelInputs { config.kind.inputs }

    /// The message-passing models' encoder.
    package var encoder: GraphEncoder? { (network as? any MessagePassingModel)?.encoder }

    /// The network of the models that route conversation turns.
    var gmt: GMTNetwork? { (network as? any TurnRoutingModel)?.network }

    /// The parameters as a forward pass on `tape` reads them: a leaf per read.
    func reader(_ tape: Tape) -> ParameterReader { ParameterReader(tape: tape, values: parameters.values) }

    /// The parameters recorded once each on `tape` and read through that one leaf (the gmt
    /// network's passes).
    func registeredParameters(_ tape: Tape) -> ParameterReader {
        ParameterReader(tape: tape, variables: parameters.values.enumerated().map { tape.parameter($0.offset, $0.element) })
    }

    /// Scores of every candidate edge of `graph.targets`, in target order then edge
    /// order, as an e x 1 column (query-routing models only: ``Trainer`` and
    /// ``RoutingJob`` send conversation models to the multi-turn path).
    /// With `context`, the task, LLM and user states come from it instead of being computed
    /// (`graph` is then a shallow graph of the targets).
    func scores(tape: Tape, graph: ComputationGraph, data: RoutingData, profiles: UserProfiles,
                anchors: AnchorFeatures? = nil, context: ContextStates? = nil) -> Tape.Variable {
        guard let model = network as? any QueryRoutingModel else {
            preconditionFailure("the \(config.kind) model scores conversation turns (GMTRouting), not query nodes")
        }
        let input = ScoringInput(tape: tape, graph: graph, data: data, profiles: profiles, anchors: anchors, context: context,
                                 config: config)
        return model.scores(input, parameters: reader(tape))
    }
}

extension RouterModel {
    /// For every candidate edge of `targets`, in order: the target's row and the LLM.
    static func candidates(of targets: [Int], data: RoutingData) -> (rows: [Int32], llms: [Int32]) {
        var rows: [Int32] = []
        var llms: [Int32] = []
        for (row, node) in targets.enumerated() {
            for edge in data.edges(of: node) {
                rows.append(Int32(row))
                llms.append(data.edgeLLM[edge])
            }
        }
        return (rows, llms)
    }
}

extension Matrix {
    /// `self` and `other` side by side.
    func concatenatingColumns(_ other: Matrix) -> Matrix {
        var result = Matrix(rows: rows, cols: cols + other.cols)
        for row in 0..<rows {
            result.data.replaceSubrange(row * result.cols..<row * result.cols + cols, with: data[row * cols..<(row + 1) * cols])
            result.data.replaceSubrange(row * result.cols + cols..<(row + 1) * result.cols,
                                        with: other.data[row * other.cols..<(row + 1) * other.cols])
        }
        return result
    }

    /// The rows at `indices`.
    func rowsGathered(_ indices: [Int32]) -> Matrix {
        var result = Matrix(rows: indices.count, cols: cols)
        for (row, source) in indices.enumerated() {
            let from = Int(source) * cols
            result.data.replaceSubrange(row * cols..<(row + 1) * cols, with: data[from..<from + cols])
        }
        return result
    }
}
