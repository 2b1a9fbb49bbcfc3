/// How far each LLM's mean outcome on a task is trusted over its mean on every task:
/// empirical Bayes over the tasks.
///
/// A task mean of a few dozen queries is noisy: 0/1 outcomes over 50 queries put a
/// standard error of about 0.07 on it, as large as the differences between tasks that
/// some worlds have. Per LLM and column (normalized performance, cost), the task means
/// are taken as the LLM's true task effects, spread with variance `τ²`, plus noise of
/// variance `σ²/n` (`σ²` the pooled spread of the outcomes within a task, `n` the task's
/// distinct queries: every user's copy of a query shares its outcomes). A task's mean then
/// keeps the share `τ² / (τ² + σ²/n)` of its departure from the LLM's mean over all tasks,
/// `τ²` estimated by the method of moments (the task means' spread less their average
/// noise, at least zero). Where tasks differ by more than their noise, the share is
/// close to 1 and the task means stand; where they differ by noise, the LLM's mean over
/// all tasks replaces them. Fitted once on the observed queries; leaving one query out
/// of the sums (cross-validation) keeps the shares.
enum TaskShrinkage {
    /// Per (task, LLM) cell (`task * llmCount + llm`), the shares of the task mean's
    /// departure kept for performance and cost; 1 where an LLM was observed on one task
    /// only, or its outcomes have no spread to tell noise by.
    static func shares(data: RoutingData, llmCount: Int, taskCount: Int) -> [SIMD2<Float>] {
        var sums = [SIMD2<Double>](repeating: .zero, count: taskCount * llmCount)
        var squares = sums
        var counts = [Double](repeating: 0, count: taskCount * llmCount)
        var queries = [Set<Int32>](repeating: [], count: taskCount)
        for node in 0..<data.nodeCount where data.isPool[node] {
            let task = Int(data.nodeTask[node])
            guard task < taskCount else { continue }
            queries[task].insert(data.nodeQueryRow[node])
            for edge in data.edges(of: node) where Int(data.edgeLLM[edge]) < llmCount {
                let cell = task * llmCount + Int(data.edgeLLM[edge])
                let input = edge * RoutingData.edgeInputWidth
                let outcome = SIMD2(Double(data.edgeInput[input]), Double(data.edgeInput[input + 1]))
                sums[cell] += outcome
                squares[cell] += outcome * outcome
                counts[cell] += 1
            }
        }
        var shares = [SIMD2<Float>](repeating: SIMD2(1, 1), count: taskCount * llmCount)
        for llm in 0..<llmCount {
            let observed = (0..<taskCount).filter { counts[$0 * llmCount + llm] > 0 }
            guard observed.count > 1 else { continue }
            var within = SIMD2<Double>.zero, freedom = 0.0
            let means = observed.map { task -> SIMD2<Double> in
                let cell = task * llmCount + llm
                let mean = sums[cell] / counts[cell]
                within += squares[cell] - counts[cell] * mean * mean
                freedom += counts[cell] - 1
                return mean
            }
            within = pointwiseMax(within, SIMD2<Double>.zero) / max(freedom, 1)
            let center = means.reduce(.zero, +) / Double(means.count)
            let spread = means.reduce(.zero) { $0 + ($1 - center) * ($1 - center) } / Double(means.count - 1)
            let noise = observed.map { within / Double(queries[$0].count) }
            let effects = pointwiseMax(spread - noise.reduce(SIMD2<Double>.zero, +) / Double(noise.count), SIMD2<Double>.zero)
            for (task, taskNoise) in zip(observed, noise) {
                let total = effects + taskNoise
                shares[task * llmCount + llm] = SIMD2<Float>((effects / total).replacing(with: 1, where: total .== SIMD2<Double>.zero))
            }
        }
        return shares
    }
}
