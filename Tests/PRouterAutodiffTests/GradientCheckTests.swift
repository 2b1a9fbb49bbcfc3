import Testing
import PRouterAutodiff

/// Every autodiff op's gradient against central finite differences (``GradientCheck``),
/// and the optimizer.
@Suite struct GradientCheckTests {
    /// Expects `f`'s gradients with respect to `inputs` to match finite differences.
    static func check(_ inputs: [Matrix], tolerance: Float = 1e-2, _ f: (Tape, [Tape.Variable]) -> Tape.Variable) {
        let mismatches = GradientCheck.mismatches(of: f, at: inputs, tolerance: tolerance)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func matmul() { Self.check([GradientCheck.input(3, 4, seed: 1), GradientCheck.input(4, 2, seed: 2)]) { $0.matmul($1[0], $1[1]) } }
    @Test func addSameShape() { Self.check([GradientCheck.input(3, 2, seed: 1), GradientCheck.input(3, 2, seed: 2)]) { $0.add($1[0], $1[1]) } }
    @Test func addBias() { Self.check([GradientCheck.input(3, 2, seed: 1), GradientCheck.input(1, 2, seed: 2)]) { $0.add($1[0], $1[1]) } }
    @Test func multiplyElementwise() { Self.check([GradientCheck.input(2, 3, seed: 1), GradientCheck.input(2, 3, seed: 2)]) { $0.multiply($1[0], $1[1]) } }
    @Test func multiplyByScalar() { Self.check([GradientCheck.input(2, 3, seed: 1), GradientCheck.input(1, 1, seed: 2)]) { $0.multiply($1[0], $1[1]) } }
    @Test func relu() { Self.check([GradientCheck.input(3, 3, seed: 4)]) { $0.relu($1[0]) } }
    @Test func leakyRelu() { Self.check([GradientCheck.input(3, 3, seed: 5)]) { $0.leakyRelu($1[0], slope: 0.2) } }
    @Test func concat() {
        Self.check([GradientCheck.input(2, 3, seed: 1), GradientCheck.input(2, 1, seed: 2), GradientCheck.input(2, 2, seed: 3)]) { $0.concatColumns($1) }
    }
    @Test func concatRows() {
        Self.check([GradientCheck.input(2, 3, seed: 1), GradientCheck.input(1, 3, seed: 2), GradientCheck.input(3, 3, seed: 3)]) { $0.concatRows($1) }
    }
    @Test func gather() { Self.check([GradientCheck.input(4, 3, seed: 1)]) { $0.gatherRows($1[0], [2, 0, 2, 3, 3]) } }
    @Test func edgeSoftmax() {
        Self.check([GradientCheck.input(6, 1, seed: 7)]) { $0.edgeSoftmax($1[0], destination: [0, 1, 0, 2, 1, 0], count: 3) }
    }
    @Test func weightedScatterOfGatheredRows() {
        Self.check([GradientCheck.input(4, 3, seed: 1), GradientCheck.input(6, 1, seed: 2)]) {
            $0.weightedScatter($1[0], rows: [2, 0, 2, 3, 1, 0], weights: $1[1], destination: [1, 0, 1, 2, 2, 1], count: 3)
        }
    }
    @Test func weightedScatterOfEdgeRows() {
        Self.check([GradientCheck.input(5, 2, seed: 3), GradientCheck.input(5, 1, seed: 4)]) {
            $0.weightedScatter($1[0], rows: nil, weights: $1[1], destination: [0, 2, 0, 2, 3], count: 4)
        }
    }
    @Test func rowDot() { Self.check([GradientCheck.input(3, 4, seed: 1), GradientCheck.input(3, 4, seed: 2)]) { $0.rowDot($1[0], $1[1]) } }
    @Test func sum() { Self.check([GradientCheck.input(3, 4, seed: 1)]) { $0.sum($1[0]) } }
    @Test func candidateCrossEntropy() {
        Self.check([GradientCheck.input(7, 1, seed: 3)]) { $0.candidateCrossEntropy($1[0], offsets: [0, 3, 4, 7], targets: [2, 0, 1]) }
    }
    @Test func binaryCrossEntropy() {
        Self.check([GradientCheck.input(5, 1, seed: 3)]) { $0.binaryCrossEntropy($1[0], labels: [1, 0, 0, 1, 1]) }
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
        Self.check([GradientCheck.input(4, 4, seed: 8)]) { tape, x in
            let masked = Tape(training: true, seed: 5)
            let mask = masked.value(masked.dropout(masked.constant(Matrix(rows: 4, cols: 4, repeating: 1)), rate: 0.3))
            return tape.multiply(x[0], tape.constant(mask))
        }
    }

    @Test func aConstantFactorGetsNoGradientAndTheOtherTheSame() {
        let (a, b) = (GradientCheck.input(5, 3, seed: 1), GradientCheck.input(3, 2, seed: 2))
        func gradients(constant: Bool) -> (Matrix?, Matrix?) {
            let tape = Tape()
            let (x, w) = (constant ? tape.constant(a) : tape.watched(a), tape.watched(b))
            tape.backward(from: tape.sum(tape.matmul(x, w)))
            return (tape.gradient(x), tape.gradient(w))
        }
        let (withConstant, watched) = (gradients(constant: true), gradients(constant: false))
        #expect(withConstant.0 == nil && watched.0 != nil)
        #expect(withConstant.1 != nil && withConstant.1 == watched.1)
    }

    @Test func gradientsAccumulateWhenAValueIsReused() {
        Self.check([GradientCheck.input(3, 3, seed: 1)]) { tape, x in tape.add(tape.matmul(x[0], x[0]), tape.relu(x[0])) }
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

    @Test func reshapeToColumn() { Self.check([GradientCheck.input(3, 2, seed: 4)]) { $0.reshapeToColumn($1[0]) } }
    @Test func meanSquaredError() {
        let targets = GradientCheck.input(4, 2, seed: 12)
        Self.check([GradientCheck.input(4, 2, seed: 11)]) { $0.meanSquaredError($1[0], targets: targets) }
    }

    /// The checker itself: a wrong gradient (x instead of 2x for sum(x²)) is caught at
    /// every element, the right one at none.
    @Test func theCheckerCatchesAWrongGradient() {
        let x = GradientCheck.input(3, 2, seed: 4)
        func loss(_ factor: Float) -> ([Matrix]) -> (value: Float, gradients: [Matrix]) {
            { values in
                let v = values[0]
                return (v.data.reduce(0) { $0 + $1 * $1 }, [Matrix(rows: v.rows, cols: v.cols, data: v.data.map { factor * $0 })])
            }
        }
        #expect(GradientCheck.mismatches([x], tolerance: 1e-2, loss: loss(2)).mismatches.isEmpty)
        let wrong = GradientCheck.mismatches([x], tolerance: 1e-2, loss: loss(1))
        #expect(wrong.checked == 6 && wrong.mismatches.count == 6)
    }
}
