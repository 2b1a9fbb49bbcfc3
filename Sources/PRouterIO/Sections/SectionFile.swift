import Dispatch

#if _endian(big)
#error("prouter's binary files are little-endian; big-endian hosts are not supported")
#endif

/// The binary container of graph (`.prg`) and weights (`.prw`) files: a header, a section table and
/// 16-byte-aligned sections, each with a CRC-32, all little-endian, so that a
/// reader can memory-map the file and use the arrays in place.
///
/// ```
/// offset  size  field
/// 0       8     magic: "PRGRAPH\0" or "PRWEIGH\0"
/// 8       4     format version (u32)
/// 12      4     section count (u32)
/// 16      8     file size in bytes (u64)
/// 24      4     CRC-32 of bytes 0..<24 followed by the section table (u32)
/// 28      4     reserved, 0
/// 32      40*n  section table: tag (4 ASCII bytes), kind (u32), offset (u64),
///               byte length (u64), element count (u64), CRC-32 of the bytes (u32), reserved (u32)
/// ...           sections, each at a multiple of 16, zero-padded between
/// ```
/// Kinds: 1 u8, 2 u32, 3 f32, 4 f64, 5 strings, 6 JSON text. A strings section holds
/// `count + 1` u64 byte offsets followed by the concatenated UTF-8 bytes.
public struct SectionFile: Sendable, Equatable {
    /// What a file holds, which its magic bytes tell.
    public enum Content: String, Sendable {
        case graph
        case weights

        var magic: [UInt8] { Array(self == .graph ? "PRGRAPH".utf8 : "PRWEIGH".utf8) + [0] }
    }
    /// The format version this build writes; it reads this version only.
    public static let version: UInt32 = 1
    static let headerSize = 32
    static let entrySize = 40

    /// The element type of a section.
    public enum Kind: UInt32, Sendable, Equatable {
        case u8 = 1, u32 = 2, f32 = 3, f64 = 4, strings = 5, json = 6

        var elementSize: Int? {
            switch self {
            case .u8, .json: 1
            case .u32, .f32: 4
            case .f64: 8
            case .strings: nil
            }
        }
    }

    /// One named section. A decoded section is a view into its file's bytes, so that
    /// decoding copies nothing until its values are taken.
    public struct Section: Sendable, Equatable {
        public var tag: String
        public var kind: Kind
        public var count: Int
        /// The bytes the payload lies in, and where.
        private var storage: FileBytes
        private var range: Range<Int>

        public init(tag: String, kind: Kind, count: Int, bytes: [UInt8]) {
            self.init(tag: tag, kind: kind, count: count, storage: FileBytes(bytes), range: bytes.indices)
        }

        init(tag: String, kind: Kind, count: Int, storage: FileBytes, range: Range<Int>) {
            precondition(tag.utf8.count == 4, "section tags are 4 ASCII bytes")
            self.tag = tag
            self.kind = kind
            self.count = count
            self.storage = storage
            self.range = range
        }

        /// The payload.
        public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

        /// The payload's size in bytes.
        public var byteCount: Int { range.count }

        /// Calls `body` with the payload in place.
        public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try body(UnsafeRawBufferPointer(rebasing: storage.buffer[range]))
        }

