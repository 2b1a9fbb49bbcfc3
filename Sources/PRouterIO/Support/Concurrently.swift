import Dispatch

/// The results of three independent computations, run side by side on the available cores.
package func concurrently<A, B, C>(_ a: @Sendable () -> A, _ b: @Sendable () -> B, _ c: @Sendable () -> C) -> (A, B, C) {
    let first = ResultSlots<A>(count: 1), second = ResultSlots<B>(count: 1), third = ResultSlots<C>(count: 1)
    DispatchQueue.concurrentPerform(iterations: 3) { part in
        switch part {
        case 0: first.set(0, a())
        case 1: second.set(0, b())
        default: third.set(0, c())
        }
    }
    return (first.values[0], second.values[0], third.values[0])
}
