import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Where a judge endpoint is and how to authenticate to it.
public struct JudgeEndpoint: Sendable {
    /// The full `.../v1/chat/completions` address.
    public var url: URL
    /// The API key, sent as a bearer token; nil sends no `Authorization` header.
    public var apiKey: String?
    /// The environment variable the key came from, for messages (never the key itself).
    public var keyVariable: String
    /// Seconds one request may take, from sending to the last byte of the reply.
    public var timeout: Double

    /// An endpoint from a base address: `https://host` and `https://host/v1` both mean
    /// `https://host/v1/chat/completions`.
    public init(baseURL: String, apiKey: String?, keyVariable: String, timeout: Double) throws {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        guard let url = URL(string: base + "/chat/completions"), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw UsageError("--base-url \"\(baseURL)\": expected an http:// or https:// address")
        }
        self.url = url
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.keyVariable = keyVariable
        self.timeout = timeout
    }
}

/// Token counts from a reply's `usage` object (zero when the endpoint sends none).
public struct TokenUsage: Sendable, Equatable {
    public var prompt = 0
    public var completion = 0

    public init(prompt: Int = 0, completion: Int = 0) {
        self.prompt = prompt
        self.completion = completion
    }

    static func += (total: inout TokenUsage, more: TokenUsage) {
        total.prompt += more.prompt
        total.completion += more.completion
    }
}

/// What became of one chat-completions request.
enum ChatOutcome: Sendable, Equatable {
    /// A 2xx reply carrying the first choice's message text.
    case reply(String, TokenUsage)
    /// A 2xx reply that is not a chat completion.
    case malformed(String)
    /// A non-2xx HTTP status, with the delay the server asked for (`retry-after-ms` or
    /// `Retry-After`) and a short description from the body.
    case status(Int, retryAfter: Double?, detail: String)
    /// No HTTP reply: connection refused or lost, timeout... `retryable` is false for
    /// errors that repeating cannot mend (a bad address, an untrusted certificate).
    case transport(String, retryable: Bool)
}

/// Sends chat-completions requests with URLSession (FoundationNetworking on Linux, which
/// uses the system's libcurl): HTTPS and proxies come with it, and it adds no package to
/// the build. Every request has an overall deadline; the key only ever goes into the
/// `Authorization` header, and text from the server is redacted before it is reported.
final class ChatCompletionsClient: Sendable {
    let endpoint: JudgeEndpoint
    private let session: URLSession

