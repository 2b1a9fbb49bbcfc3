#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file helpers: whole-file reads and atomic writes.
public enum FileIO {
    /// The bytes of the file at `path`.
    public static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw FileError(path: path, message: "cannot open: \(errnoText())", status: .noInput)
        }
        defer { close(fd) }
        return try readAll(fd: fd, name: path)
    }

    /// Everything readable from `fd` until end of file, read straight into one buffer
    /// sized from `fstat` (grown if the file grows meanwhile).
    public static func readAll(fd: Int32, name: String) throws -> [UInt8] {
        var status = stat()
        let expected = fstat(fd, &status) == 0 ? Int(status.st_size) : 0
        var bytes = [UInt8](repeating: 0, count: max(expected, 1 << 16) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: name, message: "read failed: \(errnoText())", status: .ioError)
            }
            if n == 0 {
                bytes.removeSubrange(count...)
                return bytes
            }
            count += n
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory is
    /// written, flushed to disk and renamed over `path`, so readers see either the old
    /// file or the complete new one, never a torn write.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temp = "\(path).tmp.\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, message: "cannot create: \(errnoText())", status: .cannotCreate)
        }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(errnoText())"
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "fsync failed: \(errnoText())" }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = "rename failed: \(errnoText())" }
        if let failure {
            unlink(temp)
            throw FileError(path: path, message: failure, status: .ioError)
        }
    }

    /// The current `errno` as text.
    public static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
