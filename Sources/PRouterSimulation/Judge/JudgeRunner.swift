import PRouterAutodiff
import PRouterIO

/// How a judge run talks to its endpoint.
public struct JudgeRunOptions: Sendable {
    public var endpoint: JudgeEndpoint
    /// What sends the requests (``ChatCompletionsClient`` of `PRouterHTTP` for a real endpoint).
    public var transport: any ChatTransport
    public var retry: RetryPolicy
    /// Requests in flight at once.
    public var jobs: Int
    /// Seeds the retry jitter (the response order is seeded by the plan).
    public var seed: UInt64
    /// Report every retry on stderr.
    public var verbose: Bool

    public init(endpoint: JudgeEndpoint, transport: any ChatTransport, retry: RetryPolicy, jobs: Int, seed: UInt64, verbose: Bool) {
        self.endpoint = endpoint
        self.transport = transport
        self.retry = retry
        self.jobs = jobs
        self.seed = seed
        self.verbose = verbose
    }
}

/// What a judge run did.
public struct JudgeRunSummary: Sendable, Equatable {
    /// Labels written by this run.
    public var labelled = 0
    /// Requests left out because the labels file already had their label.
    public var skipped = 0
    /// Requests given up (unparseable replies, rejected requests), written to the errors file.
    public var failed = 0
    /// Requests sent again after a failure.
    public var retries = 0
    public var tokens = TokenUsage()
    public var seconds = 0.0

    /// The final stderr line.
    public func line(errorsFile: String?) -> String {
        var text = "\(labelled) labelled, \(skipped) skipped (already labelled), \(failed) failed"
        if failed > 0, let errorsFile { text += " (see \(errorsFile))" }
        text += ", \(retries) retries, \(tokens.prompt + tokens.completion) tokens (\(tokens.prompt) prompt + "
            + "\(tokens.completion) completion), \(Decimals.fixed(seconds, 1)) s"
        return text
    }
}

/// Sends a plan's requests with bounded concurrency and writes each verdict as it is settled.
///
/// Labels are written in plan order (a sliding window holds replies that arrive early), so
/// a deterministic endpoint gives byte-identical files whatever `jobs` is. Each request is
/// retried under the ``RetryPolicy``; a 401/403, a 404, an address that cannot work, or an
/// endpoint still failing after every try ends the run with a ``ServiceError``, after
/// writing every verdict already settled.
struct JudgeRunner: Sendable {
    let client: any ChatTransport
    let options: JudgeRunOptions
    let diagnostics: @Sendable (String) -> Void
    private let gate: RateGate

    init(options: JudgeRunOptions, diagnostics: @escaping @Sendable (String) -> Void) {
        self.options = options
        gate = RateGate(jobs: options.jobs)
        self.diagnostics = diagnostics
        client = options.transport
    }

    /// The settled fate of one request.
    private struct Verdict: Sendable {
        enum Kind: Sendable {
            case label(String)
            case failure(String, reply: String?)
            case fatal(ServiceError)
            case cancelled
        }

        var kind: Kind
        var retries = 0
        var tokens = TokenUsage()
    }

    /// Runs `requests`, appending labels to `labels` and failures to `errors`.
    func run(_ requests: [JudgeRequest], skipped: Int, labels: AppendLog, errors: AppendLog?) async throws -> JudgeRunSummary {
        defer { client.close() }
        let start = monotonicSeconds()
        var summary = JudgeRunSummary(skipped: skipped)
        var status = StatusLine()
        var lastDrawn = start
        var fatal: ServiceError?
        var settled: [Int: Verdict] = [:]
        var written = 0
        let window = options.jobs * 4

        func record(_ index: Int, _ verdict: Verdict) throws {
            summary.retries += verdict.retries
            summary.tokens += verdict.tokens
            let request = requests[index]
            switch verdict.kind {
            case .label(let llm):
                try labels.writer.write { line in
                    line.add("user", request.user)
                    line.add("query_id", request.queryID)
                    line.add("best_llm", llm)
                    line.add("judge", request.configuration.model)
                    line.add("prompt_style", request.configuration.style.rawValue)
                }
                summary.labelled += 1
            case .failure(let reason, let reply):
                summary.failed += 1
                if let errors {
                    try errors.writer.write { line in
                        line.add("user", request.user)
                        line.add("query_id", request.queryID)
                        line.add("judge", request.configuration.model)
                        line.add("prompt_style", request.configuration.style.rawValue)
                        line.add("error", reason)
                        if let reply { line.add("reply", reply) }
                    }
                } else {
                    diagnostics("\(request.name): \(reason)")
                }
            case .fatal, .cancelled:
                break
            }
        }

        try await withThrowingTaskGroup(of: (Int, Verdict).self) { group in
            var next = 0
            var inFlight = 0
            while written < requests.count {
                while fatal == nil, inFlight < options.jobs, next < requests.count, next < written + window {
                    let index = next
                    group.addTask { (index, await judge(requests[index])) }
                    next += 1
                    inFlight += 1
                }
                guard let (index, verdict) = try await group.next() else { break }
                inFlight -= 1
                if case .fatal(let error) = verdict.kind, fatal == nil {
                    fatal = error
                    group.cancelAll()
                }
                settled[index] = verdict
                while let verdict = settled.removeValue(forKey: written) {
                    try record(written, verdict)
                    written += 1
                }
                if status.isShown, monotonicSeconds() - lastDrawn > 0.2 || written == requests.count {
                    lastDrawn = monotonicSeconds()
                    status.show(progress(done: written, total: requests.count, elapsed: lastDrawn - start, summary: summary))
                }
            }
            // After a fatal error, keep everything settled, in plan order.
            for index in settled.keys.sorted() { try record(index, settled[index]!) }
        }
        status.end()
        try labels.sync()
        try errors?.sync()
        summary.seconds = monotonicSeconds() - start
        if let fatal {
            diagnostics(summary.line(errorsFile: errors?.name))
            throw fatal
        }
        return summary
    }

