import PRouterGraph
import PRouterModels

/// How one policy's headline figure differs from another's on the same pairs, with a
/// standard error clustered by query (by conversation for conversation turns): every
/// user's copy of a query shares its outcomes, so the copies are not independent
/// evidence, and a difference of a point on a few dozen test queries can be noise.
public struct PairedComparison: Sendable, Equatable {
    /// The figure compared: the ratio to the Oracle's reward (cost mode; the mean reward
    /// where the Oracle's is not positive) or the accuracy (judge mode).
    public enum Figure: String, Sendable {
        case ratioToOracle = "ratio_to_oracle"
        case reward
        case accuracy
    }

    /// The policy compared with.
    public var against: String
    public var figure: Figure
    /// This policy's figure minus the other's.
    public var difference: Double
    /// The difference's standard error (nil with fewer than two clusters).
    public var standardError: Double?
    /// The number of clusters (distinct queries, or conversations).
    public var clusters: Int

    /// `result` against `reference`, which routed the same pairs of `truth`.
    init(_ result: PolicyResult, against reference: PolicyResult, truth: TruthTable) {
        var choiceOf: [Int: Int] = [:]
        for (pair, choice) in zip(result.pairs, result.choices) { choiceOf[pair] = choice }
        var clusterIDs = Interner()
        var (values, referenceValues, clusters) = ([Double](), [Double](), [Int32]())
        var oracleSum = 0.0
        for (index, referenceChoice) in zip(reference.pairs, reference.choices) {
            guard let choice = choiceOf[index] else { continue }
            let pair = truth.pairs[index]
            clusters.append(Int32(clusterIDs.intern(pair.conversation?.id ?? pair.queryID).index))
            values.append(Self.value(pair.candidates[choice], mode: truth.mode))
            referenceValues.append(Self.value(pair.candidates[referenceChoice], mode: truth.mode))
            oracleSum += pair.candidates[pair.bestIndex].reward ?? 0
        }
        let gain = PairedGain(values, over: referenceValues, clusters: clusters)
        // Per pair, the mean difference; as a ratio to the Oracle's mean reward, scaled by it.
        let meanOracle = values.isEmpty ? 0 : oracleSum / Double(values.count)
        figure = truth.mode == .judge ? .accuracy : meanOracle > 0 ? .ratioToOracle : .reward
        let scale = figure == .ratioToOracle ? 1 / meanOracle : 1
        against = reference.name
        difference = gain.estimate.mean * scale
        self.clusters = clusterIDs.count
        standardError = clusterIDs.count > 1 ? gain.estimate.standardError * scale : nil
    }

    /// What choosing `candidate` scores: its reward (cost mode) or 1 when it was preferred.
    private static func value(_ candidate: TruthTable.Candidate, mode: GraphMode) -> Double {
        mode == .cost ? candidate.reward ?? 0 : candidate.best ? 1 : 0
    }
}
