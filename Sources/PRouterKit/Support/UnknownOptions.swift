/// The first `--name` option among `arguments` (up to a `--` terminator) that the
/// command's `help` text does not list, if any.
///
/// swift-argument-parser reports a missing required argument before an unknown option, so
/// `pr-sim --no-such-flag` would only say that a source option is missing; the tools
/// check for unknown options first.
public func firstUnknownOption<S: Sequence>(_ arguments: S, help: String) -> String? where S.Element == String {
    // swift-argument-parser's own: help, version, the manual and completion generators.
    var known: Set<Substring> = ["--help", "--version", "--experimental-dump-help", "--generate-completion-script"]
    var rest = Substring(help)
    while let start = rest.firstRange(of: "--") {
        let name = rest[start.lowerBound...].prefix { $0 == "-" || $0.isLetter || $0.isNumber }
        if name.count > 2 { known.insert(name) }
        rest = rest[start.upperBound...]
    }
    for argument in arguments {
        // `---completion` (three dashes) is how completion scripts call the tool back.
        if argument == "--" || argument.hasPrefix("---") { break }
        guard argument.hasPrefix("--"), argument.count > 2 else { continue }
        let name = argument.prefix { $0 != "=" }
        if !known.contains(name) { return String(name) }
    }
    return nil
}
