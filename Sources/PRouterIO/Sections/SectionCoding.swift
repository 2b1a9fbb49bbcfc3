/// Conversions between typed arrays and ``SectionFile/Section`` payloads.
extension SectionFile.Section {
    /// A section of fixed-size little-endian elements.
    public static func array<T: BitwiseCopyable>(_ tag: String, _ kind: SectionFile.Kind, _ values: [T]) -> Self {
        let bytes = values.withUnsafeBytes { Array($0) }
        return Self(tag: tag, kind: kind, count: values.count, bytes: bytes)
    }

    /// A strings section.
    public static func strings(_ tag: String, _ values: [String]) -> Self {
        var offsets: [UInt64] = [0]
        var text: [UInt8] = []
        for value in values {
            text.append(contentsOf: value.utf8)
            offsets.append(UInt64(text.count))
        }
        return Self(tag: tag, kind: .strings, count: values.count,
                    bytes: offsets.withUnsafeBytes { Array($0) } + text)
    }

    /// The elements, when the section has `kind`.
    public func values<T: BitwiseCopyable>(_ kind: SectionFile.Kind, as type: T.Type = T.self, name: String) throws -> [T] {
        guard self.kind == kind else { throw DataError("\(name): corrupted: section \(tag) has the wrong kind") }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            FileIO.preferHugePages(buffer.baseAddress, count: count * MemoryLayout<T>.stride)
            withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<count * MemoryLayout<T>.stride]))
            }
            initialized = count
        }
    }

    /// The strings of a strings section, validated as UTF-8.
    public func stringValues(name: String) throws -> [String] {
        func fail() -> DataError { DataError("\(name): corrupted: strings section \(tag)") }
        guard kind == .strings else { throw fail() }
        return try withUnsafeBytes { bytes in
            let (tableSize, overflow) = (count + 1).multipliedReportingOverflow(by: 8)
            guard !overflow, tableSize <= bytes.count else { throw fail() }
            func offset(_ i: Int) -> Int { Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
            let text = UnsafeRawBufferPointer(rebasing: bytes[tableSize...])
            var strings: [String] = []
            strings.reserveCapacity(count)
            var previous = 0
            for i in 0..<count {
                let end = offset(i + 1)
                guard end >= previous, end <= text.count,
                      let string = String(validating: text[previous..<end], as: UTF8.self) else {
                    throw fail()
                }
                strings.append(string)
                previous = end
            }
            guard offset(0) == 0, previous == text.count else { throw fail() }
            return strings
        }
    }
}