    private func progress(done: Int, total: Int, elapsed: Double, summary: JudgeRunSummary) -> String {
        let seconds = max(elapsed, 1e-3)
        let rate = Double(done) / seconds
        let eta = rate > 0 ? Int(Double(total - done) / rate) : 0
        return "\(done)/\(total) settled  \(Decimals.fixed(rate, 1))/s  eta \(eta / 60)m\(eta % 60)s  "
            + "retries \(summary.retries)  failed \(summary.failed)"
    }

    /// Asks for one request's label until it is settled.
    private func judge(_ request: JudgeRequest) async -> Verdict {
        let policy = options.retry
        var random = SplitMix64(seed: options.seed, stream: StableHash.fnv1a("retry\u{0}" + request.key))
        var verdict = Verdict(kind: .cancelled)
        var failures = 0
        var unreadable = 0
        let name = request.name
        while !Task.isCancelled {
            do { try await gate.acquire() } catch { return verdict }
            let outcome = await client.send(request.body)
            if case .status(let code, let after, _) = outcome, code == 429 || after != nil {
                await gate.throttle(retryAfter: after, cut: code == 429)
            }
            await gate.release(succeeded: { if case .reply = outcome { true } else { false } }())
            let problem: String
            var retryAfter: Double?
            var reply: String?
            var isUnreadable = false
            switch outcome {
            case .reply(let text, let tokens):
                verdict.tokens += tokens
                if let number = request.configuration.style.parse(text, candidates: request.order.count) {
                    verdict.kind = .label(request.order[number - 1])
                    return verdict
                }
                problem = "unparseable reply"
                reply = text
                isUnreadable = true
            case .malformed(let reason):
                problem = reason
                isUnreadable = true
            case .status(let code, let after, let detail):
                if let error = refusal(code, detail: detail, model: request.configuration.model) {
                    verdict.kind = .fatal(error)
                    return verdict
                }
                guard RetryPolicy.isRetryable(status: code) else {
                    verdict.kind = .failure("HTTP \(code): \(detail)", reply: nil)
                    return verdict
                }
                problem = "HTTP \(code)" + (detail.isEmpty ? "" : ": \(detail)")
                retryAfter = after
            case .transport(let reason, let retryable):
                guard retryable else {
                    verdict.kind = .fatal(ServiceError("\(options.endpoint.url): \(reason)", status: .unavailable))
                    return verdict
                }
                problem = reason
            }
            if isUnreadable {
                // A reply came but said nothing usable: ask again at once, a bounded number of times.
                unreadable += 1
                guard unreadable > policy.parseRetries else {
                    verdict.retries += 1
                    if options.verbose { diagnostics("\(name): \(problem); asking again") }
                    continue
                }
                verdict.kind = .failure("\(problem) (\(unreadable) tries)", reply: reply)
                return verdict
            }
            failures += 1
            guard failures < policy.attempts else {
                verdict.kind = .fatal(ServiceError(
                    "\(options.endpoint.url): \(problem), \(failures) tries for \(name); stopping "
                        + "(every label settled so far is written: run again to resume)", status: .temporaryFailure))
                return verdict
            }
            let wait = policy.delay(afterFailure: failures, retryAfter: retryAfter, random: &random)
            verdict.retries += 1
            if options.verbose { diagnostics("\(name): \(problem); retrying in \(Decimals.fixed(wait, 2)) s") }
            do { try await Task.sleep(for: .seconds(wait)) } catch { return verdict }
        }
        return verdict
    }

    /// The error that ends the run for statuses no retry can mend: a refused key or a wrong address.
    private func refusal(_ code: Int, detail: String, model: String) -> ServiceError? {
        let url = options.endpoint.url
        let variable = options.endpoint.keyVariable
        switch code {
        case 401, 403:
            let hint = options.endpoint.apiKey == nil ? "no key was sent: set \(variable)" : "check the key in \(variable)"
            return ServiceError("\(url): HTTP \(code), the endpoint refused the request (\(hint)): \(detail)", status: .noPermission)
        case 404:
            return ServiceError("\(url): HTTP 404, no such endpoint or model \"\(model)\" (check --base-url and "
                                + "--judge-model): \(detail)", status: .unavailable)
        default:
            return nil
        }
    }
}
