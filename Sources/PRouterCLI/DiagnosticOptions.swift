import ArgumentParser
import PRouterKit

/// The `-q` and `-v` flags the tools share, as an option group.
public struct DiagnosticOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print nothing on standard error but warnings and errors.")
    public var quiet = false

    @Flag(name: .shortAndLong, help: "Finish with the run's time and peak memory on standard error.")
    public var verbose = false

    public init() {}

    /// The level the flags ask for.
    public var verbosity: Verbosity { Verbosity(quiet: quiet, verbose: verbose) }
}
