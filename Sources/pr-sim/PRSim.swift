import ArgumentParser
import PRouterCLI
import PRouterKit

@main
struct PRSim: AsyncParsableCommand {
    static func main() async {
        CrashReport.install(tool: "pr-sim")
        failOnLostStandardOutput(tool: "pr-sim")
        let arguments = CommandLine.arguments.dropFirst()
        let command = configuration.subcommands.first { $0._commandName == arguments.first } ?? Simulate.self
        if asksForHelp(arguments) {
            // `pr-sim --help` is about `pr-sim [options]`, which is `pr-sim simulate`; it names the other subcommands too.
            let subcommands = arguments.first == command._commandName ? "" : "\nOther subcommands: "
                + configuration.subcommands.filter { $0 != command }.map { "pr-sim \($0._commandName) (\(String($0.configuration.abstract.dropLast($0.configuration.abstract.hasSuffix(".") ? 1 : 0))))" }
                    .joined(separator: "; ") + ".\n"
            return writeHelp(usageFirst(helpMessage(for: command)) + subcommands)
        }
        await runAsTool("pr-sim") { command.longOptionNames() }
    }

    static let configuration = CommandConfiguration(
        commandName: "pr-sim",
        abstract: "Simulate user preferences over an LLM response table.",
        discussion: "`pr-sim [options]` is `pr-sim simulate [options]`; `pr-sim judge` asks judge LLMs for labels.",
        version: prouterVersion,
        subcommands: [Simulate.self, Judge.self, MultiTurn.self, Calibrate.self],
        defaultSubcommand: Simulate.self
    )
}

/// `pr-sim simulate`, the default: cost mode or labels into interactions.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn a response table and user preferences or labels into interactions (the default).",
        discussion: """
            Reads responses.jsonl (one line per query and LLM) and writes interactions.jsonl \
            (one line per user, query and LLM) with each user's preferred LLM marked "best".

            Cost mode (the paper's multi-cost-efficiency strategy): performance and cost are \
            min-max normalized per task over the whole response table, reward = alpha * \
            performance_norm - beta * cost_norm, and the best LLM is the highest reward (ties: \
            higher performance, lower cost, then the LLM id that sorts first). Users come from \
            --users, --sweep or --alpha/--beta.

            Judge mode: --labels turns preference labels into interactions, without rewards; \
            `pr-sim judge` asks judge LLMs for such labels. Labels from several judge \
            configurations need --label-users configuration (one user per user, judge and \
            prompt style, id USER/JUDGE/STYLE).

            Examples:
              pr-sim --alpha 0.7 --beta 0.3 < responses.jsonl
              pr-sim --users users.jsonl --llms llms.jsonl responses.jsonl > interactions.jsonl
              pr-sim --sweep 1000 --queries-per-user 40 --seed 7 responses.jsonl

            \(exitStatusHelp)
            """,
        version: prouterVersion
    )

    @Argument(help: "The response table (responses.jsonl); '-' or nothing reads standard input.",
              completion: .file(extensions: ["jsonl"]))
    var responses: String = "-"

    @Option(help: ArgumentHelp("LLM prices (llms.jsonl), to cost responses given as token counts.", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var llms: String?

    @Option(help: ArgumentHelp("Users with alpha and beta (users.jsonl).", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var users: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Generate N users (1...1000000), alpha evenly from 0.2 to 1.0, beta = 1 - alpha.", valueName: "n"))
    var sweep: Int?

    @Option(parsing: .unconditional, help: "One ad-hoc user's weight on normalized performance.")
    var alpha: Double?

    @Option(parsing: .unconditional, help: "One ad-hoc user's weight against normalized cost.")
    var beta: Double?

    @Option(help: ArgumentHelp("The ad-hoc user's id.", valueName: "id"))
    var user: String = "adhoc"

    @Option(help: ArgumentHelp("Judge mode: preference labels (labels.jsonl).", valueName: "file"),
            completion: .file(extensions: ["jsonl"]))
    var labels: String?

    @Option(help: ArgumentHelp("With --labels: 'user', or 'configuration' for one user per user, judge and prompt style (USER/JUDGE/STYLE).",
                               valueName: "who"), completion: .list(LabelSimulator.Users.allCases.map(\.rawValue)))
    var labelUsers: String = "user"

    @Option(parsing: .unconditional, help: ArgumentHelp("Give each user K distinct queries drawn at random instead of all.", valueName: "k"))
    var queriesPerUser: Int?

    @Option(parsing: .unconditional, help: "Seed for --queries-per-user.")
    var seed: UInt64 = 0

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"),
            completion: .file())
    var output: String?

    @Flag(help: "Flush every line (the default when standard output is a terminal).")
    var lineBuffered = false

    /// The most users `--sweep` generates.
    static let maxSweep = 1_000_000

    @OptionGroup var diagnostics: DiagnosticOptions

    func validate() throws {
        let sources = [users != nil, sweep != nil, alpha != nil || beta != nil, labels != nil].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give exactly one of --users, --sweep, --alpha with --beta, or --labels")
        }
        if (alpha == nil) != (beta == nil) { throw ValidationError("--alpha and --beta go together") }
        if let alpha, !(alpha.isFinite && alpha >= 0) { throw ValidationError("--alpha must be a number >= 0") }
        if let beta, !(beta.isFinite && beta >= 0) { throw ValidationError("--beta must be a number >= 0") }
        if alpha == 0 && beta == 0 { throw ValidationError("--alpha and --beta are both 0: every LLM would tie; give at least one a positive weight") }
        if let sweep, !(1...Self.maxSweep).contains(sweep) { throw ValidationError("--sweep must be in 1...\(Self.maxSweep)") }
        if let queriesPerUser, queriesPerUser < 1 { throw ValidationError("--queries-per-user must be at least 1") }
        if labels != nil, queriesPerUser != nil { throw ValidationError("--queries-per-user applies to cost mode only") }
        guard LabelSimulator.Users(rawValue: labelUsers) != nil else { throw ValidationError("--label-users takes user or configuration") }
    }

    func run() throws {
        let preferences: SimulationJob.Preferences
        if let users {
            preferences = .usersFile(users)
        } else if let sweep {
            preferences = .sweep(sweep)
        } else if let labels {
            preferences = .labelsFile(labels, users: LabelSimulator.Users(rawValue: labelUsers)!)
        } else {
            preferences = .adHoc(user: user, alpha: alpha!, beta: beta!)
        }
        let job = SimulationJob(responsesPath: responses, llmsPath: llms, preferences: preferences,
                                queriesPerUser: queriesPerUser, seed: seed)
        let status = runTool("pr-sim", verbosity: diagnostics.verbosity) {
            try FileIO.checkDistinct(outputs: [("-o", output)], inputs: [("responses", responses), ("--llms", llms), ("--users", users),
                                                                         ("--labels", labels)])
            try OutputFile(path: output, lineBuffered: lineBuffered).produce(emptyWarning: {
                "\(FileIO.displayName(responses)): no interactions written (no responses, or no users or labels to apply): the output is empty"
            }, job.run)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
