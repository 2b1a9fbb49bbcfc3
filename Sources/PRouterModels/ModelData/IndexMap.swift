
/// A map from non-negative `Int32` ids to `Int32` positions: open addressing with linear
/// probing and a multiplicative hash, for the millions of lookups a computation graph
/// makes while it is built (several times faster than `Dictionary`'s seeded hashing).
struct IndexMap: Sendable {
    private var keys: [Int32]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [Int32](repeating: -1, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    private func slot(of key: Int32) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: key)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    subscript(key: Int32) -> Int32? {
        get {
            precondition(key >= 0, "IndexMap keys are non-negative")
            var i = slot(of: key)
            while true {
                let stored = keys[i]
                if stored == key { return values[i] }
                if stored < 0 { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            precondition(key >= 0 && newValue != nil, "IndexMap stores non-negative keys and never removes them")
            var i = slot(of: key)
            while keys[i] >= 0 && keys[i] != key { i = (i + 1) & mask }
            if keys[i] < 0 {
                keys[i] = key
                count += 1
            }
            values[i] = newValue!
            if count * 2 > keys.count { grow() }
        }
    }

    /// The position of `key` in `keys`: looked up, or for a new key appended to `keys`
    /// and recorded here.
    mutating func position(of key: Int32, in keys: inout [Int32]) -> Int32 {
        if let known = self[key] { return known }
        let position = Int32(keys.count)
        keys.append(key)
        self[key] = position
        return position
    }

    private mutating func grow() {
        let (oldKeys, oldValues) = (keys, values)
        self = IndexMap(capacity: oldKeys.count)
        for (key, value) in zip(oldKeys, oldValues) where key >= 0 { self[key] = value }
    }
}
