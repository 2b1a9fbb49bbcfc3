import Foundation
import Testing
import PRouterAutodiff
import PRouterGraph
import PRouterIO
@testable import PRouterModels
import PRouterTestSupport

/// The GMTRouter model: gradients, routing semantics and the multi-turn pipeline.
@Suite struct GMTTests {
    /// A tiny view: 2 users, 3 LLMs, a two-turn conversation and a one-turn one, the
    /// second turn hidden as a training target.
    static func tinyModel(kind: ModelKind = .gmtPaper) -> (RouterModel, TurnGraph) {
        let llmFeatures = GradientCheck.input(3, 4, seed: 31)
        var graph = TurnGraph(llmFeatures: llmFeatures, queryWidth: 3)
        let alice = graph.addUser(), bob = graph.addUser()
        func response(_ llm: Int32, _ seed: UInt64, _ feedback: ConversationGraph.Feedback) -> TurnGraph.ResponseItem {
            TurnGraph.ResponseItem(llm: llm, text: GradientCheck.input(1, 3, seed: seed).data,
                                   signals: [0.2 + Float(seed % 5) / 10, Float(seed % 3), .nan], feedback: feedback, rating: .nan)
        }
        let first = graph.addTurn(user: alice, previous: -1, number: 0, query: GradientCheck.input(1, 3, seed: 40).data,
                                  responses: [response(0, 41, .preferred), response(2, 42, .rejected)])
        graph.addTurn(user: alice, previous: first, number: 1, query: GradientCheck.input(1, 3, seed: 43).data,
                      responses: [response(1, 44, .rejected), response(2, 45, .preferred)])
        graph.addTurn(user: bob, previous: -1, number: 0, query: GradientCheck.input(1, 3, seed: 46).data,
                      responses: [response(0, 47, .rejected), response(1, 48, .preferred)])
        var config = ModelConfig()
        config.kind = kind
        config.hidden = 3
        config.layers = 2
        config.queryWidth = 3
        config.llmWidth = 4
        config.responseWidth = graph.responseWidth
        config.llmCount = 3
        config.encoder = "hashed"
        var model = RouterModel(config: config, seed: 5)
        for (i, name) in model.parameters.names.enumerated() where name.contains(".prior.") || name.contains(".gate.") || name == "gate" {
            model.parameters.values[i].data[0] = 0.7 + Float(i % 3) * 0.2
        }
        return (model, graph)
    }

