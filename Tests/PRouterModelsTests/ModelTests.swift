import Foundation
import Testing
import PRouterAutodiff
import PRouterEmbedding
import PRouterGraph
import PRouterIO
@testable import PRouterModels
import PRouterTestSupport

@Suite struct ModelTests {
    /// Two users with opposite preferences over two tasks' queries: "saver" (alpha 0.1,
    /// beta 0.9) always prefers the cheap LLM, "spender" (alpha 1, beta 0) the strong one.
    static func oppositeUsers(queries: Int = 40, seed: UInt64 = 3) throws -> Graph {
        var lines: [String] = []
        for q in 0..<queries {
            let task = q % 2 == 0 ? "math" : "chat"
            lines.append(responseLine("q\(q)", "cheap", perf: 0.3 + Double(q % 5) / 50, cost: 0.001, task: task))
            lines.append(responseLine("q\(q)", "strong", perf: 0.9, cost: 0.05 + Double(q % 3) / 100, task: task))
            lines.append(responseLine("q\(q)", "middle", perf: 0.55, cost: 0.03, task: task))
        }
        return try graph(lines, users: [("saver", 0.1, 0.9), ("spender", 1.0, 0.0)], seed: seed)
    }

    /// The cost-mode graph of `users` (id, alpha, beta) over response lines, split with
    /// `seed`, with hashed-text features of width 16.
    static func graph(_ lines: [String], users: [(String, Double, Double)], seed: UInt64) throws -> Graph {
        let text = try simulate(lines, users: users)
        var builder = GraphBuilder()
        for interaction in try decodeLines(text, Interaction.init) { try builder.add(interaction) }
        var options = GraphBuildOptions()
        options.seed = seed
        return embedded(try builder.build(options))
    }

    /// `graph` with hashed-text features of width 16.
    static func embedded(_ graph: Graph) -> Graph {
        var graph = graph
        let encoder = TextEncoder(dimension: 16)
        graph.features = NodeFeatures(
            encoder: encoder.name, dimension: 16,
            task: Matrix(rows: graph.tasks.count, cols: 16, data: graph.tasks.flatMap { encoder.encode($0) }),
            query: Matrix(rows: graph.queryIDs.count, cols: 16, data: graph.queryTexts.flatMap { encoder.encode($0) }),
            llm: Matrix(rows: graph.llms.count, cols: 16 + 3, data: graph.llms.flatMap { encoder.encode($0) + [0, 0, 0] }))
        return graph
    }

