import PRouterAutodiff

/// When and how long to wait before asking a failing endpoint again.
///
/// Connection errors, timeouts, 408, 429 and 5xx are retried up to `attempts` tries in all,
/// waiting `baseDelay * 2^(n-1)` seconds (capped at `maxDelay`) after the n-th failure,
/// with "equal jitter": a uniformly random half of that wait is dropped, so that many
/// workers do not retry in step. A server's `Retry-After` is a floor on the wait. A reply
/// that cannot be parsed is asked again at once, at most `parseRetries` more times.
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    public var parseRetries: Int

    public init(attempts: Int = 8, baseDelay: Double = 1, maxDelay: Double = 60, parseRetries: Int = 2) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.parseRetries = parseRetries
    }

    /// Whether an HTTP status is worth asking again.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500..<600).contains(status)
    }

    /// Seconds to wait after the `failures`-th failed try (1-based).
    public func delay(afterFailure failures: Int, retryAfter: Double?, random: inout SplitMix64) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(failures - 1, 30)))
        let jittered = ceiling / 2 + random.unit() * ceiling / 2
        return max(jittered, retryAfter ?? 0)
    }
}
