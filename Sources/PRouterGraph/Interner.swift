
/// Assigns dense indices to strings in order of first appearance.
package struct Interner {
    package private(set) var names: [String] = []
    private var index: [String: UInt32] = [:]

    package init() {}

    package var count: Int { names.count }

    /// The index of `name`, adding it if new; the flag says whether it was new.
    package mutating func intern(_ name: String) -> (index: UInt32, isNew: Bool) {
        if let existing = index[name] { return (existing, false) }
        let new = UInt32(names.count)
        names.append(name)
        index[name] = new
        return (new, true)
    }

    /// The index of `name`, if known.
    package func lookup(_ name: String) -> UInt32? { index[name] }
}
