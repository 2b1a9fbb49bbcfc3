#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PRouterAutodiff
import PRouterGraph

/// The GMT model's view of a set of conversation turns: the inputs of the five node
/// types and the typed edges between them.
///
/// Users come first, and the first `frozenUsers.count` of them are users of the training
/// graph whose states come from the context (routing) rather than from this view's turns.
/// Every LLM of the model is a node, in model order. Each turn has one query node; a turn
/// whose responses are not shown (a turn to route or a training target) has no response
/// nodes, or has them hidden by ``edges(hiding:)``.
package struct TurnGraph {
    /// Node types, in the order of the model's states.
    static let types = ["user", "llm", "turn", "query", "response"]
    static let user = 0, llm = 1, turn = 2, query = 3, response = 4

    /// The relations, both directions of every tie, and turn -> next turn.
    static let relations: [HGTLayer.Relation] = [
        .init(name: "user-turn", source: user, target: turn), .init(name: "turn-user", source: turn, target: user),
        .init(name: "turn-query", source: turn, target: query), .init(name: "query-turn", source: query, target: turn),
        .init(name: "turn-response", source: turn, target: response), .init(name: "response-turn", source: response, target: turn),
        .init(name: "query-response", source: query, target: response), .init(name: "response-query", source: response, target: query),
        .init(name: "llm-response", source: llm, target: response), .init(name: "response-llm", source: response, target: llm),
        .init(name: "next-turn", source: turn, target: turn),
    ]

    /// Extra response input columns after the text and LLM features: per-turn min-max
    /// score, cost and length, whether each is known, the feedback (+1 preferred, -1 not,
    /// 0 unknown), the per-turn min-max rating, and the feedback times each centred
    /// signal (what the user took to: +0.5 for choosing the costliest, -0.5 the cheapest...).
    static let responseExtraColumns = 11
    /// Turn input columns: a constant and log(1 + position).
    static let turnColumns = 2

    var userCount = 0
    /// Global user indices of the leading users whose states are frozen.
    var frozenUsers: [Int32] = []
    let llmCount: Int
    let llmFeatures: Matrix

    var turnUser: [Int32] = []
    /// The turn before in the same conversation, or -1.
    var turnPrevious: [Int32] = []
    var turnInput: [Float] = []
    var queryInput: [Float] = []
    let queryWidth: Int

    var responseTurn: [Int32] = []
    var responseLLM: [Int32] = []
    var responseInput: [Float] = []

    init(llmFeatures: Matrix, queryWidth: Int) {
        self.llmFeatures = llmFeatures
        self.llmCount = llmFeatures.rows
        self.queryWidth = queryWidth
    }

    var turnCount: Int { turnUser.count }
    var responseCount: Int { responseTurn.count }
    var responseWidth: Int { queryWidth + llmFeatures.cols + Self.responseExtraColumns }

    /// A response as the view needs it.
    package struct ResponseItem {
        package var llm: Int32
        var text: [Float]
        /// Score, cost and length; NaN where unknown.
        var signals: [Float]
        var feedback: ConversationGraph.Feedback
        var rating: Float

        package init(llm: Int32, text: [Float], signals: [Float], feedback: ConversationGraph.Feedback, rating: Float) {
            self.llm = llm
            self.text = text
            self.signals = signals
            self.feedback = feedback
            self.rating = rating
        }
    }

    /// Adds a user node; returns its row.
    mutating func addUser() -> Int32 {
        userCount += 1
        return Int32(userCount - 1)
    }

    /// Adds a turn with its query and responses; returns the turn's row.
    @discardableResult
    mutating func addTurn(user: Int32, previous: Int32, number: Int, query: [Float], responses: [ResponseItem]) -> Int32 {
        precondition(query.count == queryWidth, "query features of the wrong width")
        let turn = Int32(turnCount)
        turnUser.append(user)
        turnPrevious.append(previous)
        turnInput += [1, Float(log1p(Double(number)))]
        queryInput += query
        let normalized = (0..<3).map { column in Self.minMax(responses.map { $0.signals[column] }) }
        let ratings = Self.minMax(responses.map(\.rating))
        for (i, response) in responses.enumerated() {
            responseTurn.append(turn)
            responseLLM.append(response.llm)
            responseInput += response.text
            responseInput += llmFeatures.data[Int(response.llm) * llmFeatures.cols..<(Int(response.llm) + 1) * llmFeatures.cols]
            let known = (0..<3).map { response.signals[$0].isNaN ? Float(0) : 1 }
            let feedback: Float = switch response.feedback {
            case .preferred: 1
            case .rejected: -1
            case .unknown: 0
            }
            let signals = (0..<3).map { normalized[$0][i] }
            responseInput += signals + known + [feedback, ratings[i]]
                + (0..<3).map { known[$0] * feedback * (signals[$0] - 0.5) }
        }
        return turn
    }

    /// Min-max normalization within one turn: 0.5 when all are equal, 0 where unknown.
    private static func minMax(_ values: [Float]) -> [Float] {
        let known = values.filter { !$0.isNaN }
        guard let low = known.min(), let high = known.max() else { return values.map { _ in 0 } }
        return values.map { $0.isNaN ? 0 : high > low ? ($0 - low) / (high - low) : 0.5 }
    }

    /// The input matrix of each type.
    func inputs() -> [Matrix] {
        [Matrix(rows: userCount, cols: 1, data: [Float](repeating: 1, count: userCount)),
         llmFeatures,
         Matrix(rows: turnCount, cols: Self.turnColumns, data: turnInput),
         Matrix(rows: turnCount, cols: queryWidth, data: queryInput),
         Matrix(rows: responseCount, cols: responseWidth, data: responseInput)]
    }

    /// The edges of every relation, leaving out the responses of turns marked in `hidden`.
    func edges(hiding hidden: [Bool]? = nil) -> [HGTLayer.Edges] {
        let turns = (0..<Int32(turnCount)).map { $0 }
        let shown = (0..<responseCount).filter { hidden?[Int(responseTurn[$0])] != true }
        let responses = shown.map { Int32($0) }
        let responseTurns = shown.map { responseTurn[$0] }
        let responseLLMs = shown.map { responseLLM[$0] }
        let chained = turns.filter { turnPrevious[Int($0)] >= 0 }
        return [
            .init(source: turnUser, target: turns), .init(source: turns, target: turnUser),
            .init(source: turns, target: turns), .init(source: turns, target: turns),
            .init(source: responseTurns, target: responses), .init(source: responses, target: responseTurns),
            .init(source: responseTurns, target: responses), .init(source: responses, target: responseTurns),
            .init(source: responseLLMs, target: responses), .init(source: responses, target: responseLLMs),
            .init(source: chained.map { turnPrevious[Int($0)] }, target: chained),
        ]
    }
}
