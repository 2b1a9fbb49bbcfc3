import Foundation
import PRouterIO

/// A fresh temporary directory per test, with helpers to write fixture files. Every
/// scratch directory of a test run lives in one directory, removed when the run exits.
package struct Scratch {
    package let directory: String

    private static let root: String = {
        let root = "\(FileManager.default.temporaryDirectory.path)/prouter-tests-\(UUID().uuidString)"
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return root
    }()

    package init() throws {
        directory = "\(Self.root)/\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    package func file(_ name: String, _ text: String) throws -> String {
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    package func path(_ name: String) -> String { "\(directory)/\(name)" }

    package func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

/// Decodes every line of `text`, written to a scratch file called `name`, with `decode`.
package func decodeLines<T>(_ text: String, name: String = "test.jsonl", _ decode: (JSONRecord) throws -> T) throws -> [T] {
    let scratch = try Scratch()
    return try JSONLReader(path: try scratch.file(name, text)).decodeAll(decode)
}

/// The message of the error thrown by `body`, or nil; scratch directories are cut
/// from file paths so that messages can be compared literally.
package func errorMessage(_ body: () throws -> Void) -> String? {
    let message: String
    do {
        try body()
        return nil
    } catch let error as ToolError {
        message = error.description
    } catch {
        message = "\(error)"
    }
    return message.replacingOccurrences(of: "/[^ ]*/prouter-tests-[^/]+/[^/]+/", with: "", options: .regularExpression)
}

