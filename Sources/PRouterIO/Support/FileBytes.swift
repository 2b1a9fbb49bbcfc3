#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes, read-only, for as long as this object lives: memory-mapped when the
/// file is a regular file (its pages come from the page cache, nothing is copied or
/// zero-filled), else read into memory (pipes, process substitution, empty files).
///
/// prouter replaces files by renaming a complete new file over them, which leaves a
/// mapping of the old file intact; a file truncated in place by another program while
/// mapped would fault, as with any memory-mapped reader.
public final class FileBytes: @unchecked Sendable {
    /// The bytes.
    public let buffer: UnsafeRawBufferPointer
    private let mapped: Bool

    /// The bytes of the file at `path`, mapped when possible; `populate` reads every page
    /// in up front (for files that will be read whole).
    public init(path: String, populate: Bool = true) throws {
        let fd = try FileIO.openInput(path)
        defer { close(fd) }
        var status = stat()
        let size = fstat(fd, &status) == 0 && status.st_mode & S_IFMT == S_IFREG ? Int(status.st_size) : 0
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0)
        #else
        let flags = MAP_PRIVATE
        #endif
        if size > 0, let start = mmap(nil, size, PROT_READ, flags, fd, 0), start != MAP_FAILED {
            buffer = UnsafeRawBufferPointer(start: start, count: size)
            mapped = true
        } else {
            buffer = Self.copy(try FileIO.readAll(fd: fd, name: path))
            mapped = false
        }
    }

    /// A copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        buffer = Self.copy(bytes)
        mapped = false
    }

    private static func copy(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0) }
        return UnsafeRawBufferPointer(rebasing: memory[0..<bytes.count])
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        } else {
            UnsafeMutableRawPointer(mutating: buffer.baseAddress!).deallocate()
        }
    }

    /// The little-endian integer at `offset`.
    package func load<T: FixedWidthInteger>(at offset: Int, as type: T.Type = T.self) -> T {
        T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
