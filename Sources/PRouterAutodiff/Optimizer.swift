#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model's trainable tensors, with names for the weights file.
public struct ParameterSet: Sendable, Equatable {
    public var names: [String] = []
    public var values: [Matrix] = []

    public init() {}

    /// Adds a Glorot-initialized (or zero, for biases) parameter and returns its index.
    public mutating func add(_ name: String, rows: Int, cols: Int, zero: Bool = false,
                             generator: inout SplitMix64) -> Int {
        names.append(name)
        values.append(zero ? Matrix(rows: rows, cols: cols) : .glorot(rows: rows, cols: cols, generator: &generator))
        return values.count - 1
    }

    /// Every parameter's shape.
    public var shapes: [(rows: Int, cols: Int)] { values.map { ($0.rows, $0.cols) } }
}

/// Adam (Kingma & Ba, 2015) with bias correction.
public struct Adam: Sendable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// L2 weight decay added to the gradient.
    public var weightDecay: Float = 0
    private var first: [Matrix]
    private var second: [Matrix]
    private(set) var step = 0

    public init(for parameters: ParameterSet, weightDecay: Float = 0) {
        first = parameters.values.map { Matrix(rows: $0.rows, cols: $0.cols) }
        second = first
        self.weightDecay = weightDecay
    }

    /// One update of `parameters` with `gradients` at learning rate `rate`.
    public mutating func update(_ parameters: inout ParameterSet, gradients: [Matrix], rate: Float) {
        step += 1
        let correction1 = 1 - powf(beta1, Float(step))
        let correction2 = 1 - powf(beta2, Float(step))
        let (b1, b2, epsilon, decay) = (beta1, beta2, self.epsilon, weightDecay)
        for p in parameters.values.indices {
            let gradient = gradients[p].data
            parameters.values[p].data.withUnsafeMutableBufferPointer { value in
                first[p].data.withUnsafeMutableBufferPointer { m in
                    second[p].data.withUnsafeMutableBufferPointer { v in
                        for i in 0..<value.count {
                            let g = gradient[i] + decay * value[i]
                            m[i] = b1 * m[i] + (1 - b1) * g
                            v[i] = b2 * v[i] + (1 - b2) * g * g
                            value[i] -= rate * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + epsilon)
                        }
                    }
                }
            }
        }
    }
}

/// A LambdaLR-style schedule: the learning rate falls linearly from `initial` at
/// step 0 to 0 at `totalSteps`.
public struct LinearDecay: Sendable, Equatable {
    public var initial: Float
    public var totalSteps: Int

    public init(initial: Float, totalSteps: Int) {
        self.initial = initial
        self.totalSteps = max(totalSteps, 1)
    }

    /// The rate for step `step` (0-based).
    public func rate(at step: Int) -> Float {
        initial * max(0, 1 - Float(step) / Float(totalSteps))
    }
}
