import Foundation
import Testing
import PRouterAutodiff
@testable import PRouterModels
import PRouterTestSupport

/// The table policies and the anchored model built on them.
@Suite struct AnchoredModelTests {
    @Test func tablesShrinkASparseCellTowardsTheBroaderOne() {
        var tables = OutcomeTables(llmCount: 2, taskCount: 2, pseudoCount: 5)
        // LLM 0 is better overall; user 0 on task 1 has seen LLM 1 win once.
        for _ in 0..<20 {
            tables.add(user: 1, task: 0, llm: 0, value: 0.8)
            tables.add(user: 1, task: 0, llm: 1, value: 0.2)
        }
        for _ in 0..<20 {
            tables.add(user: 2, task: 1, llm: 0, value: 0.7)
            tables.add(user: 2, task: 1, llm: 1, value: 0.3)
        }
        for _ in 0..<5 {
            tables.add(user: 0, task: 0, llm: 0, value: 0.8)
            tables.add(user: 0, task: 0, llm: 1, value: 0.2)
        }
        tables.add(user: 0, task: 1, llm: 0, value: 0.1)
        tables.add(user: 0, task: 1, llm: 1, value: 0.9)
        let overall = (25 * 0.8 + 20 * 0.7 + 0.1) / 46.0
        #expect(abs(tables.score(.single, user: nil, task: 0, llm: 0) - (46 * overall + 5 * 0.5) / 51) < 1e-12)
        // One observation does not overturn the table: LLM 0 still leads for user 0 on task 1...
        #expect(tables.score(.userTask, user: 0, task: 1, llm: 0) > tables.score(.userTask, user: 0, task: 1, llm: 1))
        // ...but many do.
        for _ in 0..<30 {
            tables.add(user: 0, task: 1, llm: 0, value: 0.1)
            tables.add(user: 0, task: 1, llm: 1, value: 0.9)
        }
        #expect(tables.score(.userTask, user: 0, task: 1, llm: 1) > tables.score(.userTask, user: 0, task: 1, llm: 0))
        // An unseen user gets the task table; removing an outcome restores the sums.
        #expect(abs(tables.score(.userTask, user: 7, task: 0, llm: 0) - tables.score(.task, user: nil, task: 0, llm: 0)) < 1e-12)
        let before = tables.score(.userTask, user: 1, task: 0, llm: 1)
        tables.add(user: 1, task: 0, llm: 1, value: 0.6)
        tables.add(user: 1, task: 0, llm: 1, value: 0.6, weight: -1)
        #expect(abs(tables.score(.userTask, user: 1, task: 0, llm: 1) - before) < 1e-12)
    }

    /// A weights file trained with the graph file's fingerprint keeps the tables on it, and
    /// routing from them gives the scores a fresh computation gives.
    @Test(arguments: [ModelKind.anchored, .table])
    func weightsKeepTheTablesOfTheGraphTrainedOn(kind: ModelKind) throws {
        let graph = try ModelTests.oppositeUsers(queries: 30)
        var config = ModelConfig()
        config.kind = kind
        config.hidden = 8
        let trained = try Trainer.train(graph: graph, fingerprint: 9, config: config, options: ModelTests.quickOptions(epochs: 3)) { _ in }
        let scratch = try Scratch()
        try trained.write(to: scratch.path("m.prw"))
        let read = try TrainedModel.read(from: scratch.path("m.prw"))
        #expect(read.tables != nil && read.tables == trained.tables && read.graphFingerprint == 9)
        // The start's evidence is recorded for the anchored model only, and reads back.
        #expect((trained.model.config.anchorStartEvidence == nil) == (kind == .table))
        #expect(read.model.config == trained.model.config)
        #expect((read.startSummary == nil) == (kind == .table))
        #expect((read.context == nil) == (kind == .table))
        // As pr-route sees the graph for the test split: validation nodes observed.
        let data = try RoutingData(graph: graph, routing: true, validationObserved: true)
        let cache = try RoutingCache(read, data: data, name: "m.prw")
        let test = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .test }
        let cached = PredictionContext(routing: data, model: read.model, cached: cache).predict(model: read.model, targets: test, context: cache.states)
        let fresh = PredictionContext(routing: data, model: read.model, cached: RoutingCache()).predict(model: read.model, targets: test)
        let (a, b) = (cached.flatMap { $0 }, fresh.flatMap { $0 })
        #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }

