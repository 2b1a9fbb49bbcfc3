/// The requests in flight, shared by all workers: at most `limit` at once, where the
/// limit adapts like TCP's congestion window (additive increase, multiplicative
/// decrease): it starts at `--jobs`, halves when the endpoint says 429, and grows by one
/// after `4 x limit` successes, up to `--jobs` again. A `Retry-After` also closes the gate
/// for everyone until then, instead of each worker discovering it separately.
actor RateGate {
    private let ceiling: Int
    private var limit: Int
    private var active = 0
    private var successes = 0
    private var reopensAt = ContinuousClock.now
    private var lastCut = ContinuousClock.now - .seconds(3600)

    init(jobs: Int) {
        ceiling = jobs
        limit = jobs
    }

    /// The current limit on requests in flight.
    var currentLimit: Int { limit }

    /// Waits for the gate to be open and a slot free, then takes the slot.
    func acquire() async throws {
        while true {
            if ContinuousClock.now < reopensAt {
                try await Task.sleep(until: reopensAt, clock: .continuous)
            } else if active < limit {
                active += 1
                return
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Gives the slot back; `succeeded` counts towards raising the limit.
    func release(succeeded: Bool) {
        active -= 1
        guard succeeded, limit < ceiling else { return }
        successes += 1
        if successes >= 4 * limit {
            limit += 1
            successes = 0
        }
    }

    /// The endpoint pushed back: with `cut` (a 429) halve the limit, once per burst of
    /// 429s; hold everyone back for `retryAfter` seconds.
    func throttle(retryAfter: Double?, cut: Bool) {
        let now = ContinuousClock.now
        if cut, now > reopensAt, now - lastCut > .milliseconds(100) {
            limit = max(1, min(limit, active + 1) / 2)
            successes = 0
            lastCut = now
        }
        if let retryAfter {
            reopensAt = max(reopensAt, now + .seconds(retryAfter))
        }
    }
}
