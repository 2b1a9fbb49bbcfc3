import PRouterIO
@_spi(_Unicode) import Swift

/// BERT's uncased WordPiece tokenizer, as Hugging Face `tokenizers` runs it for
/// all-MiniLM-L6-v2 (`BertNormalizer`, `BertPreTokenizer`, `WordPiece`, `[CLS] A [SEP]`):
///
/// 1. clean: drop NUL, U+FFFD and other control or format characters; every whitespace
///    character becomes a space;
/// 2. put spaces around CJK ideographs;
/// 3. strip accents: canonical decomposition (NFD), then drop nonspacing marks;
/// 4. lower-case, character by character;
/// 5. split on whitespace, and make every punctuation character a word of its own;
/// 6. split each word greedily into the longest vocabulary pieces (`##` marks a piece
///    that continues a word); a word with a piece not in the vocabulary, or longer than
///    100 characters, is `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    private let vocabulary: VocabularyTable
    private let unknown: Int32
    private let classifier: Int32
    private let separator: Int32
    private let continuation: [UInt8]
    private let maxCharactersPerWord: Int
    /// The number of token ids.
    var vocabularySize: Int { vocabulary.count }

    /// Reads the vocabulary and settings of a `tokenizer.json`, which must describe this
    /// kind of tokenizer (lower-casing BERT normalizer and WordPiece model), through a
    /// compact copy kept next to it (see ``TokenizerVocabulary``).
    public init(path: String) throws {
        let source = try TokenizerVocabulary.load(path)
        let vocabulary = source.table
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary.id(token) else { throw DataError("\(path): the vocabulary has no \(token) token") }
            return id
        }
        self.vocabulary = vocabulary
        unknown = try id(source.unknown)
        classifier = try id("[CLS]")
        separator = try id("[SEP]")
        continuation = Array(source.continuation.utf8)
        maxCharactersPerWord = source.maxCharactersPerWord
    }

    /// The token ids of `text`: `[CLS]`, at most `maxLength - 2` word pieces, `[SEP]`.
    public func ids(_ text: String, maxLength: Int) -> [Int32] {
        var ids: [Int32] = [classifier]
        let budget = max(0, maxLength - 2)
        for word in Self.words(Self.normalized(text)) where ids.count <= budget {
            ids += pieces(word)
        }
        return Array(ids.prefix(budget + 1)) + [separator]
    }

    /// Steps 1-4.
    static func normalized(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if isChineseCharacter(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var result = String.UnicodeScalarView()
        for scalar in String(cleaned)._nfd where scalar.properties.generalCategory != .nonspacingMark {
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return String(result)
    }

    /// Step 5: whitespace-separated words, each punctuation character a word of its own.
    static func words(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) || isPunctuation(scalar) {
                if !current.isEmpty { words.append(current) }
                current = []
                if isPunctuation(scalar) { words.append([scalar]) }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Step 6 for one word.
    func pieces(_ word: [Unicode.Scalar]) -> [Int32] {
        guard word.count <= maxCharactersPerWord else { return [unknown] }
        // The word's UTF-8 bytes, and where each character starts in them.
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for scalar in word {
            starts.append(bytes.count)
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        }
        starts.append(bytes.count)
        return bytes.withUnsafeBufferPointer { bytes in
            var pieces: [Int32] = []
            var start = 0
            while start < word.count {
                var end = word.count
                var found: Int32?
                while start < end {
                    let piece = UnsafeBufferPointer(rebasing: bytes[starts[start]..<starts[end]])
                    if let id = vocabulary.id(prefix: start > 0 ? continuation : [], piece) {
                        found = id
                        break
                    }
                    end -= 1
                }
                guard let found else { return [unknown] }
                pieces.append(found)
                start = end
            }
            return pieces
        }
    }

    /// Tab, newline and carriage return count as whitespace, not control characters.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// General category C: control, format, surrogate, private use, unassigned.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols such as `$`, `+`, `^`) or general category P.
    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility forms.
    private static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
