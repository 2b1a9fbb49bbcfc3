import Foundation
import Testing
import PRouterAutodiff
import PRouterGraph
import PRouterIO
@testable import PRouterModels
import PRouterTestSupport

/// The bag-of-words view of the text regression, the ridge baseline, the anchored
/// model's cross-validated start and standard errors clustered by query.
@Suite struct RidgeTests {
    /// The opposite-users graph whose query texts name `q mod 5` in a word ("level3")
    /// among fillers, and whose embeddings are noise: only the words predict the cheap
    /// LLM's performance (0.3 + (q mod 5) / 50).
    static func wordsGraph(queries: Int = 60) throws -> Graph {
        var graph = try ModelTests.oppositeUsers(queries: queries)
        var generator = SplitMix64(seed: 6)
        let fillers = ["please", "the", "about", "some", "question"]
        graph.queryTexts = graph.queryIDs.map { id in
            let q = Int(id.dropFirst())!
            return "\(fillers[q % 3]) level\(q % 5) \(fillers[(q / 3) % 5]) level\(q % 5)"
        }
        let width = graph.features!.query.cols
        graph.features!.query = Matrix(rows: graph.queryIDs.count, cols: width,
                                       data: (0..<graph.queryIDs.count * width).map { _ in Float(generator.unit()) - 0.5 })
        return graph
    }

    @Test func vocabularyKeepsWordsOfTwoOrMoreTextsAndRoundTrips() throws {
        let vocabulary = WordVocabulary(texts: ["Alpha beta", "beta, gamma!", "gamma delta delta"])
        #expect(vocabulary.count == 2)
        let counts = vocabulary.counts("BETA beta gamma epsilon")
        #expect(counts.map(\.count).sorted() == [1, 2])
        #expect(Set(counts.map(\.column)) == [0, 1])
        #expect(vocabulary.counts("alpha delta").isEmpty)
        var archive = StateArchive()
        vocabulary.archive(into: &archive)
        var reader = StateArchive.Reader(archive, name: "m.prw")
        #expect(try WordVocabulary(from: &reader) == vocabulary)
        try reader.finish()
        // Hashes must be strictly increasing: a swapped pair is a corrupted file.
        var swapped = archive
        swapped.counts.swapAt(1, 3)
        swapped.counts.swapAt(2, 4)
        var bad = StateArchive.Reader(swapped, name: "m.prw")
        #expect(throws: DataError.self) { try WordVocabulary(from: &bad) }
    }

    /// `regression` written to an archive and read back for `data`; the view must survive.
    static func roundTripped(_ regression: TextOutcomeRegression, data: RoutingData) throws -> TextOutcomeRegression {
        var archive = StateArchive()
        regression.archive(into: &archive)
        var reader = StateArchive.Reader(archive, name: "m.prw")
        let restored = try TextOutcomeRegression(from: &reader, data: data)
        try reader.finish()
        #expect(restored.view == regression.view)
        return restored
    }

