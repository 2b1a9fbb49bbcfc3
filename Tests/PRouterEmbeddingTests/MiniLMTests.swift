import Foundation
import Testing
import PRouterIO
@testable import PRouterEmbedding
import PRouterTestSupport

/// The built-in all-MiniLM-L6-v2 against sentence-transformers' own output
/// (`examples/minilm-reference.py`, stored in Fixtures/minilm-reference.jsonl).
struct MiniLMTests {
    /// One fixture line: a text, the reference tokenizer's ids and sentence-transformers' vector.
    struct Reference {
        let text: String
        let ids: [Int32]
        let vector: [Float]
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/minilm-reference.jsonl").path

    static func references() throws -> [Reference] {
        try JSONLReader(path: fixture).decodeAll { record in
            let half = Data(base64Encoded: try record.string("vector_f16"))!
            let vector = half.withUnsafeBytes { raw in raw.bindMemory(to: Float16.self).map { Float($0) } }
            return Reference(text: try record.optionalString("text", allowEmpty: true) ?? "",
                             ids: try record.numberArray("ids").map { Int32($0) }, vector: vector)
        }
    }

    /// The installed model (`make model`), or nil with a note saying why the test is skipped.
    static func encoder() throws -> MiniLMEncoder? {
        let directory = MiniLMEncoder.defaultDirectory
        guard FileManager.default.fileExists(atPath: directory + "/model.safetensors") else {
            print("MiniLMTests: skipped: no model in \(directory) (run `make model`, or set PROUTER_MODEL_DIR)")
            return nil
        }
        return try MiniLMEncoder(directory: directory)
    }

    @Test func fixtureIsVaried() throws {
        let references = try Self.references()
        #expect(references.count >= 200)
        #expect(references.contains { $0.text.isEmpty })
        #expect(references.contains { $0.ids.count == MiniLMEncoder.maxTokens })  // truncated
        #expect(references.contains { $0.ids.contains(100) })  // [UNK]
        #expect(references.contains { $0.text.unicodeScalars.contains { $0.value > 0xFFFF } })
        #expect(references.allSatisfy { $0.vector.count == MiniLMEncoder.dimension })
    }

    @Test func tokenIDsEqualTheReferenceTokenizers() throws {
        guard let encoder = try Self.encoder() else { return }
        for reference in try Self.references() {
            #expect(encoder.tokenIDs(reference.text) == reference.ids, "\(reference.text.debugDescription)")
        }
    }

