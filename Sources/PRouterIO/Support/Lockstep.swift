#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Two threads working through one computation together, meeting at barriers: the
/// calling thread and a thread started for the run. For work in many short steps (a lone
/// query through a network, one product per step), a barrier costs about a microsecond,
/// where handing each step to a dispatch queue costs a thread wake-up.
package enum Lockstep {
    /// The threads of a run wait here until both have arrived.
    package final class Barrier: Sendable {
        private let arrived = Atomic<Int>(0)
        private let generation = Atomic<Int>(0)
        private let members: Int

        init(members: Int) { self.members = members }

        /// Returns once every member has called it (as many times as this one): the
        /// memory each wrote before it is then visible to all.
        package func wait() {
            let current = generation.load(ordering: .acquiring)
            if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == members {
                arrived.store(0, ordering: .relaxed)
                generation.store(current + 1, ordering: .releasing)
                return
            }
            var spins = 0
            while generation.load(ordering: .acquiring) == current {
                spins += 1
                if spins > 4000 { sched_yield() }  // the other thread lost its core
            }
        }
    }

    private final class Work: @unchecked Sendable {
        let body: (Int, Barrier) -> Void
        let barrier: Barrier
        init(_ body: @escaping (Int, Barrier) -> Void, _ barrier: Barrier) { (self.body, self.barrier) = (body, barrier) }
    }

    /// Runs `body(member, barrier)` for members 0 and 1 at once, 0 on the calling thread,
    /// and returns when both are done. Returns false, having run nothing, when no thread
    /// could be started.
    package static func run(_ body: @escaping (Int, Barrier) -> Void) -> Bool {
        let work = Work(body, Barrier(members: 2))
        var thread = pthread_t()
        let context = Unmanaged.passRetained(work).toOpaque()
        let started = pthread_create(&thread, nil, { context in
            let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
            work.body(1, work.barrier)
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            return false
        }
        body(0, work.barrier)
        pthread_join(thread, nil)
        return true
    }
}