    /// Noise embeddings, informative words: the regression reads the words and predicts
    /// unseen queries' outcomes from them; the archive keeps the view. Every text has its
    /// informative word twice, so the weightings differ only where a filler repeats, by
    /// noise: the counts are kept.
    @Test func wordsViewWinsWhereOnlyTheWordsInform() throws {
        let data = try RoutingData(graph: try Self.wordsGraph(), routing: false)
        let regression = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count) { _, _ in (0.5, 0.5) }
        guard case .words(let vocabulary, let weighting) = regression.view else {
            Issue.record("the embedding view was chosen over informative words")
            return
        }
        #expect(weighting == .count)
        #expect(vocabulary.count >= 5)
        TextOutcomeRegressionTests.expectUnseenCheapPredicted(regression, data: data)
        let cheap = data.llmIndex("cheap")!
        let restored = try Self.roundTripped(regression, data: data)
        for node in 0..<data.nodeCount {
            #expect(restored.prediction(node: node, llm: cheap, data: data) == regression.prediction(node: node, llm: cheap, data: data))
        }
    }

    /// Texts that name their topic twice and another topic once: squared counts tell the
    /// two apart better than counts (which weigh the other topic half as much) or
    /// presence (which weighs both alike); the regression picks the squares by their
    /// leave-one-query-out error, and they predict unseen queries best. Each weighting
    /// round-trips through the archive.
    @Test func repeatedTopicWordsAreReadBySquaredCounts() throws {
        var graph = try ModelTests.oppositeUsers(queries: 150)
        graph.queryTexts = graph.queryIDs.map { id in
            let q = Int(id.dropFirst())!
            let other = (q % 5 + 1 + (q / 5) % 4) % 5
            return "level\(q % 5) about level\(other), the level\(q % 5)"
        }
        let data = try RoutingData(graph: graph, routing: false)
        let cheap = data.llmIndex("cheap")!
        let unseen = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .train }
        let vocabulary = WordVocabulary(texts: graph.queryTexts)
        func unseenError(_ regression: TextOutcomeRegression) -> Float {
            unseen.reduce(0) { sum, node in
                let edge = data.edges(of: node).first { Int(data.edgeLLM[$0]) == cheap }!
                let observed = data.edgeInput[edge * RoutingData.edgeInputWidth] - 0.5
                return sum + abs(regression.prediction(node: node, llm: cheap, data: data).0 - observed)
            } / Float(unseen.count)
        }
        let chosen = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count) { _, _ in (0.5, 0.5) }
        guard case .words(_, .squared) = chosen.view else {
            Issue.record("chose \(chosen.view), not the squared counts")
            return
        }
        var errors: [TermWeighting: Float] = [:]
        for weighting in TermWeighting.allCases {
            let regression = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count,
                                                   views: [.words(vocabulary, weighting)]) { _, _ in (0.5, 0.5) }
            errors[weighting] = unseenError(regression)
            #expect(unseenError(try Self.roundTripped(regression, data: data)) == errors[weighting])
        }
        #expect(errors[.squared]! < 0.8 * errors[.count]!)
        #expect(errors[.squared]! < 0.8 * errors[.presence]!)
    }

    /// A query that joins at routing time is predicted from its own words, whatever
    /// their order, case and punctuation: as the unseen queries with the same
    /// informative word are.
    @Test func newQueriesArePredictedFromTheirWords() throws {
        var data = try RoutingData(graph: try Self.wordsGraph(), routing: false)
        let regression = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count) { _, _ in (0.5, 0.5) }
        let cheap = data.llmIndex("cheap")!
        let unseen = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .train && Int(data.nodeQueryID[$0].dropFirst())! % 5 == 4 }
            .filter { data.nodeTask[$0] == 0 }
        #expect(!unseen.isEmpty)
        // The words of an unseen level-4 query, reordered, capitalized and punctuated.
        let words = data.queryTexts[Int(data.nodeQueryRow[unseen[0]])].split(separator: " ").reversed()
        let row = try data.appendQueryRow([Float](repeating: 0, count: data.queryFeatures.cols),
                                          text: words.joined(separator: ", ").uppercased() + "?")
        data.appendNode(user: 0, task: 0, queryRow: row, split: .test, queryID: "new", observed: false,
                        edges: (0..<data.llmIDs.count).map { RoutingData.CandidateEdge(llm: Int32($0)) })
        let predicted = regression.prediction(node: data.nodeCount - 1, llm: cheap, data: data).0
        for node in unseen {
            #expect(abs(regression.prediction(node: node, llm: cheap, data: data).0 - predicted) < 0.05)
        }
    }

    /// Opposite users (one only cares for quality, the other mostly for cost): the ridge
    /// baseline routes each to their LLM on unseen queries, through their fitted weights.
    @Test func ridgeRoutesByEachUsersFittedWeights() throws {
        let graph = try Self.wordsGraph()
        var config = ModelConfig()
        config.kind = .ridge
        let trained = try Trainer.train(graph: graph, fingerprint: 4, config: config, options: ModelTests.quickOptions()) { _ in }
        #expect(trained.epochsRun == 0)
        let data = try RoutingData(graph: graph, routing: true, validationObserved: true)
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let test = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .test }
        let outcome = context.evaluate(model: trained.model, nodes: test)
        #expect(outcome.hits == test.count)
        let scratch = try Scratch()
        try trained.write(to: scratch.path("r.prw"))
        #expect(try TrainedModel.read(from: scratch.path("r.prw")).model.config.kind == .ridge)
    }

    /// LLM "a" beats "b" on levels 3 and 4 only, and the texts name the level: the
    /// tables route a constant choice, the text starts the right one per query, and
    /// cross-validation starts the anchored model from one of them. It runs on the tables
    /// pr-route reads (the validation queries observed too), so the recorded evidence is
    /// theirs, not that of the tables on the training queries alone, with the text
    /// regression's predictions cross-fitted.
    @Test func anchoredStartFollowsInformativeText() throws {
        var lines: [String] = []
        for q in 0..<80 {
            let task = q % 2 == 0 ? "math" : "chat"
            let level = Double(q % 5)
            lines.append(responseLine("q\(q)", "a", perf: 0.2 + 0.15 * level, cost: 0.01, task: task))
            lines.append(responseLine("q\(q)", "b", perf: 0.5, cost: 0.011, task: task))
        }
        var graph = try ModelTests.graph(lines, users: [("u1", 1, 0), ("u2", 0.9, 0.1)], seed: 3)
        graph.queryTexts = graph.queryIDs.map { "about level\(Int($0.dropFirst())! % 5)" }
        let data = try RoutingData(graph: graph, routing: true, validationObserved: true)
        let labeled = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .test }
        let (start, figures, evidence) = AnchorMix.crossValidated(nodes: labeled, data: data, anchors: AnchorFeatures(data: data),
                                                                  level: .userTask)
        let trainingOnly = try RoutingData(graph: graph, routing: false)
        let unseen = AnchorMix.crossValidated(nodes: labeled, data: trainingOnly, anchors: AnchorFeatures(data: trainingOnly),
                                              level: .userTask)
        #expect(abs(unseen.evidence.tableGain - evidence.tableGain) > 1e-3)
        #expect(start.shares[AnchorStart.allCases.firstIndex(of: .table)!] < 0.5)
        #expect(AnchorMix.candidates[0] == AnchorMix(.table))
        #expect(figures.max()! > figures[0] + 0.05)
        // The evidence is the chosen start's figure and its node-by-node gain over the
        // table (candidates[0]): the difference of the two figures, well beyond its error.
        #expect(evidence.figure > figures[0] + 0.05 && evidence.figure <= figures.max()! + 1e-12)
        #expect(abs(evidence.tableGain - (evidence.figure - figures[0])) < 1e-9)
        #expect(evidence.standardError > 0 && evidence.tableGain > 2 * evidence.standardError)
        var config = ModelConfig()
        config.hidden = 4
        let trained = try Trainer.train(graph: graph, config: config, options: ModelTests.quickOptions(epochs: 2)) { _ in }
        #expect(trained.model.config.anchorStart == start)
        // The same nodes in another order (training first): equal up to rounding.
        let recorded = try #require(trained.model.config.anchorStartEvidence)
        #expect(abs(recorded.figure - evidence.figure) < 1e-9 && abs(recorded.tableGain - evidence.tableGain) < 1e-9
            && abs(recorded.standardError - evidence.standardError) < 1e-9)
        #expect(trained.bestValidation > trained.tableValidation!.figure)
    }

    /// Where no start routes better than the utility start (the ridge) by
    /// ``AnchorMix/significance`` standard errors on cross-fitted text predictions, the
    /// anchored model starts there, though blends with the tables route about as well.
    @Test func anchoredStartKeepsTheUtilityStartWithinNoise() throws {
        let data = try RoutingData(graph: try Self.wordsGraph(), routing: false)
        let labeled = (0..<data.nodeCount).filter { data.nodeSplit[$0] != .test }
        let kept = AnchorMix.crossValidated(nodes: labeled, data: data, anchors: AnchorFeatures(data: data), level: .userTask)
        #expect(kept.start == AnchorMix(.utility))
        let reference = AnchorMix.candidates.firstIndex(of: AnchorMix(.utility))!
        #expect(kept.evidence.figure == kept.figures[reference])
        #expect(abs(kept.evidence.tableGain - (kept.figures[reference] - kept.figures[0])) < 1e-9)
        #expect(kept.figures.filter { $0 > kept.figures[reference] - 0.02 }.count > 1)
    }

    /// A blend is written as its shares, reads back, and weighs each start's weights by
    /// its share; malformed blends are refused.
    @Test func anchorMixRoundTripsAndBlendsLinearly() throws {
        #expect(AnchorMix(.utility).rawValue == "utility")
        let blend = AnchorMix(.table, .utility, share: 0.25)
        #expect(blend.rawValue == "0.25 table + 0.75 utility")
        #expect(AnchorMix(rawValue: blend.rawValue) == blend)
        #expect(AnchorMix(rawValue: "table-text") == AnchorMix(.tableText))
        for bad in ["", "0.5 table + 0.6 utility", "0.5 table + 0.5 table", "1.5 utility", "table +", "0.5 table", "-0.5 table + 1.5 utility"] {
            #expect(AnchorMix(rawValue: bad) == nil, "\(bad)")
        }
        let average = AnchorMix(averaging: [AnchorMix(.table), AnchorMix(.utility), AnchorMix(.table, .utility, share: 0.5)])
        #expect(average == AnchorMix(.table, .utility, share: 0.5))
        let (c, v) = blend.weights(level: .user, mode: .cost)
        let (tableC, tableV) = AnchorStart.table.weights(level: .user, mode: .cost)
        let (utilityC, utilityV) = AnchorStart.utility.weights(level: .user, mode: .cost)
        #expect(c == zip(tableC, utilityC).map { 0.25 * $0 + 0.75 * $1 })
        #expect(v.data == zip(tableV.data, utilityV.data).map { 0.25 * $0 + 0.75 * $1 })
        #expect(AnchorMix.candidates.count == 4 + 6 * AnchorMix.pairShares.count)
    }

    /// Copies of a query (its users) are one cluster: five identical copies of every
    /// query give the same standard error as one copy each, not a smaller one.
    @Test func pairedGainIsClusteredByQuery() {
        var generator = SplitMix64(seed: 9)
        let gains = (0..<20).map { _ in generator.unit() - 0.3 }
        func outcomes(copies: Int) -> (PredictionContext.Outcome, PredictionContext.Outcome) {
            var (a, b) = (PredictionContext.Outcome(), PredictionContext.Outcome())
            for (query, gain) in gains.enumerated() {
                for _ in 0..<copies {
                    a.perNode.append(gain)
                    b.perNode.append(0)
                    a.queries.append(Int32(query))
                    b.queries.append(Int32(query))
                }
            }
            return (a, b)
        }
        let (single, zero) = outcomes(copies: 1)
        let (copied, zeros) = outcomes(copies: 5)
        let one = single.pairedGain(over: zero).estimate
        let five = copied.pairedGain(over: zeros).estimate
        #expect(abs(one.mean - five.mean) < 1e-12)
        #expect(abs(one.standardError - five.standardError) < 1e-12)
        // Independent nodes: the usual standard error of a mean.
        let mean = gains.reduce(0, +) / 20
        let variance = gains.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19
        #expect(abs(one.standardError - (variance / 20).squareRoot()) < 1e-12)
    }
}

