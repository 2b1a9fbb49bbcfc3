import PRouterAutodiff
import PRouterIO

/// The sections of a verified container as a graph decoder reads them, each error naming
/// the file.
struct SectionReader {
    let file: SectionFile
    let name: String

    /// A corrupted-file error.
    func fail(_ message: String) -> DataError { DataError("\(name): corrupted: \(message)") }

    func section(_ tag: String) throws -> SectionFile.Section {
        guard let section = file.section(tag) else { throw DataError("\(name): missing section \(tag)") }
        return section
    }

    func u8(_ tag: String) throws -> [UInt8] { try section(tag).values(.u8, name: name) }
    func u32(_ tag: String) throws -> [UInt32] { try section(tag).values(.u32, name: name) }
    func f32(_ tag: String) throws -> [Float] { try section(tag).values(.f32, name: name) }
    func f64(_ tag: String) throws -> [Double] { try section(tag).values(.f64, name: name) }
    func strings(_ tag: String) throws -> [String] { try section(tag).stringValues(name: name) }

    /// Parses the JSON section `tag` (such as META) and calls `body` with it.
    func json(_ tag: String, _ body: (JSONRecord) throws -> Void) throws {
        try json(section(tag), body)
    }

    private func json(_ section: SectionFile.Section, _ body: (JSONRecord) throws -> Void) throws {
        try section.bytes.withUnsafeBytes { raw in
            try JSONLReader.parseObject(raw, at: SourceLocation(file: name, line: 1), body)
        }
    }

    /// The FEAT section's header; nil when the graph has no features yet.
    func featureHeader() throws -> FeatureHeader? {
        guard let section = file.section(FeatureHeader.tag) else { return nil }
        var header = FeatureHeader(encoder: "", dimension: 0, llmColumns: 0)
        try json(section) { meta in
            header.encoder = try meta.string("encoder")
            header.dimension = try meta.optionalInteger("dimension", minimum: 1) ?? 0
            header.llmColumns = try meta.optionalInteger("llm_columns", minimum: 1) ?? 0
        }
        return header
    }

    /// Checks that every index in `values` is below `bound` (`what` names them in the error).
    func checkIndices(_ values: [UInt32], below bound: Int, _ what: String) throws {
        if let bad = values.first(where: { Int($0) >= bound }) { throw fail("\(what) index \(bad) out of range") }
    }

    /// `raw` decoded as `T` values; a value `T` does not know is an error naming `what`.
    func decoded<T: RawRepresentable>(_ raw: [T.RawValue], as type: T.Type, _ what: String) throws -> [T] {
        try raw.map { value in
            guard let decoded = T(rawValue: value) else { throw fail("unknown \(what) \(value)") }
            return decoded
        }
    }

    /// The f32 matrix section `tag`, which must hold `rows x cols` values.
    func matrix(_ tag: String, rows: Int, cols: Int) throws -> Matrix {
        let data = try f32(tag)
        guard data.count == rows * cols else { throw fail("\(tag) has \(data.count) values for \(rows) x \(cols)") }
        return Matrix(rows: rows, cols: cols, data: data)
    }
}

/// What the FEAT section of a graph file records about its feature matrices: the encoder
/// that made the text rows, their width, and the LLM rows' width.
struct FeatureHeader {
    static let tag = "FEAT"

    var encoder: String
    var dimension: Int
    var llmColumns: Int

    /// The FEAT section.
    var section: SectionFile.Section {
        var meta = JSONObjectBuilder()
        meta.add("encoder", encoder)
        meta.add("dimension", dimension)
        meta.add("llm_columns", llmColumns)
        let bytes = Array(meta.text().utf8)
        return SectionFile.Section(tag: Self.tag, kind: .json, count: bytes.count, bytes: bytes)
    }
}
