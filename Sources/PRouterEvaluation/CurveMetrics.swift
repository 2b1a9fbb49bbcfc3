
/// Figures that place a routing policy against the single LLMs and the Oracle.
///
/// - **Gap closed** (after RouteLLM's performance gap recovered): how much of the way from
///   the single best LLM to the Oracle a policy gets, `(R - R_single) / (R_oracle - R_single)`,
///   with R the mean reward (cost mode) or the accuracy (judge mode). 0 is no better than
///   always asking the best LLM, 1 is the Oracle; negative is worse than the single best.
/// - **AIQ** (RouterBench's average improvement in quality): the area under the
///   non-decreasing upper convex hull of the (total cost, mean performance) points,
///   divided by the cost range of the single LLMs. For the single LLMs alone it measures
///   the frontier one can buy without routing; with a policy's point added, how far the
///   policy pushes that frontier (a point under the frontier adds nothing).
public enum CurveMetrics {
    /// The share of the single-best-to-Oracle gap that `value` closes; nil when there is no gap.
    public static func gapClosed(_ value: Double, singleBest: Double, oracle: Double) -> Double? {
        let gap = oracle - singleBest
        return gap > 1e-12 ? (value - singleBest) / gap : nil
    }

    /// AIQ of `points` (cost, quality) over `range` of costs; nil for an empty or zero-width range.
    public static func aiq(_ points: [(cost: Double, quality: Double)], over range: ClosedRange<Double>) -> Double? {
        let width = range.upperBound - range.lowerBound
        guard width > 0 else { return nil }
        let hull = frontier(points)
        guard let first = hull.first else { return nil }
        // f(c): the hull, flat before its first (cheapest) point and after its last
        // (paying more buys nothing more).
        func value(at cost: Double) -> Double {
            if cost <= first.cost { return first.quality }
            for (a, b) in zip(hull, hull.dropFirst()) where cost <= b.cost {
                return a.quality + (b.quality - a.quality) * (cost - a.cost) / (b.cost - a.cost)
            }
            return hull.last!.quality
        }
        // Exact for a piecewise-linear function: trapezoids between the breakpoints in range.
        let breaks = ([range.lowerBound, range.upperBound] + hull.map(\.cost).filter { range.contains($0) }).sorted()
        var area = 0.0
        for (a, b) in zip(breaks, breaks.dropFirst()) { area += (value(at: a) + value(at: b)) / 2 * (b - a) }
        return area / width
    }

    /// The non-decreasing upper convex hull of `points`, by increasing cost.
    static func frontier(_ points: [(cost: Double, quality: Double)]) -> [(cost: Double, quality: Double)] {
        // Keep the points that beat everything cheaper, then the upper hull of those.
        var rising: [(cost: Double, quality: Double)] = []
        for point in points.sorted(by: { ($0.cost, -$0.quality) < ($1.cost, -$1.quality) })
            where rising.last.map({ point.quality > $0.quality }) ?? true {
            rising.append(point)
        }
        var hull: [(cost: Double, quality: Double)] = []
        for point in rising {
            while hull.count >= 2 {
                let (a, b) = (hull[hull.count - 2], hull[hull.count - 1])
                // Drop b when it lies on or under the segment a-point.
                let cross = (b.cost - a.cost) * (point.quality - a.quality) - (b.quality - a.quality) * (point.cost - a.cost)
                guard cross >= 0 else { break }
                hull.removeLast()
            }
            hull.append(point)
        }
        return hull
    }
}
