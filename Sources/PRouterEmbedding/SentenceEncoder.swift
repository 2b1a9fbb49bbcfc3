import PRouterIO
/// A text encoder built into prouter: texts in, vectors of one fixed width out. Graph
/// files record the encoder's name, so that routing embeds new queries the same way.
public protocol SentenceEncoder: Sendable {
    /// The name stored in graph files.
    var name: String { get }
    /// The width of the vectors.
    var dimension: Int { get }
    /// The vectors of `texts`, in order.
    func encode(_ texts: [String]) -> [[Float]]
    /// The vectors of `texts`, in order, each depending on its own text only (not on the
    /// other texts of the call, nor on the machine): how routing embeds new queries.
    func encodeEach(_ texts: [String]) -> [[Float]]
}

extension TextEncoder: SentenceEncoder {
    public func encode(_ texts: [String]) -> [[Float]] { texts.map(encode) }
    /// Hashed n-grams are computed a text at a time anyway.
    public func encodeEach(_ texts: [String]) -> [[Float]] { encode(texts) }
}

extension MiniLMEncoder: SentenceEncoder {
    public var name: String { Self.name }
    public var dimension: Int { Self.dimension }
}

/// The built-in encoders by name (the names `pr-embed --encoder` takes).
public enum BuiltInEncoder: String, Sendable, CaseIterable {
    case hashed
    case minilm

    /// The encoder `choice` (or the name a graph file records): the hashed n-grams with
    /// `dimension` buckets, or all-MiniLM-L6-v2 loaded from `modelDirectory` (default
    /// ``MiniLMEncoder/defaultDirectory``).
    public static func named(_ choice: String, dimension: Int, modelDirectory: String?) throws -> any SentenceEncoder {
        switch choice {
        case "hashed", TextEncoder(dimension: 1).name:
            return TextEncoder(dimension: dimension)
        case "minilm", MiniLMEncoder.name:
            return try MiniLMEncoder(directory: modelDirectory ?? MiniLMEncoder.defaultDirectory)
        default:
            throw UsageError("unknown encoder \"\(choice)\" (expected \(allCases.map(\.rawValue).joined(separator: " or ")))")
        }
    }
}
