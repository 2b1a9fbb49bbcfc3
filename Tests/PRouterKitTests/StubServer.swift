import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small OpenAI-compatible HTTP/1.1 server on 127.0.0.1, inside the test process: each
/// connection gets a thread, one request and a reply from `handler` (after the reply's
/// delay), then is closed. It listens on a port the kernel picks and never reaches out.
final class StubServer: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names in lower case.
        var headers: [String: String]
        var body: String

        /// The message with `role` in a chat-completions body.
        func message(_ role: String) -> String {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                  let messages = object["messages"] as? [[String: Any]],
                  let message = messages.first(where: { $0["role"] as? String == role }) else { return "" }
            return message["content"] as? String ?? ""
        }

        var model: String {
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return object?["model"] as? String ?? ""
        }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: String
        /// Seconds to wait before answering.
        var delay: Double = 0

        /// A chat completion whose first choice says `content`.
        static func completion(_ content: String, promptTokens: Int = 100, completionTokens: Int = 5) -> Reply {
            let object: [String: Any] = [
                "id": "chatcmpl-stub", "object": "chat.completion",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                          "total_tokens": promptTokens + completionTokens],
            ]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return Reply(status: 200, body: String(decoding: data, as: UTF8.self))
        }

        /// An OpenAI-style error.
        static func error(_ status: Int, _ message: String, headers: [String: String] = [:]) -> Reply {
            let data = try! JSONSerialization.data(withJSONObject: ["error": ["message": message, "type": "stub"]])
            return Reply(status: status, headers: headers, body: String(decoding: data, as: UTF8.self))
        }
    }

    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request, Int) -> Reply
    private let log = Mutex<[Request]>([])

    /// Starts listening; `handler` gets each request and its 0-based arrival number.
    init(handler: @escaping @Sendable (Request, Int) -> Reply) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StubError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw StubError("bind: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    var requests: [Request] { log.withLock { $0 } }

    /// Stops accepting connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            // Not inherited by the tools other tests start meanwhile, which would hold the
            // connection open after it is closed here.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        func readMore() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            received.append(contentsOf: chunk[0..<n])
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            guard readMore() else { return }
            headerEnd = received.indices.dropLast(3).first { Array(received[$0..<$0 + 4]) == separator }
        }
        let head = String(decoding: received[0..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" { sendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n") }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while received.count - (headerEnd! + 4) < length {
            guard readMore() else { return }
        }
        let body = String(decoding: received[(headerEnd! + 4)..<(headerEnd! + 4 + length)], as: UTF8.self)
        let request = Request(method: String(requestLine.first ?? ""), path: String(requestLine.dropFirst().first ?? ""),
                              headers: headers, body: body)
        let number = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        let reply = handler(request, number)
        if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
        var text = "HTTP/1.1 \(reply.status) Stub\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(reply.body.utf8.count)\r\nConnection: close\r\n"
        for (name, value) in reply.headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        sendAll(fd, text + "\r\n" + reply.body)
    }

    private func sendAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }
}

struct StubError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
