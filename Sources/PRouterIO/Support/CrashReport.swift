#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a tool does when it crashes (a failed precondition, a fault): one line on
/// standard error and exit status 70 (`EX_SOFTWARE`), at once. The Swift runtime's own
/// backtracer would print tens of lines and can hold standard error for minutes while it
/// symbolicates, stalling a pipeline; set `SWIFT_BACKTRACE` to keep it (for debugging).
public enum CrashReport {
    /// The line written on a crash, fixed before any work (a signal handler may not allocate).
    nonisolated(unsafe) private static var message: [UInt8] = []

    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGBUS, SIGSEGV]

    /// Installs the handlers for `tool`, unless `SWIFT_BACKTRACE` is set.
    public static func install(tool: String) {
        guard getenv("SWIFT_BACKTRACE") == nil else { return }
        message = Array("\(tool): internal error (crashed); please report it with the command line\n".utf8)
        let handler: @convention(c) (Int32) -> Void = { _ in
            CrashReport.message.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
            _exit(70)
        }
        for signal in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handler
            #else
            action.__sigaction_u.__sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
    }
}
