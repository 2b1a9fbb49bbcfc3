import ArgumentParser
import PRouterKit

/// The first `--name` option among `arguments` (up to a `--` terminator) that is not among
/// `known` long options, if any (none when `known` is nil).
///
/// swift-argument-parser reports a missing required argument before an unknown option, so
/// `pr-sim --no-such-flag` would only say that a source option is missing; the tools
/// check for unknown options first.
public func firstUnknownOption<S: Sequence>(_ arguments: S, known: Set<String>?) -> String? where S.Element == String {
    guard let known else { return nil }
    // swift-argument-parser's own: help, version, the manual and completion generators.
    let builtIn: Set<String> = ["--help", "--version", "--experimental-dump-help", "--generate-completion-script"]
    for argument in arguments {
        // `---completion` (three dashes) is how completion scripts call the tool back.
        if argument == "--" || argument.hasPrefix("---") { break }
        guard argument.hasPrefix("--"), argument.count > 2 else { continue }
        let name = String(argument.prefix { $0 != "=" })
        if !known.contains(name) && !builtIn.contains(name) { return name }
    }
    return nil
}

extension ParsableCommand {
    /// The long options (`--name`) the command declares, from swift-argument-parser's own
    /// structured description of it (what `--experimental-dump-help` prints); nil if that
    /// cannot be read, so that no option is called unknown on a misreading.
    public static func longOptionNames() -> Set<String>? {
        let description = Array(_dumpHelp().utf8)
        var names: Set<String> = []
        let read: Void? = try? description.withUnsafeBytes { bytes in
            try JSONLReader.parseObject(bytes, at: SourceLocation(file: "--experimental-dump-help", line: 1)) { root in
                // Positional arguments have no names.
                for argument in try root.object("command").objectArray("arguments") where argument.has("names") {
                    for name in try argument.objectArray("names") where try name.string("kind") == "long" {
                        names.insert("--" + (try name.string("name")))
                    }
                }
            }
        }
        return read == nil ? nil : names
    }
}
