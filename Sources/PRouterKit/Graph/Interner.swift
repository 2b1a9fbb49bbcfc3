/// Assigns dense indices to strings in order of first appearance.
struct Interner {
    private(set) var names: [String] = []
    private var index: [String: UInt32] = [:]

    var count: Int { names.count }

    /// The index of `name`, adding it if new; the flag says whether it was new.
    mutating func intern(_ name: String) -> (index: UInt32, isNew: Bool) {
        if let existing = index[name] { return (existing, false) }
        let new = UInt32(names.count)
        names.append(name)
        index[name] = new
        return (new, true)
    }

    /// The index of `name`, if known.
    func lookup(_ name: String) -> UInt32? { index[name] }
}
