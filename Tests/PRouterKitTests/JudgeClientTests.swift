import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
@testable import PRouterHTTP
@testable import PRouterKit
@testable import PRouterSimulation

/// Judge runs against a stub OpenAI-compatible server on 127.0.0.1.
@Suite struct JudgeClientTests {
    static let key = "sk-stub-SECRET-0123456789"

    /// Two users who each like one LLM's answers, two queries, three LLMs.
    struct World {
        let scratch: Scratch
        init() throws {
            scratch = try Scratch()
            let responses = (0..<2).flatMap { q in
                ["a", "b", "c"].map { llm in
                    #"{"query_id":"q\#(q)","task":"t","query":"question \#(q)","llm":"\#(llm)","performance":0.5,"cost":1,"response":"answer of \#(llm)"}"#
                }
            }
            try scratch.file("responses.jsonl", responses.joined(separator: "\n") + "\n")
            try scratch.file("users.jsonl", """
                {"user":"u","profile":"A user who likes c."}
                {"user":"v","profile":"A user who likes a."}

                """)
        }

        func job(styles: [PromptStyle] = [.direct, .reasoned]) -> JudgeJob {
            JudgeJob(responsesPath: scratch.path("responses.jsonl"), llmsPath: nil, usersPath: scratch.path("users.jsonl"),
                     questionnairePath: nil, configurations: styles.map { JudgeConfiguration(model: "judge-1", style: $0) }, seed: 3)
        }

        /// The labels file's lines.
        func labels() throws -> [String] {
            try scratch.read("labels.jsonl").split(separator: "\n").map(String.init)
        }
    }

    /// A judge that answers for the LLM the profile names, in the form the prompt asks for.
    static func faithfulReply(_ request: StubServer.Request) -> StubServer.Reply {
        let liked = String(request.message("system").dropLast().split(separator: " ").last!)
        let prompt = request.message("user")
        let number = (1...3).first { prompt.contains("Response \($0):\nanswer of \(liked)") }!
        return .completion(prompt.contains("[[N]]") ? "They like \(liked). [[\(number)]]" : "Best response: \(number)")
    }

