import Testing
@testable import PRouterIO
import PRouterTestSupport

struct LockstepTests {
    /// After each barrier, each thread sees what the other wrote before it, round after round.
    @Test func barriersPublishEachRoundsWrites() {
        /// Each thread writes only its own element (and `members` between barriers).
        final class Slots: @unchecked Sendable {
            let values = UnsafeMutablePointer<Int>.allocate(capacity: 2)
            let mismatches = UnsafeMutablePointer<Int>.allocate(capacity: 2)
            var members = Set<Int>()
            init() {
                values.initialize(repeating: -1, count: 2)
                mismatches.initialize(repeating: 0, count: 2)
            }
            deinit {
                values.deallocate()
                mismatches.deallocate()
            }
        }
        let slots = Slots()
        let rounds = 2000
        let ran = Lockstep.run { member, barrier in
            let other = 1 - member
            for round in 0..<rounds {
                slots.values[member] = round
                barrier.wait()
                if slots.values[other] != round { slots.mismatches[member] += 1 }
                barrier.wait()  // nobody writes the next round before both have read this one
            }
            barrier.wait()
            if member == 0 { slots.members.insert(0) }
            barrier.wait()
            if member == 1 { slots.members.insert(1) }
        }
        #expect(ran)
        #expect([slots.mismatches[0], slots.mismatches[1]] == [0, 0])
        #expect(slots.members == [0, 1])
    }
}
