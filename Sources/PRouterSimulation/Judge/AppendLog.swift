#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterIO

/// A JSON Lines file that a long job appends to, one `write(2)` per line, so that every
/// line it reports as written survives the process being killed at any moment.
///
/// Opening an existing file repairs it first: a last line without its newline (the
/// process died in the middle of writing it) is cut off, since it was never complete.
/// Standard output (`path` nil or `-`) is written the same way, without the repair.
final class AppendLog {
    /// The writer; it flushes after every line.
    let writer: JSONLWriter
    /// The file's name for messages (`<stdout>` for standard output).
    let name: String
    /// Whether this is a file (which can be read back and resumed) rather than standard output.
    let isFile: Bool
    /// How many bytes of a torn last line the repair removed.
    let repairedBytes: Int
    private let fd: Int32

    init(path: String?) throws {
        guard let path, path != "-" else {
            fd = 1
            name = "<stdout>"
            isFile = false
            repairedBytes = 0
            writer = JSONLWriter(fd: 1, name: name, lineBuffered: true)
            return
        }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, message: "cannot open for appending: \(FileIO.errnoText())", status: .cannotCreate)
        }
        do {
            // One run at a time resumes a file: a second (an overlapping cron job) would
            // append the same labels again.
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let busy = errno == EWOULDBLOCK
                throw FileError(path: path, message: busy ? "another run is appending to this file (it holds its lock); wait for it to finish"
                                    : "cannot lock: \(FileIO.errnoText())", status: busy ? .temporaryFailure : .ioError)
            }
            repairedBytes = try Self.cutTornLine(fd: fd, name: path)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        name = path
        isFile = true
        writer = JSONLWriter(fd: fd, name: path, lineBuffered: true)
    }

    deinit {
        if isFile { close(fd) }
    }

    /// Flushes the file to disk (lines are already in the kernel after each write).
    func sync() throws {
        guard isFile else { return }
        if fsync(fd) != 0 {
            throw FileError(path: name, message: "fsync failed: \(FileIO.errnoText())", status: .ioError)
        }
    }

    /// Truncates the file after its last newline; returns how many bytes went.
    private static func cutTornLine(fd: Int32, name: String) throws -> Int {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return 0 }
        var end = size
        var chunk = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let count = Int(end - start)
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, start) }
            guard n == count else {
                throw FileError(path: name, message: "read failed: \(FileIO.errnoText())", status: .ioError)
            }
            if let newline = chunk[0..<count].lastIndex(of: 0x0A) {
                let keep = start + off_t(newline) + 1
                return try truncate(fd: fd, name: name, to: keep, from: size)
            }
            end = start
        }
        return try truncate(fd: fd, name: name, to: 0, from: size)
    }

    private static func truncate(fd: Int32, name: String, to length: off_t, from size: off_t) throws -> Int {
        guard length < size else { return 0 }
        guard ftruncate(fd, length) == 0 else {
            throw FileError(path: name, message: "cannot cut the torn last line: \(FileIO.errnoText())", status: .ioError)
        }
        return Int(size - length)
    }
}