    /// Collects a run's diagnostics.
    final class Diagnostics: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var sink: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
    }

    static func options(_ server: StubServer, jobs: Int = 2, timeout: Double = 5, attempts: Int = 4,
                        key: String? = key) throws -> JudgeRunOptions {
        let endpoint = try JudgeEndpoint(baseURL: server.baseURL, apiKey: key, keyVariable: "TEST_KEY", timeout: timeout)
        return JudgeRunOptions(endpoint: endpoint, transport: ChatCompletionsClient(endpoint: endpoint, connections: jobs),
                               retry: RetryPolicy(attempts: attempts, baseDelay: 0.01, maxDelay: 0.05, parseRetries: 1),
                               jobs: jobs, seed: 1, verbose: true)
    }

    static func run(_ world: World, _ server: StubServer, options: JudgeRunOptions? = nil,
                    diagnostics: Diagnostics = Diagnostics()) async throws -> JudgeRunSummary {
        try await world.job().send(options: try options ?? Self.options(server), outputPath: world.scratch.path("labels.jsonl"),
                                   errorsPath: world.scratch.path("errors.jsonl"), diagnostics: diagnostics.sink)
    }

    static let expectedLabels = [
        #"{"user":"u","query_id":"q0","best_llm":"c","judge":"judge-1","prompt_style":1}"#,
        #"{"user":"u","query_id":"q0","best_llm":"c","judge":"judge-1","prompt_style":2}"#,
        #"{"user":"u","query_id":"q1","best_llm":"c","judge":"judge-1","prompt_style":1}"#,
        #"{"user":"u","query_id":"q1","best_llm":"c","judge":"judge-1","prompt_style":2}"#,
        #"{"user":"v","query_id":"q0","best_llm":"a","judge":"judge-1","prompt_style":1}"#,
        #"{"user":"v","query_id":"q0","best_llm":"a","judge":"judge-1","prompt_style":2}"#,
        #"{"user":"v","query_id":"q1","best_llm":"a","judge":"judge-1","prompt_style":1}"#,
        #"{"user":"v","query_id":"q1","best_llm":"a","judge":"judge-1","prompt_style":2}"#,
    ]

    @Test func labelsEveryRequestInPlanOrder() async throws {
        let world = try World()
        let server = try StubServer { request, _ in Self.faithfulReply(request) }
        defer { server.stop() }
        let summary = try await Self.run(world, server, options: try Self.options(server, jobs: 4))
        #expect(try world.labels() == Self.expectedLabels)
        #expect(summary.labelled == 8 && summary.failed == 0 && summary.skipped == 0 && summary.retries == 0)
        #expect(summary.tokens == TokenUsage(prompt: 800, completion: 40))
        let requests = server.requests
        #expect(requests.count == 8)
        #expect(requests.allSatisfy {
            $0.method == "POST" && $0.path == "/v1/chat/completions" && $0.headers["authorization"] == "Bearer \(Self.key)"
                && $0.headers["content-type"] == "application/json" && $0.model == "judge-1"
        })
        // The labels match the dry run's plan: the bodies sent are the planned bodies.
        let planned = try JudgePlan.requests(table: try ResponseTable(
            responses: try JSONLReader(path: world.scratch.path("responses.jsonl")).decodeAll(Response.init), llms: nil),
            users: try Catalog.users(world.scratch.path("users.jsonl"), requirePreferences: false),
            configurations: world.job().configurations, seed: 3)
        #expect(Set(requests.map(\.body)) == Set(planned.map(\.body)))
    }

    @Test func outputDoesNotDependOnJobs() async throws {
        var files: [String] = []
        for jobs in [1, 3, 8] {
            let world = try World()
            // Replies arrive out of order: later requests answer sooner.
            let server = try StubServer { request, number in
                var reply = Self.faithfulReply(request)
                reply.delay = Double(8 - number % 8) * 0.005
                return reply
            }
            defer { server.stop() }
            _ = try await Self.run(world, server, options: try Self.options(server, jobs: jobs))
            files.append(try world.scratch.read("labels.jsonl"))
        }
        #expect(files.allSatisfy { $0 == files[0] })
    }

    @Test func unparseableRepliesGoToTheErrorsFileNeverIntoLabels() async throws {
        let world = try World()
        let server = try StubServer { request, _ in
            request.message("user").contains("question 1") ? .completion("They would all be fine.") : Self.faithfulReply(request)
        }
        defer { server.stop() }
        let summary = try await Self.run(world, server)
        #expect(summary.labelled == 4 && summary.failed == 4)
        #expect(try world.labels().allSatisfy { $0.contains(#""query_id":"q0""#) })
        let errors = try decodeLines(try world.scratch.read("errors.jsonl")) { record in
            (try record.string("query_id"), try record.string("error"), try record.string("reply"))
        }
        #expect(errors.count == 4)
        #expect(errors.allSatisfy { $0 == ("q1", "unparseable reply (2 tries)", "They would all be fine.") })
        // Asked once and again once (parseRetries 1) for each of the four q1 requests.
        #expect(server.requests.count == 4 + 4 * 2)
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        let world = try World()
        let server = try StubServer { request, number in
            number == 0 ? .error(429, "Rate limit reached", headers: ["Retry-After": "1"]) : Self.faithfulReply(request)
        }
        defer { server.stop() }
        let start = ContinuousClock.now
        let summary = try await Self.run(world, server, options: try Self.options(server, jobs: 1))
        #expect(ContinuousClock.now - start >= .seconds(1))
        #expect(summary.labelled == 8 && summary.retries == 1)
        #expect(try world.labels() == Self.expectedLabels)
    }

    @Test func retryAfterMillisecondsPausesEveryWorker() async throws {
        let world = try World()
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let server = try StubServer { request, number in
            arrivals.withLock { $0.append(.now) }
            return number == 0 ? .error(429, "slow down", headers: ["retry-after-ms": "400"]) : Self.faithfulReply(request)
        }
        defer { server.stop() }
        let summary = try await Self.run(world, server, options: try Self.options(server, jobs: 1))
        #expect(summary.labelled == 8)
        let times = arrivals.withLock { $0 }
        #expect(times[1] - times[0] >= .milliseconds(400))
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        let world = try World()
        let server = try StubServer { request, number in
            number < 3 ? .error(500 + number, "overloaded") : Self.faithfulReply(request)
        }
        defer { server.stop() }
        let diagnostics = Diagnostics()
        let summary = try await Self.run(world, server, options: try Self.options(server, jobs: 1), diagnostics: diagnostics)
        #expect(summary.labelled == 8 && summary.retries == 3 && summary.failed == 0)
        #expect(try world.labels() == Self.expectedLabels)
        #expect(diagnostics.all.contains { $0.contains("HTTP 502: overloaded; retrying in") })
    }

    @Test func timeoutsAreRetried() async throws {
        let world = try World()
        let server = try StubServer { request, number in
            var reply = Self.faithfulReply(request)
            if number == 0 { reply.delay = 6 }
            return reply
        }
        defer { server.stop() }
        let diagnostics = Diagnostics()
        let summary = try await Self.run(world, server, options: try Self.options(server, jobs: 1, timeout: 1),
                                         diagnostics: diagnostics)
        #expect(summary.labelled == 8 && summary.retries >= 1)
        // In any order, and in either words: on a loaded machine another request can be
        // slow to answer too, and URLSession's own deadline (a second later) can fire
        // before the client's timer has run.
        #expect(diagnostics.all.contains { line in
            ["no complete reply within 1.0 s; retrying", "timed out; retrying"].contains { line.hasPrefix("u / q0 (judge-1, style 1): " + $0) }
        }, "\(diagnostics.all)")
        #expect(try world.labels() == Self.expectedLabels)
    }

    @Test func endpointThatKeepsFailingStopsTheRunKeepingLabels() async throws {
        let world = try World()
        let server = try StubServer { request, number in
            number < 2 ? Self.faithfulReply(request) : .error(503, "down")
        }
        defer { server.stop() }
        await #expect(throws: ServiceError.self) { try await Self.run(world, server, options: try Self.options(server, jobs: 1)) }
        do {
            _ = try await Self.run(world, server, options: try Self.options(server, jobs: 1, attempts: 3))
        } catch let error as ServiceError {
            #expect(error.status == .temporaryFailure && error.message.contains("HTTP 503: down, 3 tries"))
        }
        #expect(try world.labels() == Array(Self.expectedLabels.prefix(2)))
    }

    @Test func refusedKeyStopsAtOnceAndNeverShowsTheKey() async throws {
        let world = try World()
        // The server echoes the key, as a careless one might.
        let server = try StubServer { request, _ in
            .error(401, "Incorrect API key provided: \(request.headers["authorization"] ?? "")")
        }
        defer { server.stop() }
        let diagnostics = Diagnostics()
        var caught: ServiceError?
        do {
            _ = try await Self.run(world, server, options: try Self.options(server, jobs: 2), diagnostics: diagnostics)
        } catch let error as ServiceError {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.status == .noPermission)
        #expect(error.message.contains("HTTP 401") && error.message.contains("check the key in TEST_KEY"))
        #expect(server.requests.count <= 2)
        let everything = [error.message, try world.scratch.read("labels.jsonl")] + diagnostics.all
        #expect(!everything.joined().contains(Self.key))
        #expect(error.message.contains("Bearer ***"))
    }

    @Test func missingKeyIsNamed() async throws {
        let world = try World()
        let server = try StubServer { request, _ in
            request.headers["authorization"] == nil ? .error(401, "no key") : Self.faithfulReply(request)
        }
        defer { server.stop() }
        await #expect { try await Self.run(world, server, options: try Self.options(server, key: nil)) } throws: { error in
            (error as? ServiceError)?.message.contains("no key was sent: set TEST_KEY") == true
        }
    }

    @Test func rejectedRequestIsAFailureNotAFatal() async throws {
        let world = try World()
        let server = try StubServer { request, _ in
            request.message("system").contains("likes a") ? .error(400, "context too long") : Self.faithfulReply(request)
        }
        defer { server.stop() }
        let summary = try await Self.run(world, server)
        #expect(summary.labelled == 4 && summary.failed == 4 && summary.retries == 0)
        #expect(try world.scratch.read("errors.jsonl").contains(#""error":"HTTP 400: context too long""#))
    }

    @Test func resumesSkippingLabelledTriplesAndCuttingATornLine() async throws {
        let world = try World()
        let torn = String(Self.expectedLabels[5].prefix(30))
        try world.scratch.file("labels.jsonl", Self.expectedLabels[0...2].joined(separator: "\n") + "\n"
                               + Self.expectedLabels[4] + "\n" + torn)
        let server = try StubServer { request, _ in Self.faithfulReply(request) }
        defer { server.stop() }
        let diagnostics = Diagnostics()
        let summary = try await Self.run(world, server, diagnostics: diagnostics)
        #expect(summary.skipped == 4 && summary.labelled == 4 && server.requests.count == 4)
        #expect(diagnostics.all.contains { $0.contains("cut an unfinished last line (30 bytes)") })
        let lines = try world.labels()
        #expect(lines.count == 8 && Set(lines) == Set(Self.expectedLabels))
        #expect(Array(lines.prefix(4)) == Array(Self.expectedLabels[0...2]) + [Self.expectedLabels[4]])
        // A second run has nothing left to ask.
        let again = try await Self.run(world, server)
        #expect(again.skipped == 8 && again.labelled == 0 && server.requests.count == 4)
    }

    @Test func aLabelsFileWithATwiceLabelledTripleIsRefusedBeforeResuming() async throws {
        let world = try World()
        let content = Self.expectedLabels[0...1].joined(separator: "\n") + "\n" + Self.expectedLabels[0] + "\n"
        try world.scratch.file("labels.jsonl", content)
        let server = try StubServer { request, _ in Self.faithfulReply(request) }
        defer { server.stop() }
        let error = await #expect(throws: DataError.self) { _ = try await Self.run(world, server) }
        #expect(error?.description.contains("labels.jsonl:3: field \"query_id\": second label for user") == true, "\(error?.description ?? "")")
        let after = try world.scratch.read("labels.jsonl")
        #expect(server.requests.isEmpty && after == content)
    }

    @Test func survivesKillNineMidRun() async throws {
        let world = try World()
        // The first process gets three replies; its fourth request is held until it is killed.
        // The request timeout outlasts any wait for the kill: a test run that keeps this
        // test's task waiting a minute for a thread (slow tests beside it) must not let the
        // held request time out and be retried, or the first process finishes the run.
        let killed = Mutex(false)
        let server = try StubServer { request, number in
            while number == 3 && !killed.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
            return Self.faithfulReply(request)
        }
        defer { server.stop() }
        let labels = world.scratch.path("labels.jsonl")
        let arguments = ["judge", "--users", world.scratch.path("users.jsonl"), "--judge-model", "judge-1", "--prompt-style", "both",
                         "--seed", "3", "--base-url", server.baseURL, "--api-key-env", "PROUTER_TEST_KEY", "--jobs", "1",
                         "--timeout", "3600", "-o", labels, world.scratch.path("responses.jsonl")]
        let environment = ["PROUTER_TEST_KEY": Self.key]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(productsDirectory())/pr-sim")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<3000 where server.requests.count < 4 {
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        killed.withLock { $0 = true }
        let before = try String(contentsOfFile: labels, encoding: .utf8)
        #expect(before == Self.expectedLabels.prefix(3).map { $0 + "\n" }.joined())

        let rerun = try runTool("pr-sim", arguments, environment: environment)
        #expect(rerun.status == 0)
        let after = try String(contentsOfFile: labels, encoding: .utf8)
        #expect(after == Self.expectedLabels.map { $0 + "\n" }.joined())
        #expect(rerun.err.contains("5 labelled, 3 skipped (already labelled), 0 failed"))
        #expect(!(rerun.out + rerun.err + after).contains(Self.key))
    }

    @Test func retryAfterForms() throws {
        func response(_ headers: [String: String]) -> HTTPURLResponse {
            HTTPURLResponse(url: URL(string: "http://127.0.0.1/")!, statusCode: 429, httpVersion: "HTTP/1.1", headerFields: headers)!
        }
        #expect(ChatCompletionsClient.retryAfter(response(["Retry-After": "7"])) == 7)
        #expect(ChatCompletionsClient.retryAfter(response(["retry-after-ms": "250", "Retry-After": "1"])) == 0.25)
        #expect(ChatCompletionsClient.retryAfter(response(["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"])) == 0)
        let soon = Date().addingTimeInterval(30)
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let wait = try #require(ChatCompletionsClient.retryAfter(response(["Retry-After": format.string(from: soon)])))
        #expect(wait > 25 && wait <= 30)
        #expect(ChatCompletionsClient.retryAfter(response(["Retry-After": "soon"])) == nil)
        #expect(ChatCompletionsClient.retryAfter(response([:])) == nil)
    }

    @Test func backoffDoublesWithJitterUnderTheCap() {
        let policy = RetryPolicy(attempts: 8, baseDelay: 1, maxDelay: 10, parseRetries: 0)
        var random = SplitMix64(seed: 5)
        for failures in 1...6 {
            let ceiling = min(10, pow(2, Double(failures - 1)))
            for _ in 0..<50 {
                let delay = policy.delay(afterFailure: failures, retryAfter: nil, random: &random)
                #expect(delay >= ceiling / 2 && delay <= ceiling)
            }
        }
        #expect(policy.delay(afterFailure: 1, retryAfter: 30, random: &random) == 30)
    }

    @Test func concurrencyHalvesOnTooManyRequestsAndGrowsBack() async throws {
        let gate = RateGate(jobs: 8)
        for _ in 0..<8 { try await gate.acquire() }
        await gate.throttle(retryAfter: nil, cut: true)
        #expect(await gate.currentLimit == 4)
        // A second 429 from the same burst does not cut again.
        await gate.throttle(retryAfter: nil, cut: true)
        #expect(await gate.currentLimit == 4)
        for _ in 0..<8 { await gate.release(succeeded: false) }
        for _ in 0..<(4 * 4) {
            try await gate.acquire()
            await gate.release(succeeded: true)
        }
        #expect(await gate.currentLimit == 5)
        for _ in 0..<1000 {
            try await gate.acquire()
            await gate.release(succeeded: true)
        }
        #expect(await gate.currentLimit == 8)
    }

    @Test func endpointAddresses() throws {
        func url(_ base: String) throws -> String {
            try JudgeEndpoint(baseURL: base, apiKey: "", keyVariable: "K", timeout: 1).url
        }
        #expect(try url("https://api.example.com") == "https://api.example.com/v1/chat/completions")
        #expect(try url("http://127.0.0.1:8000/v1/") == "http://127.0.0.1:8000/v1/chat/completions")
        #expect(try JudgeEndpoint(baseURL: "http://h", apiKey: "", keyVariable: "K", timeout: 1).apiKey == nil)
        #expect(errorMessage { _ = try url("ftp://h") } == #"--base-url "ftp://h": expected an http:// or https:// address"#)
        #expect(errorMessage { _ = try url("not a url") } != nil)
    }

    @Test func chatCompletionParsing() {
        let ok = #"{"choices":[{"message":{"role":"assistant","content":"Best response: 2"}}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#
        #expect(ChatOutcome.parseCompletion(Array(ok.utf8), source: "s") == .reply("Best response: 2", TokenUsage(prompt: 12, completion: 3)))
        guard case .malformed = ChatOutcome.parseCompletion(Array(#"{"choices":[]}"#.utf8), source: "s") else {
            Issue.record("an empty choices array is not a completion")
            return
        }
        guard case .malformed = ChatOutcome.parseCompletion(Array("<html>".utf8), source: "s") else {
            Issue.record("HTML is not a completion")
            return
        }
    }
}
