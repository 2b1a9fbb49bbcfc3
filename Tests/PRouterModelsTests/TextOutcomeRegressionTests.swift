import Testing
import PRouterAutodiff
import PRouterIO
@testable import PRouterModels
import PRouterTestSupport

/// The text regression behind the anchored model's correction, and the cross-validated
/// choice of table level.
@Suite struct TextOutcomeRegressionTests {
    /// The opposite-users graph with query features `feature(q)` (q the query's number).
    static func data(features width: Int, _ feature: (Int) -> [Float]) throws -> RoutingData {
        var graph = try ModelTests.oppositeUsers(queries: 60)
        let rows = graph.queryIDs.map { feature(Int($0.dropFirst())!) }
        graph.features!.query = Matrix(rows: rows.count, cols: width, data: rows.flatMap { $0 })
        return try RoutingData(graph: graph, routing: false)
    }

    /// The "cheap" LLM's performance is 0.3 + (q mod 5) / 50 and the "strong" one's cost
    /// 0.05 + (q mod 3) / 100: features holding q mod 5 and q mod 3 predict them (after
    /// normalization) for queries the fit never saw, and beat the words of texts that say
    /// nothing ("text of q17").
    @Test func predictsUnseenQueriesFromInformativeFeatures() throws {
        var generator = SplitMix64(seed: 2)
        let data = try Self.data(features: 4) { q in [Float(q % 5), Float(q % 3), Float(generator.unit()), 1] }
        let regression = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count) { _, _ in (0.5, 0.5) }
        #expect(regression.penalty != nil)
        Self.expectUnseenCheapPredicted(regression, data: data)
    }

    /// The regression (fitted against means of 0.5) predicts the cheap LLM's normalized
    /// performance on every query node outside the training split within 0.05.
    static func expectUnseenCheapPredicted(_ regression: TextOutcomeRegression, data: RoutingData) {
        let cheap = data.llmIndex("cheap")!
        let unseen = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .train }
        #expect(!unseen.isEmpty)
        for node in unseen {
            let edge = data.edges(of: node).first { Int(data.edgeLLM[$0]) == cheap }!
            let observed = data.edgeInput[edge * RoutingData.edgeInputWidth] - 0.5
            #expect(abs(regression.prediction(node: node, llm: cheap, data: data).0 - observed) < 0.05)
        }
    }

    /// The tables and text regression a weights file stores come back exactly: the same
    /// anchor rows for every node, observed or not; a cut or padded archive is an error.
    @Test func anchorFeaturesRoundTripThroughAnArchive() throws {
        var generator = SplitMix64(seed: 3)
        let data = try Self.data(features: 4) { q in [Float(q % 5), Float(q % 3), Float(generator.unit()), 1] }
        let features = AnchorFeatures(data: data)
        #expect(features.textOutcomes?.penalty != nil)
        var archive = StateArchive()
        features.archive(into: &archive)
        var reader = StateArchive.Reader(archive, name: "m.prw")
        let restored = try AnchorFeatures(from: &reader, data: data)
        try reader.finish()
        let nodes = Array(0..<data.nodeCount)
        let (a, b) = (features.rows(nodes, data: data), restored.rows(nodes, data: data))
        #expect(a.priors == b.priors && a.users == b.users && a.outcomeMeans == b.outcomeMeans && a.textDeviations == b.textDeviations)
        var again = StateArchive()
        restored.archive(into: &again)
        #expect(again == archive)

        var cut = archive
        cut.reals.removeLast()
        var short = StateArchive.Reader(cut, name: "m.prw")
        #expect(throws: DataError.self) { try AnchorFeatures(from: &short, data: data) }
        var padded = archive
        padded.counts.append(1)
        var long = StateArchive.Reader(padded, name: "m.prw")
        _ = try AnchorFeatures(from: &long, data: data)
        #expect(throws: DataError.self) { try long.finish() }
    }

    /// Features that say nothing: the map is kept (no penalty beats predicting no
    /// deviation from the observed task means), but stacking shrinks its predictions to
    /// less than a tenth of the deviations.
    @Test func isShrunkWhereFeaturesSayNothing() throws {
        var generator = SplitMix64(seed: 5)
        let data = try Self.data(features: 6) { _ in (0..<6).map { _ in Float(generator.unit()) - 0.5 } }
        let anchored = try #require(AnchorFeatures(data: data).textOutcomes)
        #expect(anchored.penalty != nil)
        let cheap = data.llmIndex("cheap")!
        let unseen = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .train }
        let predicted = unseen.map { abs(anchored.prediction(node: $0, llm: cheap, data: data).0) }
        let deviations = unseen.map { node in
            let edge = data.edges(of: node).first { Int(data.edgeLLM[$0]) == cheap }!
            return abs(data.edgeInput[edge * RoutingData.edgeInputWidth] - 0.5)
        }
        #expect(predicted.reduce(0, +) < 0.1 * deviations.reduce(0, +))
    }

    /// Texts that name what each query's outcomes follow (q mod 5, "group3", and q mod 3,
    /// "kind1") and an embedding that is exactly their word counts: the embedding
    /// predicts no better than the counts, so the counts are kept (a view other than the
    /// counts must beat them by a standard error; before, the embedding was tried first
    /// and kept on a tie); with texts that say nothing, the embedding is kept.
    @Test func anEmbeddingThatTiesTheWordCountsLeavesTheCounts() throws {
        func data(informativeTexts: Bool) throws -> RoutingData {
            var graph = try ModelTests.oppositeUsers(queries: 60)
            let named = graph.queryIDs.map { id in "group\(Int(id.dropFirst())! % 5) kind\(Int(id.dropFirst())! % 3)" }
            if informativeTexts { graph.queryTexts = named }
            let vocabulary = WordVocabulary(texts: named)
            #expect(vocabulary.count == 8)
            var embedding = Matrix(rows: named.count, cols: vocabulary.count)
            for (row, text) in named.enumerated() {
                for (column, count) in vocabulary.counts(text) { embedding[row, column] = count }
            }
            graph.features!.query = embedding
            return try RoutingData(graph: graph, routing: false)
        }
        let words = try #require(AnchorFeatures(data: try data(informativeTexts: true)).textOutcomes)
        #expect(words.penalty != nil)
        #expect(words.view.isWordCounts)
        let embedding = try #require(AnchorFeatures(data: try data(informativeTexts: false)).textOutcomes)
        #expect(embedding.penalty != nil)
        #expect(embedding.view == .embedding)
    }

    /// One slope serves both tasks, but only the math queries' cheap performance follows
    /// the feature (the chat queries' is noise): the chat queries' predicted deviations
    /// are scaled down to almost nothing, the math ones' are kept.
    @Test func deviationsShrinkOnATaskWhoseTextSaysNothing() throws {
        var generator = SplitMix64(seed: 4)
        var lines: [String] = []
        for q in 0..<80 {
            let task = q % 2 == 0 ? "math" : "chat"
            let perf = 0.3 + (task == "math" ? Double(q % 5) / 50 : generator.unit() * 0.08)
            lines.append(responseLine("q\(q)", "cheap", perf: perf, cost: 0.001, task: task))
            lines.append(responseLine("q\(q)", "strong", perf: 0.9, cost: 0.05, task: task))
            lines.append(responseLine("q\(q)", "middle", perf: 0.55, cost: 0.03, task: task))
        }
        var graph = try ModelTests.graph(lines, users: [("saver", 0.1, 0.9), ("spender", 1.0, 0.0)], seed: 3)
        let rows = graph.queryIDs.map { [Float(Int($0.dropFirst())! % 5), Float(generator.unit()), 1] }
        graph.features!.query = Matrix(rows: rows.count, cols: 3, data: rows.flatMap { $0 })
        let data = try RoutingData(graph: graph, routing: false)
        let regression = try #require(AnchorFeatures(data: data).textOutcomes)
        let cheap = data.llmIndex("cheap")!
        func largest(_ task: String) -> Float {
            let index = Int32(data.taskIndex(task)!)
            return (0..<data.nodeCount).filter { data.nodeSplit[$0] != .train && data.nodeTask[$0] == index }
                .map { abs(regression.prediction(node: $0, llm: cheap, data: data).0) }.max()!
        }
        #expect(largest("math") > 0.02)
        #expect(largest("chat") < 0.25 * largest("math"))
    }

    /// Each task's factors fit its own held-out predictions (clamped to [0, 1]); a task
    /// without observed queries gets the factors pooled over the others.
    @Test func taskFactorsFitHeldOutPredictionsAndPoolForUnseenTasks() {
        // Columns [perf, cost]; task 0 predicted exactly, task 1's predictions twice its
        // performance targets and opposite to its cost targets, task 2 never observed.
        let targets = Matrix(rows: 4, cols: 2, data: [0.2, -0.1, -0.2, 0.1, 0.3, 0.2, -0.3, -0.2])
        let heldOut = Matrix(rows: 4, cols: 2, data: [0.2, -0.1, -0.2, 0.1, 0.6, -0.2, -0.6, 0.2])
        let factors = TextOutcomeRegression.taskScales(heldOut, targets: targets, tasks: [0, 0, 1, 1], taskCount: 3)
        #expect(factors.count == 8)
        #expect(abs(factors[0] - 1) < 1e-6 && abs(factors[1] - 1) < 1e-6)
        #expect(abs(factors[2] - 0.5) < 1e-6 && factors[3] == 0)
        // Pooled performance: (0.08 + 0.36) / (0.08 + 0.72); pooled cost clamps to 0.
        #expect(abs(factors[4] - 0.55) < 1e-6 && factors[5] == 0)
        #expect(factors[6] == factors[4] && factors[7] == factors[5])
    }

    /// An observed query's prediction is what a fit without that query (every user's copy
    /// of it) predicts: its own outcome does not reach its score.
    @Test func observedQueriesGetTheirLeaveOneQueryOutPrediction() throws {
        var generator = SplitMix64(seed: 8)
        let data = try Self.data(features: 3) { q in [Float(q % 5) + Float(generator.unit()), Float(q % 3), 1] }
        let means: (Int, Int) -> (Float, Float) = { task, llm in (Float(task) * 0.1, Float(llm) * 0.1) }
        let full = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count, means: means)
        let penalty = try #require(full.penalty)
        let pool = (0..<data.nodeCount).filter { data.isPool[$0] }
        for node in pool.prefix(6) {
            var without = data
            for other in pool where data.nodeQueryRow[other] == data.nodeQueryRow[node] { without.isPool[other] = false }
            let refit = TextOutcomeRegression(data: without, llmCount: data.llmIDs.count, penalties: [penalty], means: means)
            for llm in 0..<data.llmIDs.count {
                let (a, b) = (full.prediction(node: node, llm: llm, data: data), refit.prediction(node: node, llm: llm, data: without))
                #expect(abs(a.0 - b.0) < 1e-3 && abs(a.1 - b.1) < 1e-3)
            }
        }
    }

    /// Cross-fitted, every observed query is left out (all its copies) by exactly one of
    /// the folds' fits, and its prediction is that fit's, not the full regression's own
    /// held-out one; an unseen query's prediction does not change.
    @Test func crossFittedPredictionsComeFromTheFitWithoutTheQuerysFold() throws {
        var generator = SplitMix64(seed: 9)
        let data = try Self.data(features: 3) { q in [Float(q % 5) + Float(generator.unit()), Float(q % 3), 1] }
        let means: (Int, Int) -> (Float, Float) = { task, llm in (Float(task) * 0.1, Float(llm) * 0.1) }
        let full = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count, means: means)
        var fits: [Int: (without: RoutingData, fit: TextOutcomeRegression)] = [:]
        let crossed = full.crossFitted(data: data, folds: 4) { fold, without in
            let fit = TextOutcomeRegression(data: without, llmCount: without.llmIDs.count, means: means)
            fits[fold] = (without, fit)
            return fit
        }
        #expect(fits.keys.sorted() == [0, 1, 2, 3])
        let pool = (0..<data.nodeCount).filter { data.isPool[$0] }
        var changed = 0
        for node in pool {
            let folds = fits.filter { !$0.value.without.isPool[node] }
            try #require(folds.count == 1)
            let (without, fit) = folds.first!.value
            // The fold leaves out every copy of the query.
            #expect(pool.allSatisfy { data.nodeQueryRow[$0] != data.nodeQueryRow[node] || !without.isPool[$0] })
            for llm in 0..<data.llmIDs.count {
                let expected = fit.prediction(node: node, llm: llm, data: without)
                let got = crossed.prediction(node: node, llm: llm, data: data)
                #expect(got == expected)
                if abs(got.0 - full.prediction(node: node, llm: llm, data: data).0) > 1e-4 { changed += 1 }
            }
        }
        #expect(changed > 0)
        for node in 0..<data.nodeCount where !data.isPool[node] {
            for llm in 0..<data.llmIDs.count {
                #expect(crossed.prediction(node: node, llm: llm, data: data) == full.prediction(node: node, llm: llm, data: data))
            }
        }
    }

    @Test func eigendecompositionReconstructsTheMatrix() throws {
        var generator = SplitMix64(seed: 1)
        let n = 6
        let b = (0..<n * n).map { _ in generator.unit() - 0.5 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += b[i * n + k] * b[j * n + k] } } }
        let (values, vectors) = try #require(SymmetricEigen.decompose(a, size: n))
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        for i in 0..<n {
            for j in 0..<n {
                let rebuilt = (0..<n).reduce(0) { $0 + vectors[$1 * n + i] * values[$1] * vectors[$1 * n + j] }
                #expect(abs(rebuilt - a[i * n + j]) < 1e-9)
            }
        }
    }

    /// Opposite users: only levels that know the user route well, and the user-task
    /// level is kept unless another beats it significantly.
    @Test func crossValidatedTableLevelKnowsTheUser() throws {
        let data = try Self.data(features: 1) { _ in [0] }
        let labeled = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .test }
        let (level, figures) = TableLevel.crossValidated(nodes: labeled, data: data, significance: 2)
        #expect(level == .userTask)
        let index = { (level: TableLevel) in TableLevel.allCases.firstIndex(of: level)! }
        #expect(figures[index(.userTask)] > figures[index(.task)] + 0.05)
        #expect(figures[index(.user)] > figures[index(.single)] + 0.05)
    }

    /// Routing observes the validation nodes (as evidence for other queries) only when asked.
    @Test func validationNodesAreObservedOnlyWhenAsked() throws {
        let graph = try ModelTests.oppositeUsers(queries: 30)
        let training = try RoutingData(graph: graph, routing: true)
        let routing = try RoutingData(graph: graph, routing: true, validationObserved: true)
        let validation = (0..<training.nodeCount).filter { training.nodeSplit[$0] == .validation }
        #expect(!validation.isEmpty)
        #expect(validation.allSatisfy { !training.isPool[$0] && routing.isPool[$0] })
        #expect((0..<training.nodeCount).allSatisfy { routing.nodeSplit[$0] != .test || !routing.isPool[$0] })
    }
}
