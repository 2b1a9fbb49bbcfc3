/// The elementwise functions of the encoder, without libm: `erff` and `expf` are a call
/// per element, which made GELU alone a sixth of an encoding. These are straight-line
/// float and bit arithmetic, which the optimizer turns into vector instructions over a
/// loop of elements (and which stays fast enough unoptimized: SIMD types in a debug build
/// go through generic code lane by lane, which made the test run's MiniLM tests ten times
/// slower). A result depends on its element's value only, so a vector does not depend on
/// how its text was batched.
enum VectorMath {
    /// `eʸ` for `y <= 0`, within 2 ulp of `expf` down to -87 (0 below, as good as 0 to a
    /// softmax).
    @inline(__always)
    static func exp(nonPositive y: Float) -> Float {
        let underflow = y < -87
        let clamped = underflow ? -87 : y
        // n = round(y / ln 2): adding 1.5 x 2²³ leaves n in the low bits of the float.
        let shifter: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + shifter
        let n = shifted - shifter
        // r = y - n ln 2 in two parts (Cody and Waite), |r| <= ln 2 / 2.
        let r = (clamped - n * 0.693_145_75) - n * 1.428_606_8e-6
        // e^r by its Taylor series to r⁷ (error below 2e-9 on the interval).
        var p = r * Float(1.0 / 5040) + Float(1.0 / 720)
        p = p * r + Float(1.0 / 120)
        p = p * r + Float(1.0 / 24)
        p = p * r + Float(1.0 / 6)
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // 2ⁿ: n + 127 in the exponent field.
        let exponent = (shifted.bitPattern &- shifter.bitPattern &+ 127) &<< 23
        return underflow ? 0 : p * Float(bitPattern: exponent)
    }

    /// GELU, `x Φ(x) = x (1 + erf(x / √2)) / 2`, with erfc by Abramowitz and Stegun 7.1.26
    /// (absolute error below 1.5e-7): for negative x the complement is used as is, so that
    /// small results keep their relative precision.
    @inline(__always)
    static func gelu(_ x: Float) -> Float {
        let z = Float(bitPattern: x.bitPattern & 0x7fff_ffff) * 0.707_106_77
        let t = 1 / (1 + 0.327_591_1 * z)
        var poly = t * 1.061_405_429 - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        let complement = poly * t * exp(nonPositive: -(z * z))  // erfc(|x| / √2)
        return 0.5 * x * (x < 0 ? complement : 2 - complement)
    }

    /// Applies `function` to `count` floats at `start`, in place.
    @inline(__always)
    static func apply(_ start: UnsafeMutablePointer<Float>, count: Int, _ function: (Float) -> Float) {
        for index in 0..<count { start[index] = function(start[index]) }
    }
}
