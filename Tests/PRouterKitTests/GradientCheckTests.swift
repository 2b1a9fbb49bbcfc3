import Testing
@testable import PRouterKit

/// Every autodiff op's gradient against central finite differences.
@Suite struct GradientCheckTests {
    /// Random inputs away from 0 (so ReLU kinks are not straddled by the finite difference).
    static func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        return Matrix(rows: rows, cols: cols, data: (0..<rows * cols).map { _ in
            let magnitude = Float(0.2 + generator.unit())
            return generator.below(2) == 0 ? magnitude : -magnitude
        })
    }

    /// Checks d(sum(f(inputs) * R))/d(inputs) for a fixed random R.
    static func check(_ inputs: [Matrix], tolerance: Float = 1e-2,
                      _ f: (Tape, [Tape.Variable]) -> Tape.Variable) {
        func loss(_ values: [Matrix]) -> (Float, Tape, [Tape.Variable]) {
            let tape = Tape()
            let variables = values.map { tape.constant($0) }
            let out = f(tape, variables)
            let outValue = tape.value(out)
            let weights = tape.constant(random(outValue.rows, outValue.cols, seed: 99))
            let total = tape.sum(tape.multiply(out, weights))
            tape.backward(from: total)
            return (tape.value(total).data[0], tape, variables)
        }
        let (_, tape, variables) = loss(inputs)
        let epsilon: Float = 1e-2
        for (k, input) in inputs.enumerated() {
            let analytic = tape.gradient(variables[k]) ?? Matrix(rows: input.rows, cols: input.cols)
            for i in input.data.indices {
                var plus = inputs, minus = inputs
                plus[k].data[i] += epsilon
                minus[k].data[i] -= epsilon
                let numeric = (loss(plus).0 - loss(minus).0) / (2 * epsilon)
                let error = abs(numeric - analytic.data[i])
                #expect(error <= tolerance * max(1, abs(numeric)),
                        "input \(k) element \(i): analytic \(analytic.data[i]) vs numeric \(numeric)")
            }
        }
    }

    @Test func matmul() { Self.check([Self.random(3, 4, seed: 1), Self.random(4, 2, seed: 2)]) { $0.matmul($1[0], $1[1]) } }
    @Test func addSameShape() { Self.check([Self.random(3, 2, seed: 1), Self.random(3, 2, seed: 2)]) { $0.add($1[0], $1[1]) } }
    @Test func addBias() { Self.check([Self.random(3, 2, seed: 1), Self.random(1, 2, seed: 2)]) { $0.add($1[0], $1[1]) } }
    @Test func multiplyElementwise() { Self.check([Self.random(2, 3, seed: 1), Self.random(2, 3, seed: 2)]) { $0.multiply($1[0], $1[1]) } }
    @Test func multiplyByScalar() { Self.check([Self.random(2, 3, seed: 1), Self.random(1, 1, seed: 2)]) { $0.multiply($1[0], $1[1]) } }
    @Test func relu() { Self.check([Self.random(3, 3, seed: 4)]) { $0.relu($1[0]) } }
    @Test func leakyRelu() { Self.check([Self.random(3, 3, seed: 5)]) { $0.leakyRelu($1[0], slope: 0.2) } }
    @Test func concat() {
        Self.check([Self.random(2, 3, seed: 1), Self.random(2, 1, seed: 2), Self.random(2, 2, seed: 3)]) { $0.concatColumns($1) }
    }
    @Test func concatRows() {
        Self.check([Self.random(2, 3, seed: 1), Self.random(1, 3, seed: 2), Self.random(3, 3, seed: 3)]) { $0.concatRows($1) }
    }
    @Test func gather() { Self.check([Self.random(4, 3, seed: 1)]) { $0.gatherRows($1[0], [2, 0, 2, 3, 3]) } }
    @Test func edgeSoftmax() {
        Self.check([Self.random(6, 1, seed: 7)]) { $0.edgeSoftmax($1[0], destination: [0, 1, 0, 2, 1, 0], count: 3) }
    }
    @Test func weightedScatterOfGatheredRows() {
        Self.check([Self.random(4, 3, seed: 1), Self.random(6, 1, seed: 2)]) {
            $0.weightedScatter($1[0], rows: [2, 0, 2, 3, 1, 0], weights: $1[1], destination: [1, 0, 1, 2, 2, 1], count: 3)
        }
    }
    @Test func weightedScatterOfEdgeRows() {
        Self.check([Self.random(5, 2, seed: 3), Self.random(5, 1, seed: 4)]) {
            $0.weightedScatter($1[0], rows: nil, weights: $1[1], destination: [0, 2, 0, 2, 3], count: 4)
        }
    }
    @Test func rowDot() { Self.check([Self.random(3, 4, seed: 1), Self.random(3, 4, seed: 2)]) { $0.rowDot($1[0], $1[1]) } }
    @Test func sum() { Self.check([Self.random(3, 4, seed: 1)]) { $0.sum($1[0]) } }
    @Test func candidateCrossEntropy() {
        Self.check([Self.random(7, 1, seed: 3)]) { $0.candidateCrossEntropy($1[0], offsets: [0, 3, 4, 7], targets: [2, 0, 1]) }
    }
    @Test func binaryCrossEntropy() {
        Self.check([Self.random(5, 1, seed: 3)]) { $0.binaryCrossEntropy($1[0], labels: [1, 0, 0, 1, 1]) }
    }

    @Test func dropoutScalesKeptUnitsAndIsIdentityAtInference() {
        let input = Matrix(rows: 100, cols: 10, repeating: 1)
        let training = Tape(training: true, seed: 3)
        let out = training.value(training.dropout(training.constant(input), rate: 0.5))
        #expect(out.data.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(abs(out.data.reduce(0, +) / 1000 - 1) < 0.1)
        let inference = Tape()
        #expect(inference.value(inference.dropout(inference.constant(input), rate: 0.5)) == input)
        // The gradient goes through the kept units only.
        Self.check([Self.random(4, 4, seed: 8)]) { tape, x in
            let masked = Tape(training: true, seed: 5)
            let mask = masked.value(masked.dropout(masked.constant(Matrix(rows: 4, cols: 4, repeating: 1)), rate: 0.3))
            return tape.multiply(x[0], tape.constant(mask))
        }
    }

    @Test func gradientsAccumulateWhenAValueIsReused() {
        Self.check([Self.random(3, 3, seed: 1)]) { tape, x in tape.add(tape.matmul(x[0], x[0]), tape.relu(x[0])) }
    }

    @Test func adamMinimizesAQuadratic() {
        var parameters = ParameterSet()
        parameters.values = [Matrix(rows: 1, cols: 2, data: [3, -2])]
        parameters.names = ["x"]
        var adam = Adam(for: parameters)
        let schedule = LinearDecay(initial: 0.1, totalSteps: 500)
        for step in 0..<500 {
            let tape = Tape()
            let x = tape.parameter(0, parameters.values[0])
            let loss = tape.sum(tape.multiply(x, x))
            tape.backward(from: loss)
            adam.update(&parameters, gradients: tape.parameterGradients(shapes: parameters.shapes), rate: schedule.rate(at: step))
        }
        #expect(parameters.values[0].data.allSatisfy { abs($0) < 1e-2 })
        #expect(schedule.rate(at: 0) == 0.1 && schedule.rate(at: 250) == 0.05 && schedule.rate(at: 500) == 0)
    }
}