extension RidgeTests {
    /// A weights file written before the utility priors (four prior weights, tables
    /// cached as ANRL and ANCN, as AN2R and AN2C before the per-task scale of the text
    /// deviations, as AN3R and AN3C before judge mode's preference logit, or as AN4R and
    /// AN4C before the task means' empirical-Bayes shares) still loads:
    /// its prior weights are padded with zeros and its old tables are ignored, so they
    /// are computed again.
    @Test(arguments: [("ANRL", "ANCN"), ("AN2R", "AN2C"), ("AN3R", "AN3C"), ("AN4R", "AN4C")])
    func weightsFromBeforeTheUtilityPriorsStillLoad(tags: (reals: String, counts: String)) throws {
        let graph = try ModelTests.oppositeUsers(queries: 30)
        var config = ModelConfig()
        config.hidden = 4
        var trained = try Trainer.train(graph: graph, fingerprint: 5, config: config, options: ModelTests.quickOptions(epochs: 2)) { _ in }
        // An old model had no utility priors to weigh.
        let prior = try #require(trained.model.parameters.names.firstIndex(of: "anchor.c"))
        for column in TableLevel.allCases.count..<AnchorFeatures.priorWidth { trained.model.parameters.values[prior].data[column] = 0 }
        let scratch = try Scratch()
        try trained.write(to: scratch.path("new.prw"))
        let file = try SectionFile(contentsOf: scratch.path("new.prw"), expecting: .weights)
        let weights = trained.model.parameters.values[prior].data
        let old = file.sections.map { section -> SectionFile.Section in
            switch section.tag {
            case parameterTag(prior): .array(section.tag, .f32, Array(weights.prefix(TableLevel.allCases.count)))
            case "AN5R": .array(tags.reals, .f64, [1, 2, 3])
            case "AN5C": .array(tags.counts, .u32, [UInt32]([7]))
            default: section
            }
        }
        try FileIO.writeAtomically(SectionFile(.weights, sections: old).encoded(), to: scratch.path("old.prw"))
        let read = try TrainedModel.read(from: scratch.path("old.prw"))
        #expect(read.model.parameters.values[prior].data == weights)
        #expect(read.tables == nil)
        #expect(read.model.parameters.values == trained.model.parameters.values)
    }
}

