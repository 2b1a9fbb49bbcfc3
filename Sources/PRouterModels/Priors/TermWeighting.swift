/// How the number of times a vocabulary word occurs in a query becomes the text
/// regression's input for it. Which one reads a world's texts best is chosen by
/// leave-one-query-out error with the penalty (``TextOutcomeRegression``).
package enum TermWeighting: Int, CaseIterable, Sendable {
    /// The count itself (a bag of words).
    case count = 1
    /// 1 for a word the query has, however often: for texts whose repeats say nothing.
    case presence = 2
    /// The count squared: a word the query repeats (its topic, say) outweighs one it
    /// mentions in passing, which a count weighs half as much and a linear map cannot
    /// tell apart from it.
    case squared = 3

    /// The input of a word that occurs `count` (> 0) times.
    func input(_ count: Float) -> Float {
        switch self {
        case .count: count
        case .presence: 1
        case .squared: count * count
        }
    }
}
