
/// How much one policy beats another on the same items, with a standard error clustered
/// by `clusters`: items of one cluster (copies of one query, turns of one conversation)
/// share what decides them, so they are not independent evidence.
package struct PairedGain: Sendable {
    /// The mean of `a - b` and its clustered standard error (0 with fewer than two clusters).
    package let estimate: (mean: Double, standardError: Double)

    package init(_ a: [Double], over b: [Double], clusters: [Int32]) {
        // Per cluster: the summed differences of its items and their count.
        var clusterOf: [Int32: Int] = [:]
        var sums: [(sum: Double, count: Double)] = []
        var total = 0.0
        for (cluster, (x, y)) in zip(clusters, zip(a, b)) {
            let index = clusterOf[cluster] ?? {
                clusterOf[cluster] = sums.count
                sums.append((0, 0))
                return sums.count - 1
            }()
            sums[index].sum += x - y
            sums[index].count += 1
            total += x - y
        }
        guard sums.count > 1 else {
            estimate = (0, 0)
            return
        }
        let n = sums.reduce(0) { $0 + $1.count }
        let mean = total / n
        // Each cluster's deviation from its share of the mean, summed: the sandwich
        // variance of the mean with the small-sample factor G / (G - 1).
        let squares = sums.reduce(0) { $0 + ($1.sum - $1.count * mean) * ($1.sum - $1.count * mean) }
        let g = Double(sums.count)
        estimate = (mean, (squares * g / (g - 1)).squareRoot() / n)
    }

    /// Whether the mean gain exceeds `significance` standard errors.
    package func isSignificant(_ significance: Double) -> Bool {
        estimate.mean > significance * estimate.standardError
    }
}
