import Testing
@testable import PRouterEvaluation
import PRouterTestSupport

/// pr-eval's curve metrics (gap closed, AIQ) and its SVG plot.
struct PlotAndCurveTests {
    @Test func frontierAndAIQ() throws {
        let llms: [(cost: Double, quality: Double)] = [(0, 0), (1, 1), (2, 1), (1.5, 0.2)]
        // Non-decreasing upper hull: (1.5, 0.2) is dominated, (2, 1) buys nothing more.
        #expect(CurveMetrics.frontier(llms).map(\.cost) == [0, 1])
        #expect(try #require(CurveMetrics.aiq(llms, over: 0...2)) == 0.75)
        // A router at (0.5, 1) pushes the frontier; one under it adds nothing.
        #expect(try #require(CurveMetrics.aiq(llms + [(0.5, 1)], over: 0...2)) == 0.875)
        #expect(try #require(CurveMetrics.aiq(llms + [(1, 0.5)], over: 0...2)) == 0.75)
        #expect(CurveMetrics.aiq(llms, over: 1...1) == nil)
        #expect(abs(try #require(CurveMetrics.gapClosed(0.5, singleBest: 0.4, oracle: 0.6)) - 0.5) < 1e-12)
        #expect(CurveMetrics.gapClosed(0.5, singleBest: 0.6, oracle: 0.6) == nil)
    }
}