    @Test func vectorsMatchSentenceTransformers() throws {
        guard let encoder = try Self.encoder() else { return }
        let references = try Self.references()
        let vectors = encoder.encode(references.map(\.text))
        var worst: Float = 1
        for (reference, vector) in zip(references, vectors) {
            let cosine = zip(reference.vector, vector).reduce(0) { $0 + $1.0 * $1.1 }
                / (reference.vector.reduce(0) { $0 + $1 * $1 }.squareRoot() * vector.reduce(0) { $0 + $1 * $1 }.squareRoot())
            worst = min(worst, cosine)
            #expect(cosine >= 0.9999, "\(reference.text.debugDescription): cosine \(cosine)")
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        print("MiniLMTests: worst cosine to sentence-transformers over \(references.count) texts: \(worst)")
        // A batch's padding does not change a text's vector.
        let alone = encoder.encode([references[5].text])[0]
        #expect(zip(alone, vectors[5]).allSatisfy { abs($0 - $1) < 1e-5 })
        // encodeEach (each text on its own) agrees with the batches. That its bytes do not
        // depend on the texts beside it is checked across processes (a minilm graph routes a
        // pipe in pieces to the file's bytes): in this process, tests running beside this one
        // change OpenBLAS's thread count, which sgemm's rounding depends on.
        let each = encoder.encodeEach(references.prefix(12).map(\.text))
        #expect(zip(each, vectors.prefix(12)).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-5 } })
    }

    @Test func missingModelNamesTheFetchCommand() throws {
        let scratch = try Scratch()
        let message = errorMessage { _ = try MiniLMEncoder(directory: scratch.path("nowhere")) }
        #expect(message?.contains("make model") == true)
        #expect(message?.contains("nowhere: no all-MiniLM-L6-v2 model here") == true)
    }

    @Test func tokenizerKeepsACompactVocabularyCopy() throws {
        let scratch = try Scratch()
        func tokenizerJSON(_ vocab: String) -> String {
            ###"{"normalizer":{"type":"BertNormalizer","lowercase":true},"model":{"type":"WordPiece","unk_token":"[UNK]","###
                + ###""continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{\###(vocab)}}}"###
        }
        let path = try scratch.file("tokenizer.json", tokenizerJSON(###""[UNK]":0,"[CLS]":1,"[SEP]":2,"un":3,"##able":4,"é":5"###))
        let tokenizer = try WordPieceTokenizer(path: path)
        #expect(tokenizer.ids("Unable ÉÉ?", maxLength: 10) == [1, 3, 4, 0, 0, 2])  // "éé" is no piece; "?" neither
        // The first load wrote the copy; the next one reads it and gets the same vocabulary.
        let copy = try String(contentsOfFile: path + ".vocab", encoding: .utf8)
        #expect(copy.hasPrefix("prouter-vocab 1 ") && copy.hasSuffix("\nun\n##able\né\n"))
        #expect(try TokenizerVocabulary.load(path) == TokenizerVocabulary.parse(path))
        // A changed tokenizer.json makes the copy stale: it is parsed again.
        sleep(1)
        try scratch.file("tokenizer.json", tokenizerJSON(#""[UNK]":0,"[CLS]":1,"[SEP]":2,"able":3"#))
        #expect(try TokenizerVocabulary.load(path).tokens == ["[UNK]", "[CLS]", "[SEP]", "able"])
        // Ids must be 0..<n, each once.
        try scratch.file("bad.json", tokenizerJSON(#""[UNK]":0,"[CLS]":2"#))
        #expect(errorMessage { _ = try TokenizerVocabulary.parse(scratch.path("bad.json")) }?.contains("ids are not 0..<2") == true)
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two blocks of padding (56 bytes of message) and a multi-block message.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

/// A corrupted model folder is refused with one line before any use.
@Suite struct ModelFolderTests {
    /// A safetensors file with `header` as its JSON header and 8 data bytes.
    static func safetensors(_ scratch: Scratch, _ header: String) throws -> String {
        // Padded with spaces to 8 bytes, as safetensors writers do, so that the data is aligned.
        let padded = Array(header.utf8) + [UInt8](repeating: 0x20, count: (8 - header.utf8.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(padded.count).littleEndian) { Array($0) }
        bytes += padded + [UInt8](repeating: 0, count: 8)
        let path = scratch.path("model.safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func hugeOrFractionalOffsetsAndShapesAreRefused() throws {
        let scratch = try Scratch()
        for (field, header) in [("data_offsets", #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,1e30]}}"#),
                                ("shape", #"{"t":{"dtype":"F32","shape":[1e30],"data_offsets":[0,8]}}"#),
                                ("shape", #"{"t":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#)] {
            let message = errorMessage { _ = try SafeTensors(path: try Self.safetensors(scratch, header)) }
            #expect(message?.contains("field \"t.\(field)\"") == true && message?.contains("is not a whole number") == true, "\(message ?? "")")
        }
        let good = try SafeTensors(path: try Self.safetensors(scratch, #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#))
        #expect(try good.floats("t", shape: [2]).count == 2)
    }

    @Test func aTokenizerThatDoesNotFitTheEmbeddingsIsRefused() throws {
        guard try MiniLMTests.encoder() != nil else { return }
        let scratch = try Scratch()
        symlink(MiniLMEncoder.defaultDirectory + "/model.safetensors", scratch.path("model.safetensors"))
        symlink(MiniLMEncoder.defaultDirectory + "/model.safetensors.verified", scratch.path("model.safetensors.verified"))
        let tokenizer = ###"{"normalizer":{"type":"BertNormalizer","lowercase":true},"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"a":4}}}"###
        _ = try scratch.file("tokenizer.json", tokenizer)
        let message = errorMessage { _ = try MiniLMEncoder(directory: scratch.directory) }
        #expect(message?.contains("tokenizer.json: 5 tokens, but the model has 30522 token embeddings") == true, "\(message ?? "")")
    }
}
