#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON Lines to a file descriptor through a buffer.
///
/// Records are built with ``JSONObjectBuilder``, so keys come out in the order the
/// code adds them and numbers in their shortest round-trip form. The buffer is
/// flushed after every line when `lineBuffered` is set (the default when the
/// descriptor is a terminal), otherwise when it fills and at ``flush()``.
public final class JSONLWriter {
    private let fd: Int32
    private let name: String
    private let lineBuffered: Bool
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16
    /// Whether nothing has been written yet (for the tools' "empty output" warnings).
    public private(set) var isEmpty = true

    /// A writer on `fd`; `lineBuffered` nil means "when `fd` is a terminal".
    public init(fd: Int32 = 1, name: String = "<stdout>", lineBuffered: Bool? = nil) {
        self.fd = fd
        self.name = name
        self.lineBuffered = lineBuffered ?? (isatty(fd) == 1)
        buffer.reserveCapacity(capacity + 4096)
    }

    /// Appends one record built by `build` as a line.
    public func write(_ build: (inout JSONObjectBuilder) -> Void) throws {
        JSONObjectBuilder.appendLine(to: &buffer, build)
        isEmpty = false
        if lineBuffered || buffer.count >= capacity { try flush() }
    }

    /// Appends lines rendered elsewhere with ``JSONObjectBuilder/appendLine(to:_:)``
    /// (for example by worker threads).
    public func writeLines(_ lines: [UInt8]) throws {
        buffer.append(contentsOf: lines)
        isEmpty = isEmpty && lines.isEmpty
        if lineBuffered || buffer.count >= capacity { try flush() }
    }

    /// Appends raw text (used for non-JSONL output such as tables).
    public func writeText(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        isEmpty = isEmpty && text.isEmpty
        if lineBuffered || buffer.count >= capacity { try flush() }
    }

    /// Writes out everything buffered.
    public func flush() throws {
        var offset = 0
        defer { buffer.removeAll(keepingCapacity: true) }
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                writeBytes(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: name, message: "write failed: \(FileIO.errnoText())", status: .ioError)
            }
            offset += n
        }
    }
}

/// `write(2)`, under a name that does not clash with ``JSONLWriter/write(_:)``.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// Builds one JSON object in place, in the order fields are added.
public struct JSONObjectBuilder {
    private var buffer: [UInt8]
    private var isEmpty = true

    /// A builder that continues `buffer`, taking it over (left empty) so that appending
    /// never copies what is already there.
    init(taking buffer: inout [UInt8]) {
        self.buffer = buffer
        buffer = []
        self.buffer.append(UInt8(ascii: "{"))
    }

    /// A fresh builder writing into its own buffer.
    public init() {
        var empty: [UInt8] = []
        self.init(taking: &empty)
    }

    /// Closes the object and hands its buffer over (leaving this builder empty), so the
    /// caller's next append does not copy it.
    mutating func finish() -> [UInt8] {
        buffer.append(UInt8(ascii: "}"))
        var result: [UInt8] = []
        swap(&result, &buffer)
        return result
    }

    /// Appends one record built by `build`, and a newline, to `lines`.
    public static func appendLine(to lines: inout [UInt8], _ build: (inout JSONObjectBuilder) -> Void) {
        var object = JSONObjectBuilder(taking: &lines)
        build(&object)
        lines = object.finish()
        lines.append(0x0A)
    }

    /// The finished object as a string.
    public consuming func text() -> String {
        String(decoding: finish(), as: UTF8.self)
    }

    private mutating func key(_ key: String) {
        if !isEmpty { buffer.append(UInt8(ascii: ",")) }
        isEmpty = false
        JSONText.appendString(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }

    /// Adds a string field.
    public mutating func add(_ key: String, _ value: String) {
        self.key(key)
        JSONText.appendString(value, to: &buffer)
    }

    /// Adds a number field; `value` must be finite.
    public mutating func add(_ key: String, _ value: Double) {
        self.key(key)
        JSONText.appendNumber(value, to: &buffer)
    }

    /// Adds a single-precision number in its shortest round-trip form; `value` must be finite.
    public mutating func add(_ key: String, _ value: Float) {
        self.key(key)
        precondition(value.isFinite, "JSON cannot represent \(value)")
        buffer.append(contentsOf: value.description.utf8)
    }

    /// Adds an integer field.
    public mutating func add(_ key: String, _ value: Int) {
        self.key(key)
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Adds a boolean field.
    public mutating func add(_ key: String, _ value: Bool) {
        self.key(key)
        buffer.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Adds a `null` field.
    public mutating func addNull(_ key: String) {
        self.key(key)
        buffer.append(contentsOf: "null".utf8)
    }

    /// Adds a number field, or `null` when `value` is nil.
    public mutating func add(_ key: String, _ value: Double?) {
        if let value { add(key, value) } else { addNull(key) }
    }

    /// Adds an array of strings.
    public mutating func add(_ key: String, _ values: [String]) {
        self.key(key)
        buffer.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONText.appendString(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    /// Adds an array of numbers.
    public mutating func add(_ key: String, _ values: [Double]) {
        self.key(key)
        buffer.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONText.appendNumber(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    /// Adds a nested object.
    public mutating func addObject(_ key: String, _ build: (inout JSONObjectBuilder) -> Void) {
        self.key(key)
        var nested = JSONObjectBuilder(taking: &buffer)
        build(&nested)
        buffer = nested.finish()
    }

    /// Adds an array of objects, one per element of `items`.
    public mutating func addArray<S: Sequence>(_ key: String, _ items: S,
                                               _ build: (inout JSONObjectBuilder, S.Element) -> Void) {
        self.key(key)
        buffer.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            var nested = JSONObjectBuilder(taking: &buffer)
            build(&nested, item)
            buffer = nested.finish()
        }
        buffer.append(UInt8(ascii: "]"))
    }
}

/// JSON text encoding of scalars.
enum JSONText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `value` as a quoted JSON string, escaping quotes, backslashes and control characters.
    static func appendString(_ value: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole.
        var value = value
        let copied = value.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            buffer.append(contentsOf: bytes)
            return true
        }
        if copied {
            buffer.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: buffer.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: buffer.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                buffer.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in the shortest form that reads back to the same double.
    static func appendNumber(_ value: Double, to buffer: inout [UInt8]) {
        precondition(value.isFinite, "JSON cannot represent \(value)")
        if value == value.rounded(), abs(value) < 1e15 {
            buffer.append(contentsOf: String(Int64(value)).utf8)
            return
        }
        buffer.append(contentsOf: value.description.utf8)
    }
}
