/// Whether `arguments` ask for help: `-h` or `--help` before a `--` terminator.
public func asksForHelp<S: Sequence>(_ arguments: S) -> Bool where S.Element == String {
    for argument in arguments {
        if argument == "--" { return false }
        if argument == "-h" || argument == "--help" { return true }
    }
    return false
}

/// swift-argument-parser's help text rearranged so that the usage comes first: the
/// overview line, USAGE, the ARGUMENTS, OPTIONS and SUBCOMMANDS lists, and only then the
/// long description (with its examples and exit statuses) under DESCRIPTION.
public func usageFirst(_ help: String) -> String {
    let blocks = help.split(separator: "\n\n", omittingEmptySubsequences: false).map(String.init)
    guard let usage = blocks.firstIndex(where: { $0.hasPrefix("USAGE:") }), usage > 0, blocks[0].hasPrefix("OVERVIEW:") else {
        return help
    }
    let description = blocks[1..<usage].filter { !$0.isEmpty }
    var result = [blocks[0]] + blocks[usage...].filter { !$0.trimmingTrailingNewlines.isEmpty }.map(\.trimmingTrailingNewlines)
    if !description.isEmpty {
        result.append("DESCRIPTION:\n" + description.map { block in
            block.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }.joined(separator: "\n\n"))
    }
    return result.joined(separator: "\n\n") + "\n"
}

private extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
