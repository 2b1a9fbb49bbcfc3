import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PRouterIO
import PRouterSimulation
import Synchronization

/// Sends chat-completions requests with URLSession (FoundationNetworking on Linux, which
/// uses the system's libcurl): HTTPS and proxies come with it, and it adds no package to
/// the build. Every request has an overall deadline; the key only ever goes into the
/// `Authorization` header, and text from the server is redacted before it is reported.
public final class ChatCompletionsClient: ChatTransport {
    let endpoint: JudgeEndpoint
    private let session: URLSession

    /// A client of `endpoint` keeping up to `connections` connections open.
    public init(endpoint: JudgeEndpoint, connections: Int) {
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
    public func close() {
        session.finishTasksAndInvalidate()
    }

    /// Posts `body` (one JSON object) and waits for the outcome; never throws.
    public func send(_ body: String) async -> ChatOutcome {
        guard let url = URL(string: endpoint.url) else { return .transport("bad address \(endpoint.url)", retryable: false) }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
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
        return .reply(status: http.statusCode, retryAfter: retryAfter(http), body: Array(data ?? Data()), endpoint: endpoint)
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
        guard let text = response.value(forHTTPHeaderField: "Retry-After")?.trimmingCharacters(in: .whitespaces) else {
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
