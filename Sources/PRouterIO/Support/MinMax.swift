/// A running minimum and maximum, for min-max normalization.
public struct MinMax: Sendable, Equatable {
    public private(set) var min = Double.infinity
    public private(set) var max = -Double.infinity

    public init() {}

    public mutating func add(_ value: Double) {
        min = Swift.min(min, value)
        max = Swift.max(max, value)
    }

    /// `(value - min) / (max - min)`, or 0 when the range is empty.
    public func normalize(_ value: Double) -> Double {
        max > min ? (value - min) / (max - min) : 0
    }
}
