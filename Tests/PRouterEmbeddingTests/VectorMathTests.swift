import Foundation
import Testing
@testable import PRouterEmbedding
import PRouterTestSupport

/// The encoder's vectorized elementwise functions against libm.
struct VectorMathTests {
    /// Values from -20 to 20 in uneven steps, and the edges of the exp's range.
    private static let inputs: [Float] = stride(from: Float(-20), through: 20, by: 0.0137).map { $0 } + [0, -0, -87, -87.5, -100, 1e-8, -1e-8]

    @Test func geluMatchesTheErfDefinition() {
        var values = Self.inputs
        values.withUnsafeMutableBufferPointer { VectorMath.apply($0.baseAddress!, count: $0.count, VectorMath.gelu) }
        for (x, y) in zip(Self.inputs, values) {
            let exact = 0.5 * Double(x) * erfc(-Double(x) / 2.0.squareRoot())
            // Absolute error within the approximation's 1.5e-7 (scaled by x / 2), plus rounding.
            #expect(abs(Double(y) - exact) <= 1e-7 * max(1, abs(Double(x))) + 1e-6 * abs(exact), "gelu(\(x)) = \(y), not \(exact)")
        }
    }

    @Test func expMatchesLibm() {
        let nonPositive = Self.inputs.map { -abs($0) * 4.5 }
        var values = nonPositive
        values.withUnsafeMutableBufferPointer { VectorMath.apply($0.baseAddress!, count: $0.count) { VectorMath.exp(nonPositive: $0) } }
        for (y, e) in zip(nonPositive, values) {
            if y < -87 {
                #expect(e == 0)
            } else {
                #expect(abs(Double(e) - exp(Double(y))) <= 3e-7 * exp(Double(y)), "exp(\(y)) = \(e)")
            }
        }
    }

    @Test func theTailGivesTheSameBitsAsWholeVectors() {
        var whole = Array(Self.inputs.prefix(64)), tail = Array(whole.prefix(13))
        whole.withUnsafeMutableBufferPointer { VectorMath.apply($0.baseAddress!, count: $0.count, VectorMath.gelu) }
        tail.withUnsafeMutableBufferPointer { VectorMath.apply($0.baseAddress!, count: $0.count, VectorMath.gelu) }
        #expect(tail.map(\.bitPattern) == whole.prefix(13).map(\.bitPattern))
    }
}
