/// A reverse-mode automatic differentiation tape.
///
/// One tape records one forward pass: every operation appends its result and a
/// closure that, given the result's gradient, adds to its inputs' gradients.
/// ``backward(from:)`` runs those closures in reverse. Parameters enter through
/// ``parameter(_:)`` and their gradients are read back with ``parameterGradients()``.
/// A tape holds no global state; make a new one per step. A tape made with
/// `recording: false` is for inference: it keeps no backward steps, and
/// ``discardIntermediates(keeping:)`` lets a long forward pass drop what it no longer needs.
public final class Tape {
    /// A handle to a value recorded on the tape.
    public struct Variable: Hashable, Sendable {
        let id: Int
    }

    private var values: [Matrix] = []
    /// Per value, whether ``discardIntermediates(keeping:)`` dropped it.
    private var discarded: [Bool] = []
    private var grads: [Matrix?] = []
    /// Per value, whether it came from ``constant(_:)`` (no gradient is computed for it).
    private var isConstant: [Bool] = []
    private var backwardSteps: [(() -> Void)?] = []
    private var parameterVariables: [(parameter: Int, variable: Int)] = []
    /// Whether dropout is active.
    public let isTraining: Bool
    /// Whether backward steps are kept, so that ``backward(from:)`` can run.
    public let isRecording: Bool
    /// Whether products are computed a row at a time (``BLAS/rowStableProduct(_:_:)``),
    /// so that a row's values never depend on the other rows of the batch.
    public let isRowStable: Bool
    /// The generator dropout draws its masks from.
    var generator: SplitMix64

    /// A tape; `training` turns dropout on, drawing masks from a generator seeded with `seed`;
    /// without `recording`, no gradients can be taken; with `rowStable` (inference only),
    /// each row of a product is computed on its own.
    public init(training: Bool = false, seed: UInt64 = 0, recording: Bool = true, rowStable: Bool = false) {
        precondition(!(rowStable && recording), "a row-stable tape is for inference")
        isTraining = training
        isRecording = recording
        isRowStable = rowStable
        generator = SplitMix64(seed: seed)
    }

    /// The value of `variable`.
    public func value(_ variable: Variable) -> Matrix {
        precondition(!discarded[variable.id], "a discarded value was read")
        return values[variable.id]
    }

    /// The gradient of the last ``backward(from:)`` with respect to `variable`, if it was reached.
    public func gradient(_ variable: Variable) -> Matrix? { grads[variable.id] }

    /// Records a value that needs no gradient: none is computed for it (a product with a
    /// constant skips that factor's gradient product).
    public func constant(_ value: Matrix) -> Variable {
        let variable = record(value, backward: nil)
        isConstant[variable.id] = true
        return variable
    }

    /// Records an input whose gradient ``gradient(_:)`` reports after ``backward(from:)``
    /// (``GradientCheck``'s inputs).
    public func watched(_ value: Matrix) -> Variable {
        record(value, backward: nil)
    }

    /// Whether a gradient is computed for `variable` (false for a ``constant(_:)``).
    func needsGradient(_ variable: Variable) -> Bool { !isConstant[variable.id] }

    /// Records parameter number `index` with its current value.
    public func parameter(_ index: Int, _ value: Matrix) -> Variable {
        let variable = record(value, backward: nil)
        parameterVariables.append((index, variable.id))
        return variable
    }

    /// Records a result; `backward` receives the result's id once its gradient is known.
    func record(_ value: Matrix, backward: ((Int) -> Void)?) -> Variable {
        let id = values.count
        values.append(value)
        discarded.append(false)
        isConstant.append(false)
        grads.append(nil)
        if let backward, isRecording {
            backwardSteps.append { backward(id) }
        } else {
            backwardSteps.append(nil)
        }
        return Variable(id: id)
    }

    /// The gradient flowing into result `id` (zero if none arrived).
    func outputGradient(_ id: Int) -> Matrix {
        grads[id] ?? Matrix(rows: values[id].rows, cols: values[id].cols)
    }

    /// Adds `gradient` to the gradient of `variable`.
    func accumulate(_ variable: Variable, _ gradient: Matrix) {
        guard needsGradient(variable) else { return }
        if grads[variable.id] == nil {
            grads[variable.id] = gradient
        } else {
            grads[variable.id]!.add(gradient)
        }
    }

    /// On a tape that is not recording, drops every value but `kept`'s (reading a dropped
    /// one traps): a forward pass over a whole graph then holds one step's intermediates at
    /// a time instead of all of them. Does nothing on a recording tape, whose backward
    /// steps need every value.
    package func discardIntermediates(keeping kept: [Variable?]) {
        guard !isRecording else { return }
        var keep = [Bool](repeating: false, count: values.count)
        for variable in kept { if let variable { keep[variable.id] = true } }
        for id in values.indices where !keep[id] && !discarded[id] {
            values[id] = Matrix(rows: 0, cols: 0)
            discarded[id] = true
        }
    }

    /// Back-propagates from a 1x1 `loss`.
    public func backward(from loss: Variable) {
        precondition(isRecording, "backward on a tape that is not recording")
        precondition(values[loss.id].data.count == 1, "backward needs a scalar loss")
        grads[loss.id] = Matrix(rows: 1, cols: 1, repeating: 1)
        for id in stride(from: loss.id, through: 0, by: -1) where grads[id] != nil {
            backwardSteps[id]?()
        }
    }

    /// The gradient of every parameter (zero where unused), indexed like the parameters.
    public func parameterGradients(shapes: [(rows: Int, cols: Int)]) -> [Matrix] {
        var result = shapes.map { Matrix(rows: $0.rows, cols: $0.cols) }
        for (parameter, variable) in parameterVariables {
            if let grad = grads[variable] { result[parameter].add(grad) }
        }
        return result
    }
}
