/// The elementwise functions of the encoder, eight floats at a time: libm's `erff` and
/// `expf` are one call per element, which made GELU alone a sixth of an encoding. Each
/// element's result depends on its value only (a short tail goes through the same lanes,
/// padded), so a vector does not depend on how its text was batched.
enum VectorMath {
    typealias Lanes = SIMD8<Float>
    typealias LaneBits = SIMD8<Int32>

    /// `eʸ` for `y <= 0`, within 2 ulp of `expf` down to -87 (0 below, as good as 0 to a
    /// softmax).
    @inline(__always)
    static func exp(nonPositive y: Lanes) -> Lanes {
        let underflow = y .< -87
        let clamped = select(underflow, Lanes(repeating: -87), y)
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
        let exponent = (bits(shifted) &- bits(Lanes(repeating: shifter)) &+ 127) &<< 23
        return select(underflow, Lanes(), p * unsafeBitCast(exponent, to: Lanes.self))
    }

    /// GELU, `x Φ(x) = x (1 + erf(x / √2)) / 2`, with erfc by Abramowitz and Stegun 7.1.26
    /// (absolute error below 1.5e-7): for negative x the complement is used as is, so that
    /// small results keep their relative precision.
    @inline(__always)
    static func gelu(_ x: Lanes) -> Lanes {
        let magnitude = unsafeBitCast(bits(x) & 0x7fff_ffff, to: Lanes.self)
        let z = magnitude * 0.707_106_77
        let t = 1 / (1 + Float(0.327_591_1) * z)
        var poly = t * Float(1.061_405_429) - Float(1.453_152_027)
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        let complement = poly * t * exp(nonPositive: -(z * z))  // erfc(|x| / √2)
        let onePlusErf = select(x .< 0, complement, 2 - complement)
        return 0.5 * x * onePlusErf
    }

    /// `a` where `mask` is set, else `b`, by the bits (the standard library's `replacing`
    /// goes lane by lane).
    @inline(__always)
    private static func select(_ mask: SIMDMask<LaneBits>, _ a: Lanes, _ b: Lanes) -> Lanes {
        let m = unsafeBitCast(mask, to: LaneBits.self)
        return unsafeBitCast((bits(a) & m) | (bits(b) & ~m), to: Lanes.self)
    }

    @inline(__always)
    private static func bits(_ x: Lanes) -> LaneBits { unsafeBitCast(x, to: LaneBits.self) }

    /// Applies `function` to `count` floats at `start`, in place.
    @inline(__always)
    static func apply(_ start: UnsafeMutablePointer<Float>, count: Int, _ function: (Lanes) -> Lanes) {
        let whole = count - count % Lanes.scalarCount
        var index = 0
        while index < whole {
            let raw = UnsafeMutableRawPointer(start + index)
            raw.storeBytes(of: function(raw.loadUnaligned(as: Lanes.self)), as: Lanes.self)
            index += Lanes.scalarCount
        }
        guard index < count else { return }
        var tail = Lanes()
        for lane in 0..<count - index { tail[lane] = start[index + lane] }
        tail = function(tail)
        for lane in 0..<count - index { start[index + lane] = tail[lane] }
    }
}
