import ArgumentParser
import PRouterKit

extension PRSim {
    /// `pr-sim judge`: LLM-as-a-Judge requests.
    struct Judge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask judge LLMs which response each user would prefer (LLM-as-a-Judge).",
            discussion: """
                For every user with a profile (users.jsonl), every query with response texts \
                (responses.jsonl) and every configuration (--judge-model x --prompt-style), \
                builds one OpenAI-compatible chat-completions request: the profile as the \
                system message, the query and the numbered candidate responses (shuffled with \
                --seed against position bias) as the user message. Prompt style 1 asks for \
                "Best response: N"; style 2 for a short reasoning ending in [[N]].

                --dry-run writes the exact request bodies as JSON Lines, in order. Sending them \
                to an endpoint is not available yet (exit 69).

                --questionnaire turns human answers ({"participant","query_id","choice"}, with an \
                optional "order" of the LLMs as shown; otherwise response N is the query's N-th \
                line in responses.jsonl) into labels.jsonl lines {"user","query_id","best_llm",\
                "judge":"human","prompt_style":null} that `pr-sim --labels` consumes.

                Examples:
                  pr-sim judge --users users.jsonl --judge-model gpt-4o-mini --prompt-style both --dry-run responses.jsonl
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

        @Option(help: ArgumentHelp("A judge model (repeatable).", valueName: "model"))
        var judgeModel: [String] = []

        @Option(help: ArgumentHelp("1, 2 or both.", valueName: "style"), completion: .list(["1", "2", "both"]))
        var promptStyle: String = "1"

        @Option(help: "Seed for the response order shown to the judge.")
        var seed: UInt64 = 0

        @Flag(help: "Write the request bodies instead of sending them.")
        var dryRun = false

        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"),
                completion: .file())
        var output: String?

        func validate() throws {
            guard (users == nil) != (questionnaire == nil) else {
                throw ValidationError("give --users (LLM judges) or --questionnaire (human answers)")
            }
            if questionnaire != nil { return }
            guard !judgeModel.isEmpty else { throw ValidationError("give at least one --judge-model") }
            guard ["1", "2", "both"].contains(promptStyle) else { throw ValidationError("--prompt-style takes 1, 2 or both") }
        }

        func run() throws {
            let styles: [PromptStyle] = promptStyle == "both" ? PromptStyle.allCases : [PromptStyle(rawValue: Int(promptStyle)!)!]
            let configurations = judgeModel.flatMap { model in styles.map { JudgeConfiguration(model: model, style: $0) } }
            let job = JudgeJob(responsesPath: responses, llmsPath: llms, usersPath: users, questionnairePath: questionnaire,
                               configurations: configurations, seed: seed, dryRun: dryRun)
            let status = runTool("pr-sim judge") {
                try OutputFile(path: output, lineBuffered: false).produce(job.run)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