extension RidgeTests {
    /// A noisy linear problem: 40 rows, 6 columns, 3 outputs.
    static func noisyProblem() -> (x: Matrix, y: Matrix) {
        var generator = SplitMix64(seed: 12)
        let x = Matrix(rows: 40, cols: 6, data: (0..<240).map { _ in Float(generator.unit()) - 0.5 })
        var y = Matrix(rows: 40, cols: 3)
        for row in 0..<40 {
            for col in 0..<3 { y[row, col] = x[row, col] - 0.5 * x[row, col + 3] + 0.4 * (Float(generator.unit()) - 0.5) }
        }
        return (x, y)
    }

    /// A fit is kept only where it beats the reference it is given (predicting zero when
    /// none is): nothing beats an error of zero, and a reference above the fit's error
    /// leaves the same fit.
    @Test func aFitMustBeatItsReference() throws {
        let (x, y) = Self.noisyProblem()
        let plain = try #require(LeaveOneOutRidge(design: x, targets: y))
        #expect(LeaveOneOutRidge(design: x, targets: y, reference: 0) == nil)
        let beaten = try #require(LeaveOneOutRidge(design: x, targets: y, reference: plain.error * 1.01))
        #expect(beaten.weights == plain.weights && beaten.penalty == plain.penalty)
        #expect(LeaveOneOutRidge(design: x, targets: y, reference: plain.error * 0.99) == nil)
    }

