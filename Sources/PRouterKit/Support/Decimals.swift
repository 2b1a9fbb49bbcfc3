/// Fixed-point rendering of numbers for tables and progress lines.
public enum Decimals {
    /// `value` with exactly `digits` decimals, without Foundation.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled - Double(whole) * scale))
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return digits > 0 ? "\(sign)\(whole).\(fraction)" : "\(sign)\(whole)"
    }
}
