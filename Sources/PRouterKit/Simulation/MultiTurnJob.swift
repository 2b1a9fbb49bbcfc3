/// What `pr-sim multi-turn` does: read a conversation log and users' weights, and write
/// the log back with every response's `preferred` set by its user's weights.
public struct MultiTurnJob: Sendable {
    public var conversationsPath: String
    public var usersPath: String

    public init(conversationsPath: String, usersPath: String) {
        self.conversationsPath = conversationsPath
        self.usersPath = usersPath
    }

    public func run(writer: JSONLWriter) throws {
        let users = try Catalog.load(usersPath, field: "user", id: { $0.user }, decode: TurnWeights.decode)
        let simulator = TurnPreferenceSimulator(weights: Dictionary(uniqueKeysWithValues: users.map { ($0.user, $0.weights) }))
        for turn in try simulator.run(try ConversationLog(path: conversationsPath)) {
            try writer.write { turn.encode(into: &$0) }
        }
    }
}
