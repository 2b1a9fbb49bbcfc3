import ArgumentParser
import Foundation
import PRouterHTTP
import PRouterCLI
import PRouterKit

extension PRSim {
    /// `pr-sim judge`: LLM-as-a-Judge labels, or human questionnaire answers turned into labels.
    struct Judge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask judge LLMs which response each user would prefer (LLM-as-a-Judge).",
            discussion: """
                For every user with a profile (users.jsonl), every query with response texts \
                (responses.jsonl) and every configuration (--judge-model x --prompt-style), \
                asks an OpenAI-compatible endpoint (POST BASE/v1/chat/completions): the profile \
                as the system message, the query and the numbered candidate responses (shuffled \
                with --seed against position bias, and mapped back) as the user message. Prompt \
                style 1 asks for "Best response: N"; style 2 for a short reasoning ending in [[N]]. \
                Each answer becomes a line {"user","query_id","best_llm","judge","prompt_style"} \
                of labels.jsonl, which `pr-sim --labels` consumes.

                The API key is read from the environment variable named by --api-key-env \
                (OPENAI_API_KEY by default) and only ever sent in the Authorization header; \
                when the variable is unset or empty no key is sent (local servers).

                Dependable from cron: --jobs requests in flight; each has --timeout seconds; \
                connection errors, timeouts, 408, 429 and 5xx are retried with exponential \
                backoff and jitter (--backoff, --max-backoff), honouring Retry-After, up to \
                --retries tries; 401/403 stop the run at once (exit 77), a wrong address or model \
                (404) exits 69, an endpoint that keeps failing exits 75. A reply that cannot be \
                parsed is asked again (--parse-retries), then written to the errors file \
                (--errors; default: the labels file with .errors.jsonl), never guessed.

                -o labels.jsonl is appended to, one flushed line per label, in plan order; a \
                re-run with the same file skips the (user, query, judge, prompt style) already \
                labelled and cuts a torn last line left by a killed run, so nothing written is \
                lost. Progress is shown on a terminal; a summary line (labelled, skipped, \
                failed, retries, tokens) ends every run. Exit 1 when some requests failed.

                --dry-run writes the exact request bodies as JSON Lines instead of sending them.

                --questionnaire turns human answers ({"participant","query_id","choice"}, with an \
                optional "order" of the LLMs as shown; otherwise response N is the query's N-th \
                line in responses.jsonl) into labels {"user","query_id","best_llm",\
                "judge":"human","prompt_style":null}.

                Examples:
                  pr-sim judge --users users.jsonl --judge-model gpt-4o-mini --prompt-style both -o labels.jsonl responses.jsonl
                  pr-sim judge --users users.jsonl --judge-model m --dry-run responses.jsonl | head -1
                  pr-sim judge --questionnaire answers.jsonl -o labels.jsonl responses.jsonl

                \(exitStatusHelp)
                """
        )

        @Argument(help: "The response table with response texts; '-' or nothing reads standard input.",
                  completion: .file(extensions: ["jsonl"]))
        var responses: String = "-"

        @Option(help: ArgumentHelp("Users with profile texts (users.jsonl).", valueName: "file"),
                completion: .file(extensions: ["jsonl"]))
        var users: String?

        @Option(help: ArgumentHelp("Human questionnaire answers to turn into labels.", valueName: "file"),
                completion: .file(extensions: ["jsonl"]))
        var questionnaire: String?

        @Option(help: ArgumentHelp("LLM prices (llms.jsonl), for responses given as token counts.", valueName: "file"),
                completion: .file(extensions: ["jsonl"]))
        var llms: String?

        @Option(name: [.customLong("judge-model"), .customLong("model")],
                help: ArgumentHelp("A judge model (repeatable).", valueName: "model"))
        var judgeModel: [String] = []

        @Option(help: ArgumentHelp("The prompt style: 1 (answer directly), 2 (reason first) or both.", valueName: "style"))
        var promptStyle: PromptStyles = .direct

        @Option(parsing: .unconditional, help: "Seed for the response order shown to the judge and the retry jitter.")
        var seed: UInt64 = 0

        @Flag(help: "Write the request bodies instead of sending them.")
        var dryRun = false

        @Option(help: ArgumentHelp("The endpoint's base address (BASE/v1/chat/completions).", valueName: "url"))
        var baseURL = "https://api.openai.com"

        @Option(help: ArgumentHelp("The environment variable holding the API key.", valueName: "name"))
        var apiKeyEnv = "OPENAI_API_KEY"

        @Option(parsing: .unconditional, help: ArgumentHelp("Requests in flight at once.", valueName: "n"))
        var jobs = 4

        @Option(parsing: .unconditional, help: ArgumentHelp("Seconds one request may take.", valueName: "seconds"))
        var timeout = 60.0

        @Option(parsing: .unconditional, help: ArgumentHelp("Tries per request on connection errors, timeouts, 429 and 5xx.", valueName: "n"))
        var retries = 8

        @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to wait after the first failure (doubling after each).", valueName: "seconds"))
        var backoff = 1.0

        @Option(parsing: .unconditional, help: ArgumentHelp("The longest wait between tries, unless Retry-After asks for more.", valueName: "seconds"))
        var maxBackoff = 60.0

        @Option(parsing: .unconditional, help: ArgumentHelp("Extra tries for a reply that cannot be parsed.", valueName: "n"))
        var parseRetries = 2

        @Option(help: ArgumentHelp("Append failed requests here.", valueName: "file"), completion: .file())
        var errors: String?

        @Flag(name: .shortAndLong, help: "Report every retry, and finish with the run's time and peak memory, on standard error.")
        var verbose = false

        @Option(name: .shortAndLong, help: ArgumentHelp("Labels: appended to and resumed (sending), else written atomically.", valueName: "file"),
                completion: .file())
        var output: String?

        @Flag(name: .shortAndLong, help: "Print nothing on standard error but warnings and errors.")
        var quiet = false

        func validate() throws {
            guard (users == nil) != (questionnaire == nil) else {
                throw ValidationError("give --users (LLM judges) or --questionnaire (human answers)")
            }
            if questionnaire != nil { return }
            guard !judgeModel.isEmpty else { throw ValidationError("give at least one --judge-model") }
            guard (1...1024).contains(jobs) else { throw ValidationError("--jobs must be in 1...1024") }
            guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
            guard retries >= 1 else { throw ValidationError("--retries must be at least 1") }
            guard backoff >= 0, maxBackoff >= backoff, maxBackoff.isFinite else {
                throw ValidationError("--backoff and --max-backoff must be seconds >= 0, --max-backoff at least --backoff")
            }
            guard parseRetries >= 0 else { throw ValidationError("--parse-retries must be at least 0") }
        }

        func run() async throws {
            let styles = promptStyle.styles
            let configurations = judgeModel.flatMap { model in styles.map { JudgeConfiguration(model: model, style: $0) } }
            let job = JudgeJob(responsesPath: responses, llmsPath: llms, usersPath: users, questionnairePath: questionnaire,
                               configurations: configurations, seed: seed)
            let sending = questionnaire == nil && !dryRun
            var failed = 0
            let status = await runTool("pr-sim judge", verbosity: Verbosity(quiet: quiet, verbose: verbose)) {
                try FileIO.checkDistinct(outputs: [("-o", output), ("--errors", errorsPath)],
                                         inputs: [("responses", responses), ("--llms", llms), ("--users", users), ("--questionnaire", questionnaire)])
                guard sending else {
                    return try OutputFile(path: output, lineBuffered: false).produce(job.write)
                }
                let endpoint = try JudgeEndpoint(baseURL: baseURL, apiKey: ProcessInfo.processInfo.environment[apiKeyEnv],
                                                 keyVariable: apiKeyEnv, timeout: timeout)
                let options = JudgeRunOptions(
                    endpoint: endpoint, transport: ChatCompletionsClient(endpoint: endpoint, connections: jobs),
                    retry: RetryPolicy(attempts: retries, baseDelay: backoff, maxDelay: maxBackoff, parseRetries: parseRetries),
                    jobs: jobs, seed: seed, verbose: verbose)
                let summary = try await job.send(options: options, outputPath: output, errorsPath: errorsPath,
                                                 diagnostics: { printError("pr-sim judge: \($0)") })
                printInfo(summary.line(errorsFile: errorsPath))
                failed = summary.failed
            }
            if status != 0 { throw ExitCode(status) }
            if failed > 0 { throw ExitCode(1) }
        }

        /// Where failed requests go: --errors, else next to the labels file.
        private var errorsPath: String? {
            if let errors { return errors }
            guard let output, output != "-" else { return nil }
            return (output.hasSuffix(".jsonl") ? String(output.dropLast(6)) : output) + ".errors.jsonl"
        }
    }
}

/// The judge prompt styles `--prompt-style` asks for.
enum PromptStyles: String, ExpressibleByArgument, CaseIterable {
    case direct = "1"
    case reasoned = "2"
    case both

    var styles: [PromptStyle] {
        switch self {
        case .direct: [.direct]
        case .reasoned: [.reasoned]
        case .both: PromptStyle.allCases
        }
    }
}
