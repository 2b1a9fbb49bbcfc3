/// Gradients checked against central finite differences: the test of every op and model
/// built on the ``Tape``.
public enum GradientCheck {
    /// One element whose analytic and numeric derivatives disagree.
    public struct Mismatch: CustomStringConvertible, Sendable {
        public let input: Int
        public let element: Int
        public let analytic: Float
        public let numeric: Float

        public var description: String { "input \(input) element \(element): analytic \(analytic) vs numeric \(numeric)" }
    }

    /// Values in ±[0.2, 1.2) with random signs, away from 0 so that a finite difference
    /// does not straddle a ReLU kink.
    public static func input(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        return Matrix(rows: rows, cols: cols, data: (0..<rows * cols).map { _ in
            let magnitude = Float(0.2 + generator.unit())
            return generator.below(2) == 0 ? magnitude : -magnitude
        })
    }

    /// The elements of `inputs` (every `stride`-th of each) where `loss`'s gradient (its
    /// second result, one matrix per input) differs from the central difference
    /// `(loss(x + ε) - loss(x - ε)) / 2ε` by more than `tolerance · max(1, |numeric|)`,
    /// and how many elements were checked.
    public static func mismatches(_ inputs: [Matrix], epsilon: Float = 1e-2, tolerance: Float, stride: Int = 1,
                                  loss: ([Matrix]) -> (value: Float, gradients: [Matrix])) -> (mismatches: [Mismatch], checked: Int) {
        let gradients = loss(inputs).gradients
        var result: [Mismatch] = []
        var checked = 0
        var shifted = inputs
        for k in inputs.indices {
            for i in Swift.stride(from: 0, to: inputs[k].data.count, by: stride) {
                shifted[k].data[i] = inputs[k].data[i] + epsilon
                let plus = loss(shifted).value
                shifted[k].data[i] = inputs[k].data[i] - epsilon
                let minus = loss(shifted).value
                shifted[k].data[i] = inputs[k].data[i]
                let numeric = (plus - minus) / (2 * epsilon)
                let analytic = gradients[k].data[i]
                if abs(numeric - analytic) > tolerance * max(1, abs(numeric)) {
                    result.append(Mismatch(input: k, element: i, analytic: analytic, numeric: numeric))
                }
                checked += 1
            }
        }
        return (result, checked)
    }

    /// ``mismatches(_:epsilon:tolerance:stride:loss:)`` of `f` with respect to its
    /// inputs, through the scalar `sum(f(inputs) ⊙ R)` for a fixed random `R`.
    public static func mismatches(of f: (Tape, [Tape.Variable]) -> Tape.Variable, at inputs: [Matrix],
                                  tolerance: Float = 1e-2) -> [Mismatch] {
        mismatches(inputs, tolerance: tolerance) { values in
            let tape = Tape()
            let variables = values.map { tape.watched($0) }
            let out = f(tape, variables)
            let outValue = tape.value(out)
            let total = tape.sum(tape.multiply(out, tape.constant(input(outValue.rows, outValue.cols, seed: 99))))
            tape.backward(from: total)
            return (tape.value(total).data[0],
                    zip(values, variables).map { tape.gradient($1) ?? Matrix(rows: $0.rows, cols: $0.cols) })
        }.mismatches
    }
}
