#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on a monotonic clock, for timing epochs and runs.
package func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The process's peak resident memory so far, in MiB.
func peakMemoryMiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

/// Under `-v`, how long each stage of a run took, one line per stage on standard
/// error with the peak memory so far (`pr-route: stage read graph: 0.214 s, peak 372 MiB`):
/// where a slow or large run spends its time and memory.
package struct StageClock {
    private let tool: String
    private var last = monotonicSeconds()

    package init(tool: String) {
        self.tool = tool
    }

    /// Reports the time since the previous stage ended as `stage`'s.
    package mutating func finished(_ stage: String) {
        let now = monotonicSeconds()
        if Verbosity.current == .verbose {
            printError("\(tool): stage \(stage): \(Decimals.fixed(now - last, 3)) s, peak \(peakMemoryMiB()) MiB")
        }
        last = now
    }
}
