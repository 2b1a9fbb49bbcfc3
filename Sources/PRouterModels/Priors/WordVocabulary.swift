import PRouterEmbedding
import PRouterIO

/// The words a bag-of-words regression reads: lower-cased runs of letters and digits
/// (``TextEncoder/words(_:)``) that occur in at least two of the texts it was
/// built from, at most ``limit`` of them (the most frequent; ties by hash), each known
/// by its 64-bit FNV-1a hash so that the vocabulary stores as plain counts.
///
/// A word seen in a single text cannot generalize to an unseen query; it would only
/// let the regression memorize that text.
package struct WordVocabulary: Equatable {
    /// The most columns a vocabulary has.
    static let limit = 1024

    /// The words' hashes, in column order.
    let hashes: [UInt64]
    private let column: [UInt64: Int]

    /// The vocabulary of `texts` (each counted once per distinct text it is in).
    package init(texts: [String]) {
        var documents: [UInt64: Int] = [:]
        for text in texts {
            for hash in Set(TextEncoder.words(text).map(StableHash.fnv1a)) { documents[hash, default: 0] += 1 }
        }
        let kept = documents.filter { $0.value >= 2 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(Self.limit)
        self.init(hashes: kept.map(\.key).sorted())
    }

    private init(hashes: [UInt64]) {
        self.hashes = hashes
        column = Dictionary(uniqueKeysWithValues: hashes.enumerated().map { ($1, $0) })
    }

    package var count: Int { hashes.count }

    /// The counts of `text`'s vocabulary words, weighted by `weighting`, as (column,
    /// input) pairs in column order.
    package func counts(_ text: String, _ weighting: TermWeighting = .count) -> [(column: Int, count: Float)] {
        var counts: [Int: Float] = [:]
        for word in TextEncoder.words(text) {
            if let column = column[StableHash.fnv1a(word)] { counts[column, default: 0] += 1 }
        }
        return counts.keys.sorted().map { ($0, weighting.input(counts[$0]!)) }
    }

    /// Writes the vocabulary (each hash as two counts, high half first).
    func archive(into archive: inout StateArchive) {
        archive.append(count: hashes.count)
        for hash in hashes {
            archive.append(count: Int(hash >> 32))
            archive.append(count: Int(hash & 0xffff_ffff))
        }
    }

    /// The vocabulary `archive(into:)` wrote; its hashes must be strictly increasing.
    init(from reader: inout StateArchive.Reader) throws {
        var hashes: [UInt64] = []
        for _ in 0..<(try reader.count(atMost: Self.limit)) {
            let hash = UInt64(try reader.count(atMost: Int(UInt32.max))) << 32 | UInt64(try reader.count(atMost: Int(UInt32.max)))
            guard hashes.last.map({ $0 < hash }) ?? true else { throw reader.corrupted() }
            hashes.append(hash)
        }
        self.init(hashes: hashes)
    }
}