extension GradientCheckTests {
    @Test func reshapeToColumn() { Self.check([Self.random(3, 2, seed: 4)]) { $0.reshapeToColumn($1[0]) } }

    /// A small heterogeneous graph for the HGT layer: users, turns and LLMs; two relations
    /// into turns, one into LLMs, and a turn with no incoming edge.
    static func hgtLayer() -> (HGTLayer, ParameterSet, [Matrix], [HGTLayer.Edges]) {
        var parameters = ParameterSet()
        var generator = SplitMix64(seed: 11)
        let layer = HGTLayer(prefix: "hgt0", types: ["user", "turn", "llm"],
                             relations: [HGTLayer.Relation(name: "user-turn", source: 0, target: 1),
                                         HGTLayer.Relation(name: "next-turn", source: 1, target: 1),
                                         HGTLayer.Relation(name: "turn-llm", source: 1, target: 2)],
                             dimension: 3, parameters: &parameters, generator: &generator)
        // Priors and gates away from their initial 1, so that their gradients are exercised.
        for (i, name) in parameters.names.enumerated() where name.contains(".prior.") || name.contains(".gate.") {
            parameters.values[i].data[0] = 0.7 + Float(i % 3) * 0.2
        }
        let states = [random(2, 3, seed: 21), random(4, 3, seed: 22), random(3, 3, seed: 23)]
        let edges = [HGTLayer.Edges(source: [0, 0, 1], target: [0, 1, 2]),
                     HGTLayer.Edges(source: [0, 1], target: [1, 2]),
                     HGTLayer.Edges(source: [0, 1, 2, 2], target: [0, 0, 1, 2])]
        return (layer, parameters, states, edges)
    }

    @Test func hgtLayerAgainstFiniteDifferences() {
        let (layer, parameters, states, edges) = Self.hgtLayer()
        let count = parameters.values.count
        Self.check(parameters.values + states, tolerance: 2e-2) { tape, inputs in
            let outputs = layer.forward(tape: tape, parameters: Array(inputs[0..<count]), states: Array(inputs[count...]), edges: edges)
            return tape.concatRows(outputs)
        }
    }

    @Test func hgtLayerShapesAndIsolatedNodes() {
        let (layer, parameters, states, edges) = Self.hgtLayer()
        #expect(parameters.names.count == 3 * 5 + 3 * 3)
        #expect(parameters.names.contains("hgt0.attention.next-turn") && parameters.names.contains("hgt0.gate.llm"))
        let tape = Tape()
        let variables = parameters.values.enumerated().map { tape.parameter($0.offset, $0.element) }
        let outputs = layer.forward(tape: tape, parameters: variables, states: states.map { tape.constant($0) }, edges: edges)
        #expect(outputs.map { tape.value($0).rows } == [2, 4, 3])
        // Users receive no edges: unchanged. Turn 3 has no incoming edge: unchanged. Turn 0 changes.
        #expect(tape.value(outputs[0]) == states[0])
        #expect(Array(tape.value(outputs[1]).data[9..<12]) == Array(states[1].data[9..<12]))
        #expect(Array(tape.value(outputs[1]).data[0..<3]) != Array(states[1].data[0..<3]))
    }
}
