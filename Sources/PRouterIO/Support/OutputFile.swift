#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a tool writes its JSON Lines: standard output, or a file that only appears,
/// complete, once the tool has succeeded (written to a temporary name, then renamed),
/// or a device, FIFO or socket written into (``OutputDestination``).
public final class OutputFile {
    /// The writer to use.
    public let writer: JSONLWriter
    private let path: String?
    /// For a regular file: the temporary file written, and the file it replaces at the end.
    private let replacing: (temp: String, target: String)?
    private let fd: Int32

    /// Standard output when `path` is nil or `-`, else an atomically written file.
    public init(path: String?, lineBuffered: Bool) throws {
        guard let path, path != "-" else {
            self.path = nil
            replacing = nil
            fd = 1
            writer = JSONLWriter(fd: 1, name: "<stdout>", lineBuffered: lineBuffered ? true : nil)
            return
        }
        let (temp, fd, target) = try FileIO.createTemporary(for: path)
        self.path = path
        replacing = temp.map { ($0, target) }
        self.fd = fd
        writer = JSONLWriter(fd: fd, name: path, lineBuffered: lineBuffered)
    }

    /// Flushes, and for a file makes it visible under its final name.
    public func commit() throws {
        try writer.flush()
        guard let path else { return }
        guard let (temp, target) = replacing else {
            close(fd)
            return
        }
        if fsync(fd) != 0 || close(fd) != 0 || rename(temp, target) != 0 {
            let message = FileIO.errnoText()
            unlink(temp)
            throw FileError(path: path, message: "cannot finish writing: \(message)", status: .ioError)
        }
    }

    /// Removes the temporary file after a failure; standard output is left as it is, and
    /// a device or FIFO keeps what was written into it.
    public func abandon() {
        guard path != nil else { return }
        close(fd)
        if let (temp, _) = replacing { unlink(temp) }
    }

    /// Runs `body` with the writer, then commits, or abandons the file if `body` throws.
    /// When `body` wrote nothing, what `emptyWarning` returns (if anything) is printed on standard error
    /// as `TOOL: warning: MESSAGE`: an empty output that is not an error is still news.
    public func produce(emptyWarning: () -> String? = { nil }, _ body: (JSONLWriter) throws -> Void) throws {
        do {
            try body(writer)
            try commit()
        } catch {
            abandon()
            throw error
        }
        if writer.isEmpty, let message = emptyWarning() { printWarning(message) }
    }
}