        public static func == (lhs: Section, rhs: Section) -> Bool {
            lhs.tag == rhs.tag && lhs.kind == rhs.kind && lhs.count == rhs.count && lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { a.elementsEqual($0) } }
        }
    }

    public var content: Content
    public var sections: [Section]
    /// For a decoded file, its header checksum, which covers every section's checksum:
    /// a fingerprint of the whole content.
    public private(set) var fingerprint: UInt32?

    public init(_ content: Content = .graph, sections: [Section]) {
        self.content = content
        self.sections = sections
    }

    /// The section tagged `tag`, if present.
    public func section(_ tag: String) -> Section? {
        sections.first { $0.tag == tag }
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var offsets: [Int] = []
        var cursor = Self.align(Self.headerSize + Self.entrySize * sections.count)
        for section in sections {
            offsets.append(cursor)
            cursor = Self.align(cursor + section.byteCount)
        }
        var bytes = [UInt8](repeating: 0, count: cursor)
        bytes.replaceSubrange(0..<8, with: content.magic)
        Self.store(UInt32(Self.version), at: 8, in: &bytes)
        Self.store(UInt32(sections.count), at: 12, in: &bytes)
        Self.store(UInt64(cursor), at: 16, in: &bytes)
        for (i, section) in sections.enumerated() {
            let entry = Self.headerSize + i * Self.entrySize
            bytes.replaceSubrange(entry..<entry + 4, with: Array(section.tag.utf8))
            Self.store(section.kind.rawValue, at: entry + 4, in: &bytes)
            Self.store(UInt64(offsets[i]), at: entry + 8, in: &bytes)
            Self.store(UInt64(section.byteCount), at: entry + 16, in: &bytes)
            Self.store(UInt64(section.count), at: entry + 24, in: &bytes)
            Self.store(section.withUnsafeBytes { CRC32.checksum($0) }, at: entry + 32, in: &bytes)
            section.withUnsafeBytes { payload in
                bytes.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[offsets[i]...]).copyMemory(from: payload) }
            }
        }
        Self.store(bytes.withUnsafeBytes { Self.headerChecksum($0, sectionCount: sections.count) }, at: 24, in: &bytes)
        return bytes
    }

    /// Parses and fully verifies a file's bytes: magic, version, sizes, bounds and every checksum.
    /// `name` is used in error messages.
    public init(decoding bytes: [UInt8], name: String, expecting content: Content = .graph) throws {
        try self.init(decoding: FileBytes(bytes), name: name, expecting: content)
    }

    /// Reads (memory-maps) and fully verifies the file at `path`; its sections are views
    /// into the mapping.
    public init(contentsOf path: String, expecting content: Content = .graph) throws {
        try self.init(decoding: FileBytes(path: path), name: path, expecting: content)
    }

    /// Parses and fully verifies `file`, whose bytes the sections then refer to.
    public init(decoding file: FileBytes, name: String, expecting content: Content = .graph) throws {
        self.content = content
        let bytes = file.buffer
        func fail(_ message: String) -> DataError { DataError("\(name): \(message)") }
        guard bytes.count >= Self.headerSize else {
            throw fail("truncated: \(bytes.count) bytes is shorter than the \(Self.headerSize)-byte header")
        }
        guard Array(bytes[0..<8]) == content.magic else { throw fail("not a prouter \(content.rawValue) file (bad magic)") }
        let version: UInt32 = file.load(at: 8)
        guard version == Self.version else {
            throw fail("format version \(version) is not supported (this build reads version \(Self.version))")
        }
        let count = Int(file.load(at: 12) as UInt32)
        let declaredSize: UInt64 = file.load(at: 16)
        guard declaredSize == UInt64(bytes.count) else {
            throw fail(declaredSize > UInt64(bytes.count)
                       ? "truncated: \(bytes.count) of \(declaredSize) bytes"
                       : "\(UInt64(bytes.count) - declaredSize) unexpected bytes after the end")
        }
        guard count <= (bytes.count - Self.headerSize) / Self.entrySize else {
            throw fail("corrupted: section table of \(count) entries does not fit")
        }
        guard file.load(at: 24) as UInt32 == Self.headerChecksum(bytes, sectionCount: count) else {
            throw fail("corrupted: header checksum mismatch")
        }
        fingerprint = file.load(at: 24)
        guard file.load(at: 28) as UInt32 == 0 else { throw fail("corrupted: reserved header bytes are not zero") }
        var sections: [Section] = []
        var checksums: [UInt32] = []
        var used: [Range<Int>] = [0..<Self.headerSize + Self.entrySize * count]
        for i in 0..<count {
            let entry = Self.headerSize + i * Self.entrySize
            let tag = String(decoding: bytes[entry..<entry + 4], as: UTF8.self)
            guard let kind = Kind(rawValue: file.load(at: entry + 4)) else {
                throw fail("corrupted: section \(tag) has an unknown kind")
            }
            let offset: UInt64 = file.load(at: entry + 8)
            let length: UInt64 = file.load(at: entry + 16)
            let elements: UInt64 = file.load(at: entry + 24)
            guard offset <= UInt64(bytes.count), length <= UInt64(bytes.count) - offset else {
                throw fail("truncated: section \(tag) runs past the end of the file")
            }
            if let size = kind.elementSize, elements.multipliedReportingOverflow(by: UInt64(size)) != (length, false) {
                throw fail("corrupted: section \(tag) has \(length) bytes for \(elements) elements")
            }
            guard elements <= length || kind == .strings else { throw fail("corrupted: section \(tag) count") }
            let range = Int(offset)..<Int(offset + length)
            used.append(range)
            checksums.append(file.load(at: entry + 32))
            sections.append(Section(tag: tag, kind: kind, count: Int(elements), storage: file, range: range))
        }
        if let bad = Self.firstChecksumMismatch(sections, expected: checksums) {
            throw fail("corrupted: checksum mismatch in section \(bad.tag)")
        }
        var cursor = 0
        for range in used.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            guard range.lowerBound >= cursor else { throw fail("corrupted: sections overlap") }
            guard bytes[cursor..<range.lowerBound].allSatisfy({ $0 == 0 }) else { throw fail("corrupted: padding is not zero") }
            cursor = range.upperBound
        }
        guard bytes[cursor...].allSatisfy({ $0 == 0 }) else { throw fail("corrupted: padding is not zero") }
        self.sections = sections
    }

    /// The first of `sections` whose payload's CRC-32 is not its expected one. The
    /// checksums are computed on all cores, largest sections first so that none is left
    /// for one core at the end.
    private static func firstChecksumMismatch(_ sections: [Section], expected: [UInt32]) -> Section? {
        let order = sections.indices.sorted { sections[$0].byteCount > sections[$1].byteCount }
        let matches = ResultSlots<Bool>(count: sections.count)
        DispatchQueue.concurrentPerform(iterations: order.count) { k in
            let i = order[k]
            matches.set(i, sections[i].withUnsafeBytes { CRC32.checksum($0) } == expected[i])
        }
        return zip(sections, matches.values).first { !$0.1 }?.0
    }

    private static func headerChecksum(_ raw: UnsafeRawBufferPointer, sectionCount: Int) -> UInt32 {
        let head = CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<24]))
        let table = headerSize..<headerSize + entrySize * sectionCount
        return CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[table]), continuing: head)
    }

    static func align(_ offset: Int) -> Int { (offset + 15) & ~15 }

    static func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + $0.count, with: $0) }
    }
}
