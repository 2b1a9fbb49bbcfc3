import PRouterIO
/// A `.safetensors` file, memory-mapped: an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the data. Tensors are
/// read in place; every range is checked against the file before use.
final class SafeTensors: @unchecked Sendable {
    private let path: String
    private let file: FileBytes
    private var tensors: [String: (dtype: String, shape: [Int], range: Range<Int>)] = [:]

    /// Maps `path` and parses its header.
    init(path: String) throws {
        self.path = path
        file = try FileBytes(path: path, populate: false)
        let size = file.buffer.count
        guard size >= 8 else { throw DataError("\(path): not a safetensors file (\(size) bytes)") }
        let declared = file.load(at: 0, as: UInt64.self)
        guard let headerLength = Int(exactly: declared), headerLength <= size - 8 else {
            throw DataError("\(path): corrupted: header of \(declared) bytes in a file of \(size)")
        }
        let dataStart = 8 + headerLength
        try JSONLReader.parseObject(UnsafeRawBufferPointer(rebasing: file.buffer[8..<dataStart]),
                                    at: SourceLocation(file: path, line: 1)) { header in
            for name in header.keys where name != "__metadata__" {
                let tensor = try header.object(name)
                // Whole numbers within the file's size, checked before any conversion.
                func counts(_ key: String) throws -> [Int] {
                    try tensor.numberArray(key).map { value in
                        guard value >= 0, value <= Double(size), let count = Int(exactly: value) else {
                            throw tensor.error(key, "\(value) is not a whole number of at most \(size)")
                        }
                        return count
                    }
                }
                let offsets = try counts("data_offsets")
                let shape = try counts("shape")
                guard offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= size - dataStart else {
                    throw tensor.error("data_offsets", "outside the file")
                }
                tensors[name] = (try tensor.string("dtype"), shape, dataStart + offsets[0]..<dataStart + offsets[1])
            }
        }
    }

    /// The 32-bit float tensor `name`, which must have `shape`; valid while this file is.
    func floats(_ name: String, shape: [Int]) throws -> UnsafeBufferPointer<Float> {
        guard let tensor = tensors[name] else { throw DataError("\(path): no tensor \(name)") }
        guard tensor.dtype == "F32", tensor.shape == shape, tensor.range.count == shape.reduce(4, *) else {
            throw DataError("\(path): tensor \(name) is \(tensor.dtype) \(tensor.shape), expected F32 \(shape)")
        }
        guard tensor.range.lowerBound % MemoryLayout<Float>.alignment == 0 else {
            throw DataError("\(path): tensor \(name) is not aligned to 4 bytes")
        }
        return UnsafeBufferPointer(start: (file.buffer.baseAddress! + tensor.range.lowerBound).assumingMemoryBound(to: Float.self),
                                   count: shape.reduce(1, *))
    }

    /// The whole file's bytes, valid while this file is.
    var bytes: UnsafeRawBufferPointer { file.buffer }
}
