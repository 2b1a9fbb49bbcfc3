#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CJansson

/// Reads JSON Lines: one JSON object per line, from a file or standard input.
///
/// Blank lines are skipped; a UTF-8 BOM and CRLF line ends are tolerated; any other
/// malformation is a ``DataError`` naming the file and line. jansson does the parsing.
public struct JSONLReader {
    /// The name used in error messages: the path, or `<stdin>`.
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool

    /// Opens `path`; `-` means standard input.
    public init(path: String) throws {
        if path == "-" {
            self.init(fd: 0, name: FileIO.displayName(path), ownsDescriptor: false)
            return
        }
        self.init(fd: try FileIO.openInput(path), name: path, ownsDescriptor: true)
    }

    private init(fd: Int32, name: String, ownsDescriptor: Bool) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = ownsDescriptor
    }

    /// Calls `body` once per record, in order, then closes the input. With `skip`, a line
    /// that is not a JSON object or whose `body` throws a ``DataError`` is handed to `skip`
    /// with that error, and reading goes on.
    public func forEach(skippingBadLines skip: ((DataError) -> Void)? = nil, _ body: (JSONRecord) throws -> Void) throws {
        try forEachLine { bytes, lineNumber in
            do {
                try Self.parseObject(bytes, at: SourceLocation(file: name, line: lineNumber), body)
            } catch let error as DataError where skip != nil {
                skip!(error)
            }
        }
    }

    /// Calls `body` with each non-blank line and its number, then closes the input;
    /// `whenIdle` before waiting for input that has not arrived yet.
    func forEachLine(whenIdle: () throws -> Void = {}, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        defer { if ownsDescriptor { close(fd) } }
        var lines = LineReader(fd: fd, name: name)
        while try lines.nextLine({ bytes, lineNumber in
            guard !Self.isBlank(bytes) else { return }
            try body(bytes, lineNumber)
        }, whenIdle: whenIdle) {}
    }

    /// Decodes every record with `decode` into an array.
    public func decodeAll<T>(_ decode: (JSONRecord) throws -> T) throws -> [T] {
        var records: [T] = []
        try forEach { records.append(try decode($0)) }
        return records
    }

    /// Parses `bytes` as one JSON object and calls `body` with it.
    public static func parseObject(_ bytes: UnsafeRawBufferPointer, at location: SourceLocation,
                                   _ body: (JSONRecord) throws -> Void) throws {
        var error = json_error_t()
        guard let parsed = json_loadb(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count,
                                      Int(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL), &error) else {
            let text = withUnsafeBytes(of: &error.text) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if let key = Self.key(before: min(max(Int(error.position), 0), bytes.count), in: bytes) {
                throw DataError("field \"\(key)\": invalid JSON at column \(error.column): \(text)", at: location)
            }
            throw DataError("invalid JSON at column \(error.column): \(text)", at: location)
        }
        defer { cjansson_decref(parsed) }
        guard cjansson_type(parsed) == Int32(JSON_OBJECT.rawValue) else {
            throw DataError("expected a JSON object, got \(JSONRecord.render(OpaquePointer(parsed)))", at: location)
        }
        try body(JSONRecord(object: OpaquePointer(parsed), location: location))
    }

    /// The object key whose value starts just before byte `offset` (`"key": value`), if
    /// the text there has that shape: it names the field of a value jansson rejects (an
    /// integer too big for 64 bits).
    static func key(before offset: Int, in bytes: UnsafeRawBufferPointer) -> String? {
        var end = offset
        while end > 0, bytes[end - 1] != UInt8(ascii: ":") {
            guard bytes[end - 1] != UInt8(ascii: ",") && bytes[end - 1] != UInt8(ascii: "{") else { return nil }
            end -= 1
        }
        end -= 1
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard end > 1, bytes[end - 1] == UInt8(ascii: "\"") else { return nil }
        var start = end - 1
        while start > 0, bytes[start - 1] != UInt8(ascii: "\"") { start -= 1 }
        guard start > 0 else { return nil }
        return String(decoding: bytes[start..<(end - 1)], as: UTF8.self)
    }

    private static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte != 0x20 && byte != 0x09 && byte != 0x0D {
            return false
        }
        return true
    }
}
