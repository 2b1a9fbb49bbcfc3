/// FNV-1a, 64-bit: a hash of bytes that is the same on every platform and run
/// (unlike `Hasher`), for seeding and feature hashing.
public enum StableHash {
    public static func fnv1a<S: Sequence>(_ bytes: S, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 where S.Element == UInt8 {
        var hash = seed
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    public static func fnv1a(_ text: String) -> UInt64 { fnv1a(text.utf8) }
}
