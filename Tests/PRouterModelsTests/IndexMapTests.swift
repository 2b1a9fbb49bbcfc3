import Testing
import PRouterAutodiff
@testable import PRouterModels
import PRouterTestSupport

@Suite struct IndexMapTests {
    @Test func agreesWithDictionaryThroughGrowth() {
        var map = IndexMap()
        var reference: [Int32: Int32] = [:]
        var generator = SplitMix64(seed: 5)
        for step in 0..<20_000 {
            // Keys collide often (a small range) and also span the whole Int32 range.
            let key = Int32(step % 3 == 0 ? generator.below(500) : generator.below(Int(Int32.max)))
            let value = Int32(step)
            map[key] = value
            reference[key] = value
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map[key] == value) }
        var absent = 0
        for _ in 0..<5_000 {
            let key = Int32(generator.below(Int(Int32.max)))
            if reference[key] == nil {
                #expect(map[key] == nil)
                absent += 1
            }
        }
        #expect(absent > 4_000)
    }
}
