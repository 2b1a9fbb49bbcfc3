import Foundation
import Testing
import PRouterIO
@testable import PRouterModels
import PRouterTestSupport

/// Every model's weights and routes, byte for byte, against the digests recorded before
/// the models moved behind ``RoutingModel`` (Fixtures/golden/models.txt, written by
/// Fixtures/golden/models.sh): on the example world, three small suite worlds (varied
/// cost, shared noisy queries, judge labels) and the multi-turn example.
@Suite struct ModelGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden").path

    @Test func weightsAndRoutesMatchTheRecordedDigests() throws {
        let run = try runTool("/bin/bash", ["\(Self.folder)/models.sh"],
                              environment: ["BIN": productsDirectory(), "EXAMPLES": examplesDirectory])
        #expect(run.status == 0, "\(run.err)")
        let expected = try String(contentsOfFile: "\(Self.folder)/models.txt", encoding: .utf8)
        let (got, want) = (run.out.split(separator: "\n"), expected.split(separator: "\n"))
        #expect(got.count == want.count && got.count == 35)
        for (line, recorded) in zip(got, want) { #expect(line == recorded) }
    }
}
