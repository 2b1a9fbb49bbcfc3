import PRouterIO
/// What the WordPiece tokenizer needs from a `tokenizer.json`: the vocabulary in id order
/// and the model's settings.
///
/// Parsing the 30,522-entry JSON vocabulary takes tens of milliseconds, most of a
/// single query's budget, so the first load writes a compact copy next to the file
/// (`tokenizer.json.vocab`: a header line naming the source's size, modification time
/// and inode, the settings, then one token per line), and later loads read that copy
/// while the header still matches the source.
struct TokenizerVocabulary: Equatable {
    /// Every token's UTF-8 bytes, back to back, in id order.
    private(set) var bytes: [UInt8] = []
    /// Where token `id` ends in `bytes`.
    private(set) var ends: [Int32] = []
    var unknown = ""
    var continuation = ""
    var maxCharactersPerWord = 0

    /// The tokens in id order.
    var tokens: [String] {
        ends.indices.map { String(decoding: bytes[VocabularyTable.range(of: $0, ends: ends)], as: UTF8.self) }
    }

    /// The vocabulary's lookup table.
    var table: VocabularyTable { VocabularyTable(bytes: bytes, ends: ends) }

    /// Adds the token with the next id.
    mutating func append(_ token: some Sequence<UInt8>) {
        bytes.append(contentsOf: token)
        ends.append(Int32(bytes.count))
    }

    /// The vocabulary of the `tokenizer.json` at `path`.
    static func load(_ path: String) throws -> TokenizerVocabulary {
        let stamp = "prouter-vocab 1 " + (try FileIO.version(of: path))
        let copyPath = path + ".vocab"
        if let copy = try? FileIO.readAll(path: copyPath), let vocabulary = decode(copy, stamp: stamp) { return vocabulary }
        let vocabulary = try parse(path)
        if let encoded = vocabulary.encoded(stamp: stamp) {
            try? FileIO.writeAtomically(encoded, to: copyPath)  // a read-only folder parses every time
        }
        return vocabulary
    }

    /// Parses `tokenizer.json` itself.
    static func parse(_ path: String) throws -> TokenizerVocabulary {
        let bytes = try FileIO.readAll(path: path)
        var result = TokenizerVocabulary()
        try bytes.withUnsafeBytes { raw in
            try JSONLReader.parseObject(raw, at: SourceLocation(file: path, line: 1)) { root in
                let normalizer = try root.object("normalizer")
                guard try normalizer.string("type") == "BertNormalizer", try normalizer.bool("lowercase") else {
                    throw normalizer.error("type", "expected a lower-casing BertNormalizer")
                }
                let model = try root.object("model")
                guard try model.string("type") == "WordPiece" else { throw model.error("type", "expected a WordPiece model") }
                result.unknown = try model.string("unk_token")
                result.continuation = try model.string("continuing_subword_prefix")
                result.maxCharactersPerWord = try model.integer("max_input_chars_per_word", minimum: 1)
                let members = try model.object("vocab").integerMembers()
                var tokens = [String?](repeating: nil, count: members.count)
                for (token, id) in members {
                    guard id < tokens.count, tokens[id] == nil else {
                        throw model.error("vocab", "ids are not 0..<\(members.count), each once (\"\(token)\": \(id))")
                    }
                    tokens[id] = token
                }
                for token in tokens { result.append(token!.utf8) }
            }
        }
        return result
    }

    /// The compact copy; nil when a token or setting holds a line break (then there is no copy).
    func encoded(stamp: String) -> [UInt8]? {
        let settings = [stamp, unknown, continuation, String(maxCharactersPerWord)]
        func hasLineBreak(_ text: some Sequence<UInt8>) -> Bool { text.contains { $0 == 0x0A || $0 == 0x0D } }
        guard !settings.contains(where: { hasLineBreak($0.utf8) }), !hasLineBreak(bytes) else { return nil }
        var copy = Array((settings.joined(separator: "\n") + "\n").utf8)
        copy.reserveCapacity(copy.count + bytes.count + ends.count)
        for id in ends.indices {
            copy.append(contentsOf: bytes[VocabularyTable.range(of: id, ends: ends)])
            copy.append(0x0A)
        }
        return copy
    }

    /// The vocabulary in a compact copy, if it was made from the source `stamp` describes.
    /// Its tokens are not checked for valid UTF-8: a token that is not never matches a piece.
    static func decode(_ bytes: [UInt8], stamp: String) -> TokenizerVocabulary? {
        // The four settings lines, then the tokens, each line ending in a line feed.
        var settings: [String] = []
        var index = 0
        while settings.count < 4, let end = bytes[index...].firstIndex(of: 0x0A) {
            settings.append(String(decoding: bytes[index..<end], as: UTF8.self))
            index = end + 1
        }
        guard settings.count == 4, settings[0] == stamp, let maxCharacters = Int(settings[3]),
              bytes.last == 0x0A || index == bytes.count else { return nil }
        var vocabulary = TokenizerVocabulary(unknown: settings[1], continuation: settings[2], maxCharactersPerWord: maxCharacters)
        vocabulary.bytes.reserveCapacity(bytes.count - index)
        for byte in bytes[index...] {
            if byte == 0x0A {
                vocabulary.ends.append(Int32(vocabulary.bytes.count))
            } else {
                vocabulary.bytes.append(byte)
            }
        }
        return vocabulary
    }
}
