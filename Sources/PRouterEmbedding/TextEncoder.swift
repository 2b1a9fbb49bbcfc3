#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterIO

/// The built-in text encoder: hashed word unigrams and bigrams and character
/// trigrams, with sublinear term frequency (`1 + log tf`), signed feature hashing
/// into `dimension` buckets and L2 normalization.
///
/// It needs no download, is deterministic across platforms (FNV-1a hashing), and
/// embeds a short text in microseconds, so `pr-route` can embed new queries inline.
public struct TextEncoder: Sendable, Equatable {
    public let dimension: Int

    /// The name stored in graph files, so that routing uses the same encoder.
    public var name: String { "hashed-ngrams-v1" }

    public init(dimension: Int) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
    }

    /// The embedding of `text`: zero for text without letters or digits.
    public func encode(_ text: String) -> [Float] {
        var counts: [UInt64: Float] = [:]
        let words = Self.words(text)
        for (i, word) in words.enumerated() {
            counts[StableHash.fnv1a(word), default: 0] += 1
            if i > 0 { counts[StableHash.fnv1a(words[i - 1] + " " + word), default: 0] += 1 }
            let padded = Array(("<" + word + ">").unicodeScalars)
            if padded.count >= 3 {
                for start in 0...(padded.count - 3) {
                    var gram = "#"
                    gram.unicodeScalars.append(contentsOf: padded[start..<start + 3])
                    counts[StableHash.fnv1a(gram), default: 0] += 0.5
                }
            }
        }
        var vector = [Float](repeating: 0, count: dimension)
        // Summed in hash order: Dictionary order changes from process to process, and
        // float addition in a bucket shared by two n-grams is not associative.
        for (hash, count) in counts.sorted(by: { $0.key < $1.key }) {
            let bucket = Int(hash % UInt64(dimension))
            let sign: Float = (hash >> 63) == 0 ? 1 : -1
            vector[bucket] += sign * (1 + logf(count))
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in vector.indices { vector[i] /= norm } }
        return vector
    }

    /// Lower-cased runs of letters and digits.
    package static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
