import PRouterIO

/// Where a judge endpoint is and how to authenticate to it.
public struct JudgeEndpoint: Sendable {
    /// The full `.../v1/chat/completions` address.
    public var url: String
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
        guard Self.isHTTPAddress(base) else {
            throw UsageError("--base-url \"\(baseURL)\": expected an http:// or https:// address")
        }
        self.url = base + "/chat/completions"
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.keyVariable = keyVariable
        self.timeout = timeout
    }

    /// Whether `address` is `http://` or `https://` (any case) followed by a host, with
    /// no spaces or control characters anywhere.
    private static func isHTTPAddress(_ address: String) -> Bool {
        guard address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return false }
        let lower = address.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else { return false }
        let rest = address.dropFirst(scheme.count)
        let authority = rest.prefix { !"/?#".contains($0) }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last!.prefix { $0 != ":" }
        return !host.isEmpty
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
public enum ChatOutcome: Sendable, Equatable {
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

    /// The outcome of an HTTP reply with `status` and `body` from `endpoint`: the chat
    /// completion of a 2xx reply, else the status with the body's error message (the
    /// API key blotted out, should a server echo it).
    public static func reply(status: Int, retryAfter: Double?, body: [UInt8], endpoint: JudgeEndpoint) -> ChatOutcome {
        guard (200..<300).contains(status) else {
            return .status(status, retryAfter: retryAfter, detail: redact(errorDetail(body), key: endpoint.apiKey))
        }
        return parseCompletion(body, source: endpoint.url)
    }

    private static func redact(_ text: String, key: String?) -> String {
        guard let key else { return text }
        return text.split(separator: key, omittingEmptySubsequences: false).joined(separator: "***")
    }

    /// The `error.message` of an OpenAI-style error body, else the body's start.
    private static func errorDetail(_ bytes: [UInt8]) -> String {
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
    static func parseCompletion(_ bytes: [UInt8], source: String) -> ChatOutcome {
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

/// Sends chat-completions requests to a judge endpoint. The HTTP implementation lives in
/// its own module (`PRouterHTTP`), so that the tools that never judge do not load the
/// networking stack at start-up.
public protocol ChatTransport: Sendable {
    /// Posts `body` (one JSON object) and waits for the outcome; never throws. Every
    /// request has an overall deadline of the endpoint's timeout.
    func send(_ body: String) async -> ChatOutcome
    /// Lets requests in flight finish, then releases the connections. Called once, at the
    /// end of a run.
    func close()
}
