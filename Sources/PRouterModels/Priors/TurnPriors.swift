import PRouterAutodiff
import PRouterGraph

/// The anchored gmt model's prior features of a turn's candidates: the
/// ``HistoryPriors`` columns, the ``QueryNeighbours`` columns, the user's taste for
/// quality (``PreferenceTally/qualityTaste``, times 10) times the candidate's predicted
/// score advantage (how much this user's choices follow what similar queries say of
/// quality), and the ``ResponseTaste`` columns.
struct TurnPriors: Sendable {
    /// The columns that read text: the neighbours' and the taste for quality.
    static let textColumns = HistoryPriors.width..<HistoryPriors.width + QueryNeighbours.width + 1
    /// The ``ResponseTaste`` columns, last (weights files from before them have none).
    static let tasteColumns = textColumns.upperBound..<textColumns.upperBound + ResponseTaste.width
    static let width = tasteColumns.upperBound

    /// A turn whose candidates need features.
    struct Target {
        var user: String
        var history: [TurnFeedback]
        var input: TurnInput
        var candidates: [Int32]
        /// The turn's conversation when its turns are among those counted (a training
        /// turn): they are left out of the tallies and neighbours.
        var conversation: UInt32?
        var leaving: PreferenceTally?
    }

    var history: HistoryPriors
    let neighbours: QueryNeighbours

    /// Labelled turns the neighbours are searched among, at most: every turn's search is a
    /// pass over them, so a larger graph's pool is an even sample (every k-th turn).
    static let neighbourPool = 20_000

    /// The priors of the turns of `splits` of `data`.
    init(data: ConversationData, splits: Set<Split>) {
        history = data.priors(of: splits)
        let labelled = (0..<data.graph.turnCount).filter { splits.contains(data.graph.turnSplit[$0]) && data.label(ofTurn: $0) != nil }
        let step = (labelled.count + Self.neighbourPool - 1) / Self.neighbourPool
        let turns = step > 1 ? stride(from: 0, to: labelled.count, by: step).map { labelled[$0] } : labelled
        neighbours = QueryNeighbours(queries: data.features.query.rowsGathered(turns.map(Int32.init)),
                                     turns: turns.map(data.feedback(ofTurn:)),
                                     conversations: turns.map { data.graph.turnConversation[$0] })
    }

    /// The features of every target's candidates, row-major, target after target.
    func features(_ targets: [Target]) -> [Float] {
        var rows: [Float] = []
        for start in stride(from: 0, to: targets.count, by: GMTRouter.chunkSize) {
            let chunk = targets[start..<min(start + GMTRouter.chunkSize, targets.count)]
            let queries = Matrix(rows: chunk.count, cols: chunk.first!.input.query.count, data: chunk.flatMap(\.input.query))
            let tallies = chunk.map { history.tallies(of: $0.user, leaving: $0.leaving) }
            let similar = neighbours.features(targets: queries, candidates: chunk.map(\.candidates),
                                              overallRates: zip(chunk, tallies).map { HistoryPriors.rates(of: $0.candidates, in: $1.overall) },
                                              conversations: chunk.map(\.conversation))
            for ((target, tally), neighbourColumns) in zip(zip(chunk, tallies), similar) {
                let columns = history.features(user: target.user, turn: target.input.number, history: target.history,
                                               candidates: target.candidates, leaving: target.leaving)
                let taste = Float(10 * tally.user.qualityTaste)
                let responseTaste = ResponseTaste.features(history: target.history, candidates: target.candidates, overall: tally.overall)
                for (i, similarColumns) in neighbourColumns.enumerated() {
                    rows += columns[i * HistoryPriors.width..<(i + 1) * HistoryPriors.width]
                    rows += similarColumns
                    rows.append(taste * similarColumns[1])
                    rows += responseTaste[i * ResponseTaste.width..<(i + 1) * ResponseTaste.width]
                }
            }
        }
        return rows
    }
}
