#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the lines of a file descriptor without holding the whole input in memory.
///
/// A UTF-8 byte-order mark at the start of the input and a `\r` before each `\n`
/// are dropped; the last line need not end with a newline. A line longer than
/// ``maximumLineLength`` is refused (exit 65, naming the file and line) as soon as that
/// much of it has been read, so that one endless line cannot take all memory.
struct LineReader {
    /// The longest line accepted: 16 MiB.
    static let maximumLineLength = 16 << 20

    private let fd: Int32
    private let name: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var isFirstLine = true
    /// The 1-based number of the line most recently returned.
    private(set) var lineNumber = 0

    init(fd: Int32, name: String, chunkSize: Int = 1 << 18) {
        self.fd = fd
        self.name = name
        buffer = [UInt8](repeating: 0, count: chunkSize)
        #if os(Linux)
        // From a pipe, a fast producer then hands over up to 1 MiB (the unprivileged
        // maximum) at a time instead of 64 KiB; if refused, the pipe stays as it was.
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFIFO { _ = fcntl(fd, Self.setPipeSize, Int32(1 << 20)) }
        #endif
    }

    /// Linux's `F_SETPIPE_SZ`, which Glibc's module does not export.
    private static let setPipeSize: Int32 = 1031

    /// Calls `body` with the next line's bytes (valid only during the call) and its
    /// 1-based number; returns false at end of input. `whenIdle` is called before waiting
    /// for input that has not arrived yet (every complete line read has been handed over).
    mutating func nextLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void,
                           whenIdle: () throws -> Void = {}) throws -> Bool {
        while true {
            if let newline = findNewline() {
                try emit(from: start, to: newline, body)
                start = newline + 1
                return true
            }
            if atEOF {
                guard start < end else { return false }
                let lineEnd = end
                try emit(from: start, to: lineEnd, body)
                start = end
                return true
            }
            if !hasInput() { try whenIdle() }
            try refill()
        }
    }

    /// Whether a read would return at once (input has arrived, or its end).
    private func hasInput() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            let base = raw.baseAddress!
            guard let hit = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    private mutating func emit(from lineStart: Int, to lineEnd: Int,
                               _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        lineNumber += 1
        var first = lineStart
        var last = lineEnd
        if isFirstLine {
            isFirstLine = false
            if last - first >= 3, buffer[first] == 0xEF, buffer[first + 1] == 0xBB, buffer[first + 2] == 0xBF {
                first += 3
            }
        }
        if last > first, buffer[last - 1] == 0x0D { last -= 1 }
        try buffer.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[first..<last]), lineNumber)
        }
    }

    private mutating func refill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, pending)
                }
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            guard end < Self.maximumLineLength else {
                throw DataError("line longer than \(Self.maximumLineLength >> 20) MiB (the longest a JSON Lines input may have)",
                                at: SourceLocation(file: name, line: lineNumber + 1))
            }
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, Self.maximumLineLength + 1 - buffer.count)))
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + end, raw.count - end)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: name, message: "read failed: \(FileIO.errnoText())", status: .ioError)
            }
            if n == 0 { atEOF = true } else { end += n }
            return
        }
    }
}
