import PRouterAutodiff

/// A dense layer `y = x W + b` (`b` optional), whose parameters are added under the
/// names it is given.
struct Dense: Sendable {
    let weight: Int
    let bias: Int?

    /// Adds `weight` (`input x output`, Glorot-initialized, or zero with `zeroWeight`) and
    /// `bias` (`1 x output`, zero) to `parameters`, in that order.
    init(_ weight: String, bias: String?, input: Int, output: Int, zeroWeight: Bool = false,
         parameters: inout ParameterSet, generator: inout SplitMix64) {
        self.weight = parameters.add(weight, rows: input, cols: output, zero: zeroWeight, generator: &generator)
        self.bias = bias.map { parameters.add($0, rows: 1, cols: output, zero: true, generator: &generator) }
    }

    func callAsFunction(_ x: Tape.Variable, _ parameters: ParameterReader) -> Tape.Variable {
        let product = parameters.tape.matmul(x, parameters[weight])
        guard let bias else { return product }
        return parameters.tape.add(product, parameters[bias])
    }
}