    @Test(arguments: [ModelKind.gmtPaper, .gmt])
    func wholeNetworkAgainstFiniteDifferences(kind: ModelKind) {
        let (model, graph) = Self.tinyModel(kind: kind)
        let network = model.gmt!
        // The anchored model's priors: the gate (non-zero here) and prior weights get gradients too.
        let priors = kind == .gmt ? GradientCheck.input(5, TurnPriors.width, seed: 77) : nil
        let mismatches = GradientCheck.mismatches(of: { tape, variables in
            let parameters = ParameterReader(tape: tape, variables: variables)
            let states = network.encode(tape: tape, parameters: parameters, graph: graph, hidden: [false, true, false]).states
            let scores = network.scores(tape: tape, parameters: parameters, states: states, graph: graph,
                                        turns: [1, 1, 1, 0, 0], llms: [0, 1, 2, 0, 2], priors: priors)
            return tape.candidateCrossEntropy(scores, offsets: [0, 3, 5], targets: [2, 0])
        }, at: model.parameters.values, tolerance: 3e-2)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func hiddenTurnsFeedbackDoesNotReachItsScores() {
        let (model, graph) = Self.tinyModel()
        func scores(_ graph: TurnGraph) -> [Float] {
            let tape = Tape()
            let parameters = model.registeredParameters(tape)
            let states = model.gmt!.encode(tape: tape, parameters: parameters, graph: graph, hidden: [false, true, false]).states
            return tape.value(model.gmt!.scores(tape: tape, parameters: parameters, states: states, graph: graph,
                                                turns: [1, 1], llms: [1, 2])).data
        }
        var flipped = graph
        // Turn 1's responses are rows 2 and 3: swap which one the user preferred.
        let feedback = graph.responseWidth - 5
        flipped.responseInput[2 * graph.responseWidth + feedback] = 1
        flipped.responseInput[3 * graph.responseWidth + feedback] = -1
        #expect(scores(flipped) == scores(graph))
        var earlier = graph
        earlier.responseInput[0 * graph.responseWidth + feedback] = -1
        earlier.responseInput[1 * graph.responseWidth + feedback] = 1
        #expect(scores(earlier) != scores(graph))
    }

    @Test func samplerKeepsTheBatchUsersTurnsWhole() {
        let (model, graph) = Self.tinyModel()
        let sampler = TurnSampler(base: graph)
        // Bob's turn alone: one user, his one turn with its two responses, every LLM.
        let (bob, bobRows) = sampler.subgraph(around: [2])
        #expect(bob.userCount == 1 && bob.turnCount == 1 && bob.responseCount == 2 && bobRows == [0])
        #expect(bob.queryInput == Array(graph.queryInput[6..<9]) && bob.responseInput == Array(graph.responseInput[(4 * graph.responseWidth)...]))
        #expect(bob.llmFeatures == graph.llmFeatures && bob.turnPrevious == [-1])
        // Alice's second turn brings her whole conversation, chained as in the base.
        let (alice, aliceRows) = sampler.subgraph(around: [1])
        #expect(alice.turnCount == 2 && alice.turnPrevious == [-1, 0] && aliceRows == [1])
        #expect(alice.responseInput == Array(graph.responseInput[0..<(4 * graph.responseWidth)]))
        // Every user's turns: the base itself, in the batch's user order.
        let (whole, rows) = sampler.subgraph(around: [0, 2, 1])
        #expect(whole.turnUser == graph.turnUser && whole.responseInput == graph.responseInput && rows == [0, 2, 1])
        // A target's user, turn and query states are the whole graph's (up to BLAS rounding
        // on matrices of another size; only the LLMs' states, which read every response,
        // see fewer of them).
        func states(_ view: TurnGraph, hidden: [Bool]) -> [Matrix] {
            let tape = Tape()
            return model.gmt!.encode(tape: tape, parameters: model.registeredParameters(tape), graph: view, hidden: hidden).states.map { tape.value($0) }
        }
        let sampled = states(alice, hidden: [false, true]), full = states(graph, hidden: [false, true, false])
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 } }
        #expect(close(sampled[TurnGraph.user].elements(ofRow: 0), full[TurnGraph.user].elements(ofRow: 0)))
        for type in [TurnGraph.turn, TurnGraph.query] {
            #expect(close(sampled[type].data, Array(full[type].data[0..<sampled[type].data.count])))
        }
        #expect(!close(sampled[TurnGraph.llm].data, full[TurnGraph.llm].data))
    }

    /// The first users' conversations of the example world, labelled.
    static func smallWorld(_ scratch: Scratch, users: Int = 5) throws -> String {
        let data = examplesDirectory + "/data"
        let result = try runTool("pr-sim", ["multi-turn", "--users", "\(data)/conversation-users.jsonl", "\(data)/conversations.jsonl"])
        #expect(result.status == 0)
        let keep = Set((1...users).map { String(format: "conv-user-%02d", $0) })
        let lines = result.out.split(separator: "\n").filter { line in keep.contains { line.contains("\"user\":\"\($0)\"") } }
        return try scratch.file("labelled.jsonl", lines.joined(separator: "\n") + "\n")
    }

    @Test func pipelineTrainsDeterministicallyAndRoutesTestTurnsOnce() throws {
        let scratch = try Scratch()
        let labelled = try Self.smallWorld(scratch)
        let llms = examplesDirectory + "/data/llms.jsonl"
        #expect(try runTool("pr-build-graph", ["--multi-turn", "--seed", "3", "-o", scratch.path("g.prg"), labelled]).status == 0)
        #expect(try runTool("pr-embed", ["--llms", llms, "--dim", "16", "--in-place", scratch.path("g.prg")]).status == 0)
        for name in ["a.prw", "b.prw"] {
            let trained = try runTool("pr-train", ["--model", "gmt", "--hidden", "8", "--layers", "2", "--epochs", "3", "--batch-size", "64",
                                                   "-q", "-o", scratch.path(name), scratch.path("g.prg")])
            #expect(trained.status == 0, "\(trained.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("a.prw"))) == Data(contentsOf: URL(fileURLWithPath: scratch.path("b.prw"))))
        let routed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("a.prw"), "--split", "test"])
        #expect(routed.status == 0, "\(routed.err)")
        let graph = try ConversationGraph.read(from: scratch.path("g.prg"))
        let testTurns = Set((0..<graph.turnCount).filter { graph.turnSplit[$0] == .test }.map { graph.queryID(ofTurn: $0) })
        let routes = try decodeLines(routed.out) { try Route($0) }
        #expect(!testTurns.isEmpty && routes.count == testTurns.count && Set(routes.map(\.queryID)) == testTurns)
        let evaluated = try runTool("pr-eval", ["--truth", labelled], stdin: routed.out)
        #expect(evaluated.status == 0 && evaluated.out.contains("\"accuracy\""), "\(evaluated.err)")
        // --export-queries lists the same test turns, with their ids, for pr-eval --queries.
        let exported = try runTool("pr-build-graph", ["--export-queries", "test", scratch.path("g.prg")])
        #expect(exported.status == 0, "\(exported.err)")
        let exportedTurns = try decodeLines(exported.out) { record in
            (try record.string("query_id"), try record.string("conversation_id"), try record.integer("turn"))
        }
        #expect(exportedTurns.count == testTurns.count && Set(exportedTurns.map(\.0)) == testTurns)
        #expect(exportedTurns.allSatisfy { $0.0 == "\($0.1)#\($0.2)" })
        let baselines = try runTool("pr-eval", ["--truth", labelled, "--queries", try scratch.file("turns.jsonl", exported.out)])
        #expect(baselines.status == 0 && baselines.err.isEmpty && baselines.out.contains("\"history-blend\""), "\(baselines.err)")
        // The same turns routed from standard input with --every-turn give the same routes.
        let testLines = try String(contentsOfFile: labelled, encoding: .utf8).split(separator: "\n").filter { line in
            testTurns.contains { id in
                let parts = id.split(separator: "#")
                return line.contains("\"conversation_id\":\"\(parts[0])\"")
            }
        }
        let replayed = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("a.prw"), "--every-turn"],
                                   stdin: testLines.joined(separator: "\n") + "\n")
        #expect(replayed.status == 0, "\(replayed.err)")
        // (Equal up to float rounding: BLAS may sum a row differently in another batch.)
        func scores(_ text: String) throws -> [String: [String: Double]] {
            var result: [String: [String: Double]] = [:]
            try JSONLReader(path: try scratch.file("scores.jsonl", text)).forEach { record in
                let object = try record.object("scores")
                var scores: [String: Double] = [:]
                for llm in graph.llms where object.has(llm) { scores[llm] = try object.number(llm) }
                result[try record.string("query_id")] = scores
            }
            return result
        }
        let fromSplit = try scores(routed.out), fromInput = try scores(replayed.out)
        #expect(fromSplit.keys.sorted() == fromInput.keys.sorted())
        for (id, expected) in fromSplit {
            #expect(expected.keys.sorted() == fromInput[id]?.keys.sorted())
            #expect(expected.allSatisfy { abs($0.value - (fromInput[id]?[$0.key] ?? .nan)) < 1e-4 }, "\(id)")
        }
        #expect(replayed.out.split(separator: "\n").count == routes.count)
        // A baseline trains on the single-turn view of the same graph and routes the same turns.
        #expect(try runTool("pr-train", ["--model", "graphrouter", "--epochs", "2", "-q", "-o", scratch.path("g.prw"), scratch.path("g.prg")]).status == 0)
        let baseline = try runTool("pr-route", ["--graph", scratch.path("g.prg"), "--weights", scratch.path("g.prw"), "--split", "test"])
        #expect(Set(try decodeLines(baseline.out) { try Route($0) }.map(\.queryID)) == testTurns)
    }

    @Test func weightsOfThePapersModelWrittenAsGmtLoadAsGmtPaper() throws {
        let scratch = try Scratch()
        var (model, _) = Self.tinyModel()
        model.config.kind = .gmt  // as files written before the anchored gmt name it
        let trained = TrainedModel(model: model, llms: ["a", "b", "c"], tasks: [], bestEpoch: 1, bestValidation: 0.5, epochsRun: 1,
                                   graphFingerprint: nil, context: nil)
        try trained.write(to: scratch.path("old.prw"))
        let read = try TrainedModel.read(from: scratch.path("old.prw"))
        #expect(read.model.config.kind == .gmtPaper && read.model.parameters == model.parameters && read.model.gmt?.anchor == nil)
        let (anchored, _) = Self.tinyModel(kind: .gmt)
        try TrainedModel(model: anchored, llms: ["a", "b", "c"], tasks: [], bestEpoch: 0, bestValidation: 0.5, epochsRun: 1,
                         graphFingerprint: nil, context: nil).write(to: scratch.path("new.prw"))
        #expect(try TrainedModel.read(from: scratch.path("new.prw")).model.config.kind == .gmt)
    }

    @Test func gmtWeightsFromBeforeTheResponseTastePriorsLoadWithoutThem() throws {
        let scratch = try Scratch()
        var (model, _) = Self.tinyModel(kind: .gmt)
        let prior = try #require(model.parameters.names.firstIndex(of: "prior.w"))
        let old = (0..<TurnPriors.tasteColumns.lowerBound).map { Float($0 + 1) / 10 }
        model.parameters.values[prior] = Matrix(rows: old.count, cols: 1, data: old)  // as files before them hold it
        try TrainedModel(model: model, llms: ["a", "b", "c"], tasks: [], bestEpoch: 0, bestValidation: 0.5, epochsRun: 1,
                         graphFingerprint: nil, context: nil).write(to: scratch.path("old.prw"))
        let read = try TrainedModel.read(from: scratch.path("old.prw")).model.parameters.values[prior]
        #expect(read.rows == TurnPriors.width && read.data == old + [Float](repeating: 0, count: ResponseTaste.width))
    }

    @Test func supportAttachesNewUsersAndIsCheckedAgainstTrainingUsers() throws {
        let scratch = try Scratch()
        let labelled = try Self.smallWorld(scratch, users: 4)
        let llms = examplesDirectory + "/data/llms.jsonl"
        #expect(try runTool("pr-build-graph", ["--multi-turn", "--new-user", "conv-user-01", "--shots", "0", "-o", scratch.path("g.prg"), labelled]).status == 0)
        #expect(try runTool("pr-embed", ["--llms", llms, "--dim", "16", "--in-place", scratch.path("g.prg")]).status == 0)
        #expect(try runTool("pr-train", ["--model", "gmt", "--hidden", "8", "--epochs", "2", "-q", "-o", scratch.path("m.prw"), scratch.path("g.prg")]).status == 0)
        let lines = try String(contentsOfFile: labelled, encoding: .utf8).split(separator: "\n").map(String.init)
        let newUser = lines.filter { $0.contains("conv-user-01-c01\"") || $0.contains("conv-user-01-c02\"") }
        let target = lines.filter { $0.contains("conv-user-01-c16\"") }
        let base = ["--graph", scratch.path("g.prg"), "--weights", scratch.path("m.prw")]
        let unknown = try runTool("pr-route", base, stdin: target.joined(separator: "\n") + "\n")
        #expect(unknown.status == 65 && unknown.err.contains("unknown user \"conv-user-01\""))
        let support = try scratch.file("support.jsonl", newUser.joined(separator: "\n") + "\n")
        let routed = try runTool("pr-route", base + ["--support", support], stdin: target.joined(separator: "\n") + "\n")
        #expect(routed.status == 0, "\(routed.err)")
        #expect(routed.out.split(separator: "\n").count == 1 && routed.out.contains("\"conversation_id\":\"conv-user-01-c16\""))
        // Support shapes the new user: other support, other scores.
        let other = try scratch.file("other.jsonl", lines.filter { $0.contains("conv-user-01-c03\"") }.joined(separator: "\n") + "\n")
        let changed = try runTool("pr-route", base + ["--support", other], stdin: target.joined(separator: "\n") + "\n")
        #expect(changed.status == 0 && changed.out != routed.out)
        let known = try scratch.file("known.jsonl", lines.filter { $0.contains("conv-user-02-c01\"") }.joined(separator: "\n") + "\n")
        let refused = try runTool("pr-route", base + ["--support", known], stdin: target.joined(separator: "\n") + "\n")
        #expect(refused.status == 65 && refused.err.contains("--support is for users who are not"))
    }
}
