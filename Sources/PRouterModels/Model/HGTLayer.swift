import PRouterAutodiff
import PRouterGraph

/// One Heterogeneous Graph Transformer layer (Hu et al., WWW 2020), the message passing
/// of GMTRouter, built from the tape's differentiable ops.
///
/// For an edge s -> t of relation r (source type a, target type b):
///
///     k = (h_s W_K[a]) W_att[r]      q = h_t W_Q[b]      score = (k . q) mu[r] / sqrt(d)
///     message = (h_s W_V[a]) W_msg[r]
///
/// the scores are softmax-normalized over all edges into t, whatever their relation, and
/// the new state is `h_t + gate[b] * (act(sum of attention x message) W_A[b])`: type-specific
/// key, query, value and output projections, per-relation attention and message
/// matrices with a learned prior `mu[r]`, and a per-type gated skip connection. A node
/// with no incoming edge keeps its state. Differences from the paper, for this size of
/// model: one attention head, and LeakyReLU in place of GELU.
public struct HGTLayer: Sendable {
    /// A typed, directed edge relation.
    public struct Relation: Sendable, Equatable {
        public var name: String
        public var source: Int
        public var target: Int

        public init(name: String, source: Int, target: Int) {
            self.name = name
            self.source = source
            self.target = target
        }
    }

    /// The edges of one relation: `source[i] -> target[i]`, as row indices of their types' states.
    public struct Edges: Sendable {
        public var source: [Int32]
        public var target: [Int32]

        public init(source: [Int32], target: [Int32]) {
            precondition(source.count == target.count, "an edge list needs as many sources as targets")
            self.source = source
            self.target = target
        }
    }

    public let types: [String]
    public let relations: [Relation]
    public let dimension: Int
    private let key, query, value, output, gate: [Int]
    private let attention, message, prior: [Int]

    /// Adds the layer's parameters, named `PREFIX.kind.TYPE` or `PREFIX.kind.RELATION`.
    public init(prefix: String, types: [String], relations: [Relation], dimension: Int,
                parameters: inout ParameterSet, generator: inout SplitMix64) {
        self.types = types
        self.relations = relations
        self.dimension = dimension
        func square(_ kind: String, _ names: [String]) -> [Int] {
            names.map { parameters.add("\(prefix).\(kind).\($0)", rows: dimension, cols: dimension, generator: &generator) }
        }
        func scalar(_ kind: String, _ names: [String], initial: Float) -> [Int] {
            names.map { name in
                let index = parameters.add("\(prefix).\(kind).\(name)", rows: 1, cols: 1, zero: true, generator: &generator)
                parameters.values[index].data[0] = initial
                return index
            }
        }
        let relationNames = relations.map(\.name)
        key = square("key", types)
        query = square("query", types)
        value = square("value", types)
        output = square("output", types)
        gate = scalar("gate", types, initial: 1)
        attention = square("attention", relationNames)
        message = square("message", relationNames)
        prior = scalar("prior", relationNames, initial: 1)
    }

    /// The new states of every type. `parameters` holds the tape variables of the whole
    /// parameter set, by index; `states[type]` is that type's `count x dimension` states;
    /// `edges[relation]` follows `relations`.
    func forward(tape: Tape, parameters: ParameterReader, states: [Tape.Variable], edges: [Edges]) -> [Tape.Variable] {
        precondition(states.count == types.count && edges.count == relations.count, "one state per type, one edge list per relation")
        let scale = tape.constant(Matrix(rows: 1, cols: 1, data: [1 / Float(dimension).squareRoot()]))
        var keys: [Int: Tape.Variable] = [:], queries: [Int: Tape.Variable] = [:], values: [Int: Tape.Variable] = [:]
        func projected(_ cache: inout [Int: Tape.Variable], _ weights: [Int], _ type: Int) -> Tape.Variable {
            if let cached = cache[type] { return cached }
            let result = tape.matmul(states[type], parameters[weights[type]])
            cache[type] = result
            return result
        }
        return types.indices.map { target in
            let incoming = relations.indices.filter { relations[$0].target == target && !edges[$0].source.isEmpty }
            guard !incoming.isEmpty else { return states[target] }
            let count = tape.value(states[target]).rows
            var scores: [Tape.Variable] = [], messages: [Tape.Variable] = [], destinations: [Int32] = []
            for r in incoming {
                let source = relations[r].source
                let k = tape.matmul(tape.gatherRows(projected(&keys, key, source), edges[r].source), parameters[attention[r]])
                let q = tape.gatherRows(projected(&queries, query, target), edges[r].target)
                scores.append(tape.multiply(tape.multiply(tape.rowDot(k, q), parameters[prior[r]]), scale))
                let v = tape.gatherRows(projected(&values, value, source), edges[r].source)
                messages.append(tape.matmul(v, parameters[message[r]]))
                destinations += edges[r].target
            }
            let weights = tape.edgeSoftmax(tape.concatRows(scores), destination: destinations, count: count)
            let aggregate = tape.weightedScatter(tape.concatRows(messages), rows: nil, weights: weights, destination: destinations, count: count)
            let update = tape.matmul(tape.leakyRelu(aggregate), parameters[output[target]])
            return tape.add(tape.multiply(update, parameters[gate[target]]), states[target])
        }
    }
}
