/// Fixed-point rendering of numbers for tables and progress lines.
public enum Decimals {
    /// `value` with exactly `digits` decimals, without Foundation; a magnitude too large
    /// for that (2^53 and beyond once scaled) in Swift's shortest form (`1e+20`), and a
    /// value that is not finite as `nan` or `inf`.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        guard value.isFinite else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
        guard abs(value) * scale < 9_007_199_254_740_992 else { return String(value) }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled - Double(whole) * scale))
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return digits > 0 ? "\(sign)\(whole).\(fraction)" : "\(sign)\(whole)"
    }
}
