import PRouterIO

/// What `pr-sim multi-turn` does: read a conversation log and users' weights, and write
/// the log back with every response's `preferred` set by its user's weights (or the
/// weights of the conversation, where the users file gives some).
public struct MultiTurnJob: Sendable {
    public var conversationsPath: String
    public var usersPath: String

    public init(conversationsPath: String, usersPath: String) {
        self.conversationsPath = conversationsPath
        self.usersPath = usersPath
    }

    public func run(writer: JSONLWriter) throws {
        let lines = try Catalog.load(usersPath, field: "user", id: { $0.user + ($0.conversationID.map { " in conversation " + $0 } ?? "") },
                                     decode: TurnWeights.decode)
        let log = try ConversationLog(path: conversationsPath)
        var owners: [String: String] = [:]
        for turn in log.turns { owners[turn.conversationID] = turn.user }
        var users: [String: TurnWeights] = [:], conversations: [String: TurnWeights] = [:]
        for line in lines {
            guard let conversation = line.conversationID else {
                users[line.user] = line.weights
                continue
            }
            guard owners[conversation] == line.user else {
                throw DataError("\(usersPath): conversation \"\(conversation)\" of user \"\(line.user)\" is not in \(conversationsPath)")
            }
            conversations[conversation] = line.weights
        }
        let simulator = TurnPreferenceSimulator(weights: users, conversationWeights: conversations)
        for turn in try simulator.run(log) {
            try writer.write { turn.encode(into: &$0) }
        }
    }
}