    /// Where no single penalty beats predicting zero (a weak slope under noise, 20 rows),
    /// the fit kept against an infinite reference and stacked predicts its rows, held
    /// out, no worse than zero and no worse than its best single penalty: the shares can
    /// always fall to zero, so keeping such a fit costs nothing in squared error.
    @Test func stackingShrinksAFitThatDoesNotBeatZero() throws {
        let problem = (1...50).lazy.map { seed -> (x: Matrix, y: Matrix) in
            var generator = SplitMix64(seed: UInt64(seed))
            let x = Matrix(rows: 20, cols: 6, data: (0..<120).map { _ in Float(generator.unit()) - 0.5 })
            var y = Matrix(rows: 20, cols: 2)
            for row in 0..<20 {
                for col in 0..<2 { y[row, col] = 0.15 * x[row, col] + (Float(generator.unit()) - 0.5) }
            }
            return (x, y)
        }.first { LeaveOneOutRidge(design: $0.x, targets: $0.y) == nil }
        let (x, y) = try #require(problem)
        let zero = y.data.reduce(0) { $0 + Double($1) * Double($1) }
        let kept = try #require(LeaveOneOutRidge(design: x, targets: y, reference: .infinity))
        #expect(kept.leastError >= zero)
        let stacked = kept.refined(stacked: true)
        #expect(stacked.error <= zero + 1e-9)
        #expect(stacked.error <= kept.leastError + 1e-9)
    }

