/// Where each owner's items start, for items grouped by owner in owner order (a graph's
/// edges by query node, a turn's responses): owner `i`'s items are
/// `starts[i]..<starts[i + 1]` of the `count + 1` starts.
package func segmentStarts<Owners: Sequence>(of owners: Owners, count: Int) -> [Int] where Owners.Element: BinaryInteger {
    var starts = [Int](repeating: 0, count: count + 1)
    for owner in owners { starts[Int(owner) + 1] += 1 }
    for i in 0..<count { starts[i + 1] += starts[i] }
    return starts
}
