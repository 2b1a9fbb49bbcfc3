#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on a monotonic clock, for timing epochs and runs.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Under `-v`, how long each stage of a run took, one line per stage on standard
/// error (`pr-route: stage read graph: 0.214 s`): where a slow run spends its time.
struct StageClock {
    private let tool: String
    private var last = monotonicSeconds()

    init(tool: String) {
        self.tool = tool
    }

    /// Reports the time since the previous stage ended as `stage`'s.
    mutating func finished(_ stage: String) {
        let now = monotonicSeconds()
        if Verbosity.current == .verbose { printError("\(tool): stage \(stage): \(Decimals.fixed(now - last, 3)) s") }
        last = now
    }
}