    /// With a preference between held-out predictions, stronger penalties than the
    /// squared-error choice replace it only when preferred: never a weaker one, the
    /// squared-error choice where nothing is preferred, and always the same fit as that
    /// penalty alone gives.
    @Test func preferredHeldOutPredictionsRaiseThePenalty() throws {
        let (x, y) = Self.noisyProblem()
        let grid = LeaveOneOutRidge.penalties + [30, 100]
        let plain = try #require(LeaveOneOutRidge(design: x, targets: y, penalties: grid))
        #expect(plain.penalty < 1)
        func size(_ m: Matrix) -> Double { m.data.reduce(0) { $0 + Double(abs($1)) } }
        // Smaller predictions preferred: the strongest penalty of the grid.
        let shrunk = plain.refined { size($0) < size($1) }
        #expect(shrunk.penalty == 100)
        // Larger predictions preferred: only stronger penalties are tried, so the
        // squared-error one stays.
        let larger = plain.refined { size($0) > size($1) }
        #expect(larger.penalty == plain.penalty)
        let none = plain.refined { _, _ in false }
        #expect(none.penalty == plain.penalty && none.weights == plain.weights && none.heldOut == plain.heldOut)
        // The first stronger penalty only (each is compared with the one kept).
        var tried: [Double] = []
        let first = plain.refined { candidate, _ in
            tried.append(size(candidate))
            return tried.count == 1
        }
        #expect(first.penalty == grid[grid.firstIndex(of: plain.penalty)! + 1])
        #expect(tried.count == grid.count - grid.firstIndex(of: plain.penalty)! - 1)
        // Stronger penalties given apart from the grid: the same choice and fit, and the
        // least error over the grid alone.
        let apart = try #require(LeaveOneOutRidge(design: x, targets: y)).refined(stronger: [30, 100]) { size($0) < size($1) }
        #expect(apart.penalty == shrunk.penalty && apart.weights == shrunk.weights && apart.heldOut == shrunk.heldOut)
        #expect(apart.leastError == plain.error && shrunk.leastError == plain.error && plain.leastError == plain.error)
        let alone = try #require(LeaveOneOutRidge(design: x, targets: y, penalties: [shrunk.penalty]))
        #expect(shrunk.weights == alone.weights && shrunk.heldOut == alone.heldOut && shrunk.error == alone.error)
    }