    init(endpoint: JudgeEndpoint, connections: Int) {
        self.endpoint = endpoint
        let backstop = endpoint.timeout.rounded(.up) + 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        // FoundationNetworking rounds timeouts down to whole seconds (0.3 s times out at
        // once); its own timeouts are only a backstop behind the deadline of `send`.
        configuration.timeoutIntervalForRequest = backstop
        configuration.timeoutIntervalForResource = backstop
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    /// Lets requests in flight finish, then releases the session. Call it once, outside
    /// any completion handler (invalidating from the session's own queue deadlocks).
    func close() {
        session.finishTasksAndInvalidate()
    }

    /// Posts `body` (one JSON object) and waits for the outcome; never throws.
    func send(_ body: String) async -> ChatOutcome {
        var request = URLRequest(url: endpoint.url, cachePolicy: .reloadIgnoringLocalCacheData,
                                 timeoutInterval: endpoint.timeout.rounded(.up) + 1)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = endpoint.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.utf8)
        let flight = Flight()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ChatOutcome, Never>) in
                let endpoint = endpoint
                let task = session.dataTask(with: request) { data, response, error in
                    continuation.resume(returning: Self.outcome(data: data, response: response, error: error,
                                                                timedOut: flight.timedOut, endpoint: endpoint))
                }
                flight.start(task, deadline: endpoint.timeout)
            }
        } onCancel: {
            flight.cancel()
        }
    }

    private static func outcome(data: Data?, response: URLResponse?, error: (any Error)?, timedOut: Bool,
                                endpoint: JudgeEndpoint) -> ChatOutcome {
        if timedOut { return .transport("no complete reply within \(Decimals.fixed(endpoint.timeout, 1)) s", retryable: true) }
        if let error { return transportOutcome(error) }
        guard let http = response as? HTTPURLResponse else { return .transport("not an HTTP reply", retryable: true) }
        let bytes = data ?? Data()
        guard (200..<300).contains(http.statusCode) else {
            return .status(http.statusCode, retryAfter: retryAfter(http),
                           detail: redact(errorDetail(bytes), key: endpoint.apiKey))
        }
        return parseCompletion(bytes, source: endpoint.url.absoluteString)
    }

    /// `text` with the API key blotted out, should a server echo it.
    private static func redact(_ text: String, key: String?) -> String {
        guard let key else { return text }
        return text.replacingOccurrences(of: key, with: "***")
    }

    private static func transportOutcome(_ error: any Error) -> ChatOutcome {
        guard let error = error as? URLError else { return .transport("\(error)", retryable: true) }
        let hopeless: Set<URLError.Code> = [
            .badURL, .unsupportedURL, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
            .clientCertificateRequired,
        ]
        let text: String
        switch error.code {
        case .timedOut: text = "timed out"
        case .cannotConnectToHost: text = "cannot connect"
        case .networkConnectionLost: text = "connection lost"
        case .cannotFindHost, .dnsLookupFailed: text = "cannot resolve the host name"
        case .badServerResponse: text = "bad server response"
        default: text = error.localizedDescription
        }
        return .transport(text, retryable: !hopeless.contains(error.code))
    }

    /// Seconds to wait from `retry-after-ms` (OpenAI's) or `Retry-After` (seconds or an HTTP date).
    static func retryAfter(_ response: HTTPURLResponse) -> Double? {
        if let text = response.value(forHTTPHeaderField: "retry-after-ms"), let ms = Double(text), ms.isFinite, ms >= 0 {
            return ms / 1000
        }
        guard let text = response.value(forHTTPHeaderField: "Retry-After")?.trimmingCharacters(in: " \t") else {
            return nil
        }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = format.date(from: text) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }

    /// The `error.message` of an OpenAI-style error body, else the body's start.
    private static func errorDetail(_ bytes: Data) -> String {
        var message: String?
        bytes.withUnsafeBytes { raw in
            try? JSONLReader.parseObject(raw, at: SourceLocation(file: "reply", line: 1)) { record in
                message = try record.object("error").optionalString("message")
            }
        }
        let text = message ?? String(decoding: bytes.prefix(200), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// The first choice's message content and the usage counts of a chat completion.
    static func parseCompletion(_ bytes: Data, source: String) -> ChatOutcome {
        do {
            var outcome = ChatOutcome.malformed("empty reply")
            try bytes.withUnsafeBytes { raw in
                try JSONLReader.parseObject(raw, at: SourceLocation(file: source, line: 1)) { record in
                    let content = try record.objectArray("choices")[0].object("message").optionalString("content", allowEmpty: true)
                    var usage = TokenUsage()
                    if record.has("usage") {
                        let counts = try record.object("usage")
                        usage.prompt = try counts.optionalInteger("prompt_tokens") ?? 0
                        usage.completion = try counts.optionalInteger("completion_tokens") ?? 0
                    }
                    outcome = .reply(content ?? "", usage)
                }
            }
            return outcome
        } catch {
            return .malformed("not a chat completion: \(error)")
        }
    }
}

/// One request in flight: its URLSession task, the overall deadline, and cancellation
/// (which may arrive before the task exists).
private final class Flight: Sendable {
    private struct State {
        var task: URLSessionDataTask?
        var cancelled = false
        var timedOut = false
    }

    private let state = Mutex(State())

    var timedOut: Bool { state.withLock { $0.timedOut } }

    func start(_ task: URLSessionDataTask, deadline seconds: Double) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { return task.cancel() }
        task.resume()
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            let task = state.withLock { state -> URLSessionDataTask? in
                state.timedOut = true
                return state.task
            }
            task?.cancel()
        }
    }

    func cancel() {
        let task = state.withLock { state -> URLSessionDataTask? in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
