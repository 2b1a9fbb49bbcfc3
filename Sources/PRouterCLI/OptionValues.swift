import ArgumentParser
import PRouterKit

// The library's enumerations as option values: help, errors, man pages and completions
// list the values from `allCases`.

extension ModelKind: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.summary) })
    }
}
extension LossKind: ExpressibleByArgument {}
extension SplitUnit: ExpressibleByArgument {}
extension BuiltInEncoder: ExpressibleByArgument {}

/// A split by its command-line name (`train`, `val`, `test`, `support`), not its stored number.
extension Split: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
    public static var allValueDescriptions: [String: String] {
        ["train": "the training queries", "val": "the validation queries", "test": "the held-out test queries",
         "support": "new users' few-shot interactions"]
    }
}