    /// Where eigenvalues repeat (columns that always come together, more columns than
    /// rows), the eigenbasis LAPACK picks within their space is arbitrary: here the columns
    /// are permuted, which changes it. The fit does not depend on it, and since it is
    /// computed in double and rounded once, its weights and held-out predictions agree to
    /// float precision (computed in float, the weights here differed by more, as they did
    /// between OpenBLAS's kernels, by up to 1e-3 relative).
    @Test func theFitDoesNotDependOnTheEigenbasis() throws {
        var generator = SplitMix64(seed: 21)
        let (rows, pairs) = (60, 80)
        // Every column twice (words that always co-occur), 160 columns for 60 rows.
        var x = Matrix(rows: rows, cols: 2 * pairs)
        for row in 0..<rows {
            for pair in 0..<pairs where generator.unit() < 0.3 { (x[row, 2 * pair], x[row, 2 * pair + 1]) = (1, 1) }
        }
        let effects = (0..<2 * pairs).map { _ in Float(generator.unit()) - 0.5 }
        var y = Matrix(rows: rows, cols: 2)
        for row in 0..<rows {
            for col in 0..<2 {
                y[row, col] = 0.1 * (Float(generator.unit()) - 0.5) + (0..<pairs).reduce(0) { $0 + x[row, 2 * $1] * effects[2 * $1 + col] }
            }
        }
        let order = (0..<x.cols).reversed().map { $0 }
        var permuted = Matrix(rows: rows, cols: x.cols)
        for row in 0..<rows { for (to, from) in order.enumerated() { permuted[row, to] = x[row, from] } }
        let fit = try #require(LeaveOneOutRidge(design: x, targets: y, penalties: [0.003]))
        let other = try #require(LeaveOneOutRidge(design: permuted, targets: y, penalties: [0.003]))
        func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 4 * Float.ulpOfOne * max(abs(a), abs(b), 1e-3) }
        #expect(zip(fit.heldOut.data, other.heldOut.data).allSatisfy { close($0, $1) })
        for (to, from) in order.enumerated() {
            #expect((0..<2).allSatisfy { close(fit.weights[from, $0], other.weights[to, $0]) })
        }
    }

    /// Stacked, the fit is the penalties' fits combined by their held-out shares: its
    /// weights are the shares' sum of each penalty's own weights, its held-out predictions
    /// the same sum of theirs, and its held-out error no larger than the best single
    /// penalty's, which stays the reported penalty and least error.
    @Test func stackedPenaltiesCombineTheirFits() throws {
        let (x, y) = Self.noisyProblem()
        let grid = LeaveOneOutRidge.penalties
        let plain = try #require(LeaveOneOutRidge(design: x, targets: y, penalties: grid))
        let stacked = plain.refined(stacked: true)
        #expect(stacked.penalty == plain.penalty && stacked.leastError == plain.leastError)
        #expect(stacked.error <= plain.error)
        let alone = try grid.map { try #require(LeaveOneOutRidge(design: x, targets: y, penalties: [$0])) }
        let shares = LeaveOneOutRidge.shares(of: alone.map(\.heldOut), targets: y)
        #expect(shares.allSatisfy { $0 >= 0 } && shares.contains { $0 > 0 })
        for (matrix, part) in [(stacked.weights, \LeaveOneOutRidge.weights), (stacked.heldOut, \LeaveOneOutRidge.heldOut)] {
            for index in matrix.data.indices {
                let sum = zip(shares, alone).reduce(0.0) { $0 + $1.0 * Double($1.1[keyPath: part].data[index]) }
                #expect(abs(Double(matrix.data[index]) - sum) < 1e-4)
            }
        }
        let squared = (0..<y.rows).reduce(0.0) { sum, row in
            (0..<y.cols).reduce(sum) { $0 + pow(Double(y[row, $1] - stacked.heldOut[row, $1]), 2) }
        }
        #expect(abs(squared - stacked.error) < 1e-6 * squared)
    }

    /// Non-negative least squares meets its optimality conditions: a zero coefficient's
    /// gradient is not negative, a positive one's is zero; and an unconstrained
    /// solution that is positive is found as it is.
    @Test func nonNegativeLeastSquaresMeetsItsConditions() {
        var generator = SplitMix64(seed: 21)
        let (rows, cols) = (30, 5)
        let a = (0..<rows * cols).map { _ in generator.unit() - 0.5 }
        func column(_ j: Int) -> [Double] { (0..<rows).map { a[$0 * cols + j] } }
        func fitted(_ truth: [Double]) -> (gram: [Double], rhs: [Double]) {
            let y = (0..<rows).map { row in (0..<cols).reduce(0.0) { $0 + a[row * cols + $1] * truth[$1] } }
            let gram = (0..<cols * cols).map { zip(column($0 / cols), column($0 % cols)).reduce(0.0) { $0 + $1.0 * $1.1 } }
            let rhs = (0..<cols).map { zip(column($0), y).reduce(0.0) { $0 + $1.0 * $1.1 } }
            return (gram, rhs)
        }
        let exact = fitted([0.5, 1, 0.25, 2, 0.75])
        for (found, truth) in zip(NonNegativeLeastSquares.solve(gram: exact.gram, rhs: exact.rhs), [0.5, 1, 0.25, 2, 0.75]) {
            #expect(abs(found - truth) < 1e-8)
        }
        let clipped = fitted([1, -2, 0.5, -0.5, 1.5])
        let w = NonNegativeLeastSquares.solve(gram: clipped.gram, rhs: clipped.rhs)
        #expect(w.contains(0) && w.allSatisfy { $0 >= 0 })
        for k in 0..<cols {
            let gradient = (0..<cols).reduce(-clipped.rhs[k]) { $0 + clipped.gram[k * cols + $1] * w[$1] }
            #expect(w[k] > 0 ? abs(gradient) < 1e-8 : gradient > -1e-8)
        }
    }

    /// The text regression of the anchored model chooses its penalty by how its held-out
    /// predictions route the observed queries: never below the squared-error choice.
    @Test func anchoredTextPenaltyIsChosenByRouting() throws {
        let data = try RoutingData(graph: try Self.wordsGraph(), routing: false)
        let means: (Int, Int) -> (Float, Float) = { _, _ in (0.5, 0.5) }
        let plain = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count, means: means)
        let routed = TextOutcomeRegression(data: data, llmCount: data.llmIDs.count, means: means) { _ in (1, -0.2) }
        let (a, b) = (try #require(plain.penalty), try #require(routed.penalty))
        #expect(b >= a)
        #expect(routed.view == plain.view)
        TextOutcomeRegressionTests.expectUnseenCheapPredicted(routed, data: data)
    }
}

extension RidgeTests {
    /// The anchored model chooses its epoch on one half of the validation queries and
    /// tests its correction on the other: every copy of a query is in one half, the
    /// halves cover the validation nodes, and neither is empty.
    @Test func anchoredCorrectionIsTestedOnQueriesThatDidNotChooseTheEpoch() throws {
        let data = try RoutingData(graph: try Self.wordsGraph(), routing: false)
        let validation = (0..<data.nodeCount).filter { data.nodeSplit[$0] == .validation }
        var config = ModelConfig()
        config.kind = .anchored
        config.hidden = 4
        let context = PredictionContext(data: data, llmCount: data.llmIDs.count)
        let objective = AnchoredObjective(context: context, start: RouterModel(config: config, seed: 1), validation: validation,
                                          options: ModelTests.quickOptions())
        let queries = (objective.selection.map { data.nodeQueryRow[$0] }, objective.check.map { data.nodeQueryRow[$0] })
        #expect(!queries.0.isEmpty && !queries.1.isEmpty)
        #expect(Set(queries.0).isDisjoint(with: queries.1))
        #expect((objective.selection + objective.check).sorted() == validation)
        #expect(abs(Set(queries.0).count - Set(queries.1).count) <= 1)
    }
}