    /// Where the query text says nothing (zero features: the text regression is zero).
    @Test func untrainedAnchoredModelRoutesAsTheUserTaskTable() throws {
        var graph = try ModelTests.oppositeUsers(queries: 30)
        graph.features!.query = Matrix(rows: graph.queryIDs.count, cols: 16)
        let data = try RoutingData(graph: graph, routing: true)
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let test = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .test }
        var table = ModelTests.config(.table, data: data)
        table.tableLevel = .userTask
        let anchored = context.predict(model: RouterModel(config: ModelTests.config(.anchored, data: data), seed: 3), targets: test)
        let tabled = context.predict(model: RouterModel(config: table, seed: 0), targets: test)
        func argmax(_ scores: [Float]) -> Int { scores.indices.max { scores[$0] < scores[$1] }! }
        #expect(anchored.map(argmax) == tabled.map(argmax))
        #expect(context.evaluate(model: RouterModel(config: table, seed: 0), nodes: test).hits == test.count)
    }

    @Test func anchoredLossGradientMatchesFiniteDifferences() throws {
        let graph = try ModelTests.oppositeUsers(queries: 6)
        let data = try RoutingData(graph: graph, routing: false)
        var model = RouterModel(config: ModelTests.config(.anchored, data: data), seed: 5)
        // Predictions away from zero; the weights' map starts at zero so that the choice
        // loss's stop-gradient into the predictions is exact for the finite differences too
        // (their gradients still flow: the weights' map is linear in V and v).
        var generator = SplitMix64(seed: 4)
        for (p, name) in model.parameters.names.enumerated() {
            if name == "head.Wo" || name == "head.bo" {
                for i in model.parameters.values[p].data.indices { model.parameters.values[p].data[i] = Float(generator.unit()) - 0.5 }
            }
            if name == "anchor.V" || name == "anchor.v" {
                for i in model.parameters.values[p].data.indices { model.parameters.values[p].data[i] = 0 }
            }
        }
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let batch = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .train }
        func loss(_ model: RouterModel) -> (Float, [Matrix]) {
            var generator = SplitMix64(seed: 9)
            let tape = Tape()
            let loss = context.anchoredLoss(model: model, tape: tape,
                                            batch: context.anchoredBatch(model: model, targets: batch, fanout: 3, generator: &generator),
                                            outcomeWeight: 5)
            tape.backward(from: loss)
            return (tape.value(loss).data[0], tape.parameterGradients(shapes: model.parameters.shapes))
        }
        let checked = ModelTests.checkParameterGradients(&model, every: 3, loss: loss)
        #expect(checked > 100)
        #expect(model.parameters.names.contains("anchor.c") && model.parameters.names.contains("head.Wq"))
    }

    @Test func trainingKeepsTheTableUnlessTheCorrectionBeatsIt() throws {
        let graph = try ModelTests.oppositeUsers(queries: 40)
        var config = ModelConfig()
        config.hidden = 8
        let trained = try Trainer.train(graph: graph, config: config, options: ModelTests.quickOptions(epochs: 10)) { _ in }
        let table = try #require(trained.tableValidation)
        // The table is perfect here: nothing can beat it significantly, so it is kept.
        #expect(table.figure == trained.bestValidation && !trained.isWorseThanTable(significance: 2))
        #expect(trained.bestEpoch == 0)
        // Node by node against that table: the same figure, so no difference.
        let gap = try #require(trained.tableGap)
        #expect(abs(gap.difference - (trained.bestValidation - table.figure)) < 1e-12 && gap.standardError >= 0)
    }

    /// The warning that a model is below the table on validation needs the gap to exceed
    /// `significance` standard errors of the difference; without a known difference, any
    /// gap counts; the table model itself is never below itself.
    @Test func belowTheTableCountsOnlyBeyondItsStandardErrors() throws {
        let graph = try ModelTests.oppositeUsers(queries: 40)
        var config = ModelConfig()
        config.hidden = 8
        var trained = try Trainer.train(graph: graph, config: config, options: ModelTests.quickOptions(epochs: 2)) { _ in }
        trained.tableValidation = (.user, trained.bestValidation + 0.03)
        trained.tableGap = (-0.03, 0.02)
        #expect(!trained.isWorseThanTable(significance: 2) && trained.isWorseThanTable(significance: 1))
        trained.tableGap = (-0.03, 0.01)
        #expect(trained.isWorseThanTable(significance: 2))
        trained.tableGap = nil
        #expect(trained.isWorseThanTable(significance: 2))
        trained.tableValidation = (.user, trained.bestValidation - 0.03)
        #expect(!trained.isWorseThanTable(significance: 2))
        var table = config
        table.kind = .table
        var tableModel = try Trainer.train(graph: graph, config: table, options: ModelTests.quickOptions(epochs: 2)) { _ in }
        tableModel.tableValidation = (.user, tableModel.bestValidation + 0.03)
        tableModel.tableGap = (-0.03, 0.001)
        #expect(!tableModel.isWorseThanTable(significance: 2))
    }
}
