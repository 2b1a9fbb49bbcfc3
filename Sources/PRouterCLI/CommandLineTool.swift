import ArgumentParser
import PRouterKit

extension ParsableCommand {
    /// Reports `error` the way every prouter tool reports errors, and exits: `TOOL: message`
    /// on standard error (a usage error followed by the usage lines) with the error's exit
    /// status. A clean exit (`--version`, a completion script) prints to standard output.
    public static func exitAsTool(_ tool: String, _ error: any Error) -> Never {
        let code = exitCode(for: error)
        var message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { writeHelp(message + "\n") }
            exit(withError: nil)
        }
        if message.hasPrefix("Error: ") { message = tool + ": " + message.dropFirst("Error: ".count) }
        // An ExitCode thrown after runTool reported the error has no message of its own.
        if !message.isEmpty {
            for line in message.split(separator: "\n", omittingEmptySubsequences: false) { printError(String(line)) }
        }
        exit(withError: ExitCode(code.rawValue))
    }

    /// The `main` of a prouter tool without subcommands: a lost standard output fails the
    /// run, `--help` puts the usage first, unknown options are reported before missing
    /// ones, and errors are reported as in ``exitAsTool(_:_:)``.
    public static func mainAsTool(_ tool: String) {
        CrashReport.install(tool: tool)
        failOnLostStandardOutput(tool: tool)
        if asksForHelp(CommandLine.arguments.dropFirst()) { return writeHelp(usageFirst(helpMessage())) }
        runAsTool(tool) { longOptionNames() }
    }

    /// Parses the command line and runs the command, errors as in ``exitAsTool(_:_:)``;
    /// a command line that does not parse is reported by its first option not among
    /// `known()` (worked out only then), if any: swift-argument-parser would report a
    /// missing required argument first.
    public static func runAsTool(_ tool: String, known: () -> Set<String>?) {
        var command = parsedAsTool(tool, known: known)
        do {
            try command.run()
        } catch {
            exitAsTool(tool, error)
        }
    }

    /// The parsed command line; one that does not parse is reported and exits (see
    /// ``runAsTool(_:known:)``).
    static func parsedAsTool(_ tool: String, known: () -> Set<String>?) -> any ParsableCommand {
        do {
            return try parseAsRoot()
        } catch {
            if exitCode(for: error) != .success, let unknown = firstUnknownOption(CommandLine.arguments.dropFirst(), known: known()) {
                exitAsTool(tool, ValidationError("unknown option '\(unknown)'"))
            }
            exitAsTool(tool, error)
        }
    }
}

extension AsyncParsableCommand {
    /// ``ParsableCommand/runAsTool(_:known:)`` for a command with asynchronous subcommands.
    public static func runAsTool(_ tool: String, known: @Sendable () -> Set<String>?) async {
        var command = parsedAsTool(tool, known: known)
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exitAsTool(tool, error)
        }
    }
}
