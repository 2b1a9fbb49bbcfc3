/// The WordPiece vocabulary as one byte buffer and an open-addressing hash table over it,
/// looked up by UTF-8 bytes. Loading builds no strings and no dictionary: a single query's
/// start-up spent more time making 30,522 `String`s and hashing them into a `Dictionary`
/// (and freeing them at exit) than embedding the query.
struct VocabularyTable: Sendable {
    /// Every token's UTF-8 bytes, back to back, in id order.
    private let bytes: [UInt8]
    /// Where token `id` ends in `bytes` (it starts where `id - 1` ends).
    private let ends: [Int32]
    /// Token ids by hash, -1 for a free slot; the size is a power of two at least twice
    /// the number of tokens, probed linearly.
    private let slots: [Int32]

    /// The table of `tokens` (UTF-8 bytes, back to back, ending at `ends`); when a token
    /// occurs twice, the later id is the one found.
    /// The number of tokens (ids `0..<count`).
    var count: Int { ends.count }

    init(bytes: [UInt8], ends: [Int32]) {
        self.bytes = bytes
        self.ends = ends
        var size = 16
        while size < 2 * ends.count { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        bytes.withUnsafeBufferPointer { buffer in
            for id in ends.indices {
                let token = UnsafeBufferPointer(rebasing: buffer[Self.range(of: id, ends: ends)])
                var slot = Self.hash(prefix: [], token) & (size - 1)
                while slots[slot] >= 0, !Self.equal(token, buffer, slots[slot], ends) { slot = (slot + 1) & (size - 1) }
                slots[slot] = Int32(id)
            }
        }
        self.slots = slots
    }

    /// The id of the token whose bytes are `prefix` followed by `piece`, if there is one.
    func id(prefix: [UInt8] = [], _ piece: UnsafeBufferPointer<UInt8>) -> Int32? {
        let mask = slots.count - 1
        var slot = Self.hash(prefix: prefix, piece) & mask
        return bytes.withUnsafeBufferPointer { buffer in
            while slots[slot] >= 0 {
                let id = Int(slots[slot])
                let token = Self.range(of: id, ends: ends)
                if token.count == prefix.count + piece.count,
                   prefix.indices.allSatisfy({ buffer[token.lowerBound + $0] == prefix[$0] }),
                   piece.indices.allSatisfy({ buffer[token.lowerBound + prefix.count + $0] == piece[$0] }) {
                    return Int32(id)
                }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// The id of `token`, if it is in the table.
    func id(_ token: String) -> Int32? {
        Array(token.utf8).withUnsafeBufferPointer { id($0) }
    }

    /// Where token `id` lies in the bytes, given where each token ends.
    static func range(of id: Int, ends: [Int32]) -> Range<Int> { (id == 0 ? 0 : Int(ends[id - 1]))..<Int(ends[id]) }

    private static func equal(_ token: UnsafeBufferPointer<UInt8>, _ buffer: UnsafeBufferPointer<UInt8>, _ id: Int32, _ ends: [Int32]) -> Bool {
        let stored = range(of: Int(id), ends: ends)
        return stored.count == token.count && token.indices.allSatisfy { buffer[stored.lowerBound + $0] == token[$0] }
    }

    /// 64-bit FNV-1a of `prefix` then `piece`.
    private static func hash(prefix: [UInt8], _ piece: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in prefix { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in piece { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