    static func quickOptions(epochs: Int = 60) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = 8
        options.learningRate = 0.01
        options.patience = epochs
        options.seed = 1
        return options
    }

    /// A `kind` model's configuration for `data`, hidden width 4.
    static func config(_ kind: ModelKind, data: RoutingData) -> ModelConfig {
        var config = ModelConfig()
        config.kind = kind
        config.hidden = 4
        config.mode = data.mode
        config.queryWidth = data.queryFeatures.cols
        config.taskWidth = data.taskFeatures.cols
        config.llmWidth = data.llmFeatures.cols
        config.llmCount = data.llmIDs.count
        return config
    }

    /// Checks every `every`-th element of each parameter's analytic gradient (`loss`'s
    /// second value) against central finite differences; returns how many were checked.
    /// Expects `loss`'s parameter gradients to match finite differences at every
    /// `every`-th element of each parameter; returns how many were checked.
    static func checkParameterGradients(_ model: inout RouterModel, every: Int,
                                        loss: (RouterModel) -> (Float, [Matrix])) -> Int {
        var probe = model
        let (mismatches, checked) = GradientCheck.mismatches(model.parameters.values, epsilon: 5e-3, tolerance: 2e-2,
                                                             stride: every) { values in
            probe.parameters.values = values
            return loss(probe)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map { "\(model.parameters.names[$0.input]): \($0)" })")
        return checked
    }

    @Test func learnsOppositeUsersPerfectly() throws {
        let graph = try Self.oppositeUsers()
        var config = ModelConfig()
        config.hidden = 16
        let trained = try Trainer.train(graph: graph, config: config, options: Self.quickOptions()) { _ in }
        let data = try RoutingData(graph: graph, routing: true)
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let test = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .test }
        #expect(test.count == 16)
        let outcome = context.evaluate(model: trained.model, nodes: test)
        #expect(outcome.hits == outcome.count)
    }

    @Test func wholeModelGradientMatchesFiniteDifferences() throws {
        let graph = try Self.oppositeUsers(queries: 6)
        let data = try RoutingData(graph: graph, routing: false)
        var config = Self.config(.personalized, data: data)
        config.layers = 2
        var model = RouterModel(config: config, seed: 5)
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let batch = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .train }
        func loss(_ model: RouterModel) -> (Float, [Matrix]) {
            var generator = SplitMix64(seed: 9)
            let tape = Tape()
            let scores = context.scores(model: model, tape: tape, targets: batch, fanout: 3, generator: &generator)
            let loss = Trainer.lossVariable(tape: tape, scores: scores, batch: batch, data: data, kind: .softmax)
            tape.backward(from: loss)
            return (tape.value(loss).data[0], tape.parameterGradients(shapes: model.parameters.shapes))
        }
        let checked = Self.checkParameterGradients(&model, every: 7, loss: loss)
        #expect(checked > 100)
    }

    @Test func targetsDoNotSeeTheirOwnOutcomes() throws {
        var graph = try Self.oppositeUsers(queries: 10)
        var config = ModelConfig()
        config.hidden = 8
        let trained = try Trainer.train(graph: graph, config: config, options: Self.quickOptions(epochs: 3)) { _ in }
        let node = graph.nodeSplit.firstIndex(of: .train)!
        func scores(_ graph: Graph) throws -> [Float] {
            let data = try RoutingData(graph: graph, routing: false)
            var generator = SplitMix64(seed: 0)
            let tape = Tape()
            return tape.value(PredictionContext(data: data, llmCount: data.llmIDs.count).scores(model: trained.model, tape: tape, targets: [node],
                                                                     fanout: nil, generator: &generator)).data
        }
        let before = try scores(graph)
        // Rotate the target's outcomes (performance, cost, reward, best) among its own edges:
        // its label changes, the per-task normalization ranges do not.
        let edges = Array(graph.edgeStarts()[node]..<graph.edgeStarts()[node + 1])
        let rotated = edges.dropFirst() + [edges[0]]
        let original = graph
        for (edge, source) in zip(edges, rotated) {
            graph.edgeBest[edge] = original.edgeBest[source]
            graph.edgePerformance[edge] = original.edgePerformance[source]
            graph.edgeCost[edge] = original.edgeCost[source]
            graph.edgeReward[edge] = original.edgeReward[source]
        }
        #expect(graph.edgeBest != original.edgeBest)
        let after = try scores(graph)
        #expect(zip(before, after).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test(arguments: [ModelKind.personalized, .graphrouter])
    func cachedContextGivesTheExactScores(kind: ModelKind) throws {
        let graph = try Self.oppositeUsers()
        var config = ModelConfig()
        config.kind = kind
        config.hidden = 8
        let trained = try Trainer.train(graph: graph, config: config, options: Self.quickOptions(epochs: 5)) { _ in }
        // As pr-route sees the graph for the test split: validation nodes observed.
        let data = try RoutingData(graph: graph, routing: true, validationObserved: true)
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let test = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .test }
        var generator = SplitMix64(seed: 0)
        let tape = Tape()
        let full = tape.value(context.scores(model: trained.model, tape: tape, targets: test, fanout: nil, generator: &generator))
        let cached = context.predict(model: trained.model, targets: test).flatMap { $0 }
        #expect(full.data.count == cached.count)
        #expect(zip(full.data, cached).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) })
        // The context stored at the end of training for the graph file gives the same scores.
        let stored = try Trainer.train(graph: graph, fingerprint: 7, config: config, options: Self.quickOptions(epochs: 5)) { _ in }
        #expect(stored.graphFingerprint == 7)
        let scratch = try Scratch()
        try stored.write(to: scratch.path("m.prw"))
        let read = try TrainedModel.read(from: scratch.path("m.prw"))
        #expect(read.context == stored.context && read.graphFingerprint == 7)
        #expect(context.predict(model: read.model, targets: test, context: read.context) == context.predict(model: read.model, targets: test))
        // One target's scores do not depend on the others routed with it.
        #expect(context.predict(model: trained.model, targets: [test[3]])[0] == context.predict(model: trained.model, targets: test)[3])
        // Predicted a few targets at a time, chunks in parallel: the same scores (to sgemm's
        // rounding, which depends on the matrix sizes), in input order.
        #expect(test.count > 4)
        let chunked = context.predict(model: trained.model, targets: test, chunk: 2).flatMap { $0 }
        let whole = context.predict(model: trained.model, targets: test).flatMap { $0 }
        #expect(chunked.count == whole.count && zip(chunked, whole).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }

    @Test func trainingIsDeterministicAndWeightsRoundTrip() throws {
        let graph = try Self.oppositeUsers(queries: 12)
        var config = ModelConfig()
        config.hidden = 8
        config.dropout = 0.2
        let first = try Trainer.train(graph: graph, config: config, options: Self.quickOptions(epochs: 4)) { _ in }
        let second = try Trainer.train(graph: graph, config: config, options: Self.quickOptions(epochs: 4)) { _ in }
        #expect(first.model.parameters == second.model.parameters)
        let scratch = try Scratch()
        try first.write(to: scratch.path("a.prw"))
        try second.write(to: scratch.path("b.prw"))
        #expect(try FileIO.readAll(path: scratch.path("a.prw")) == FileIO.readAll(path: scratch.path("b.prw")))
        let read = try TrainedModel.read(from: scratch.path("a.prw"))
        #expect(read.model.parameters == first.model.parameters && read.model.config == first.model.config)
        #expect(read.llms == graph.llms && read.bestEpoch == first.bestEpoch)
        var bytes = try FileIO.readAll(path: scratch.path("a.prw"))
        bytes[bytes.count - 9] ^= 1
        #expect(errorMessage { _ = try SectionFile(decoding: bytes, name: "a.prw", expecting: .weights) }?
            .contains("a.prw: corrupted: checksum mismatch") == true)
        #expect(errorMessage { _ = try Graph.read(from: scratch.path("a.prw")) } == "a.prw: not a prouter graph file (bad magic)")
    }

    /// The registry is the one list of models: names are unique and round-trip, every
    /// model routes either query nodes or conversation turns, and a weights file naming
    /// a model that is not registered is refused with one line.
    @Test func theRegistryNamesEveryModelOnce() throws {
        let names = ModelKind.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count && names.count == ModelKind.registry.count)
        for kind in ModelKind.allCases {
            #expect(ModelKind(rawValue: kind.rawValue) == kind && !kind.summary.isEmpty)
            #expect((kind.type is any QueryRoutingModel.Type) != kind.readsConversations)
        }
        #expect(ModelKind(rawValue: "gnn") == nil)
        let graph = try Self.oppositeUsers(queries: 8)
        var config = ModelConfig()
        config.kind = .table
        let trained = try Trainer.train(graph: graph, config: config, options: Self.quickOptions(epochs: 1)) { _ in }
        let scratch = try Scratch()
        try trained.write(to: scratch.path("t.prw"))
        // The same file with another model name (sections rebuilt, so that the checksum holds).
        let file = try SectionFile(decoding: try FileIO.readAll(path: scratch.path("t.prw")), name: "t.prw", expecting: .weights)
        var sections = file.sections
        let conf = sections.firstIndex { $0.tag == "CONF" }!
        let renamed = Array(String(decoding: sections[conf].bytes, as: UTF8.self).replacingOccurrences(of: "\"table\"", with: "\"tabla\"").utf8)
        sections[conf] = SectionFile.Section(tag: "CONF", kind: .json, count: renamed.count, bytes: renamed)
        try FileIO.writeAtomically(SectionFile(.weights, sections: sections).encoded(), to: scratch.path("u.prw"))
        #expect(errorMessage { _ = try TrainedModel.read(from: scratch.path("u.prw")) } == "u.prw:1: field \"model\": unknown")
    }

    @Test(arguments: ModelKind.allCases.filter { !$0.readsConversations })
    func everyModelKindTrainsAndBeatsRandom(kind: ModelKind) throws {
        let graph = try Self.oppositeUsers()
        var config = ModelConfig()
        config.kind = kind
        config.hidden = 16
        let trained = try Trainer.train(graph: graph, config: config, options: Self.quickOptions(epochs: 30)) { _ in }
        let data = try RoutingData(graph: graph, routing: true)
        let test = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .test }
        let outcome = PredictionContext(data: data, llmCount: data.llmIDs.count).evaluate(model: trained.model, nodes: test)
        // Without users, half of the test pairs (one user's) are the best a model can do.
        #expect(Double(outcome.hits) / Double(outcome.count) >= (kind == .personalized ? 1 : 0.5))
    }

    @Test func encoderIsDeterministicAndNormalized() {
        let encoder = TextEncoder(dimension: 32)
        let a = encoder.encode("How many apples does Ava have now?")
        #expect(a == encoder.encode("How many apples does Ava have now?"))
        #expect(abs(a.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(encoder.encode("...") == [Float](repeating: 0, count: 32))
        #expect(TextEncoder.words("Hello, World-2026!") == ["hello", "world", "2026"])
    }

    /// Each row of a row-stable product is the same bytes computed alone or among other
    /// rows in any order; and it is the product.
    @Test(arguments: [false, true])
    func rowStableProductsDoNotDependOnTheBatch(transposeB: Bool) {
        let a = GradientCheck.input(45, 37, seed: 5)
        let b = GradientCheck.input(transposeB ? 23 : 37, transposeB ? 37 : 23, seed: 6)
        let batch = BLAS.rowStableProduct(a, b, transposeB: transposeB)
        let reference = BLAS.product(a, b, transposeB: transposeB)
        #expect(zip(batch.data, reference.data).allSatisfy { abs($0 - $1) < 1e-4 })
        let reversed = BLAS.rowStableProduct(a.rowsGathered((0..<45).reversed().map { Int32($0) }), b, transposeB: transposeB)
        for row in 0..<45 {
            let alone = BLAS.rowStableProduct(a.rowsGathered([Int32(row)]), b, transposeB: transposeB)
            #expect(alone.data == Array(batch.data[row * 23..<(row + 1) * 23]))
            #expect(alone.data == Array(reversed.data[(44 - row) * 23..<(45 - row) * 23]))
        }
        // A row-stable tape's matmul is that product.
        if !transposeB {
            let tape = Tape(recording: false, rowStable: true)
            #expect(tape.value(tape.matmul(tape.constant(a), tape.constant(b))).data == batch.data)
        }
    }
}
