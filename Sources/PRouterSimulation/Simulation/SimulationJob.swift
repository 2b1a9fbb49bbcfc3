import PRouterIO

/// What `pr-sim` does: read responses, apply user preferences or labels, write interactions.
public struct SimulationJob: Sendable {
    /// Where the preferences come from.
    public enum Preferences: Sendable, Equatable {
        /// Cost mode, users with `alpha` and `beta` from a `users.jsonl` file.
        case usersFile(String)
        /// Cost mode, the paper's sweep of this many generated users.
        case sweep(Int)
        /// Cost mode, one ad-hoc user for what-if analyses.
        case adHoc(user: String, alpha: Double, beta: Double)
        /// Judge mode, preference labels from a `labels.jsonl` file, with whose
        /// preference each label is.
        case labelsFile(String, users: LabelSimulator.Users)
    }

    public var responsesPath: String
    public var llmsPath: String?
    public var preferences: Preferences
    public var queriesPerUser: Int?
    public var seed: UInt64

    public init(responsesPath: String, llmsPath: String?, preferences: Preferences,
                queriesPerUser: Int?, seed: UInt64) {
        self.responsesPath = responsesPath
        self.llmsPath = llmsPath
        self.preferences = preferences
        self.queriesPerUser = queriesPerUser
        self.seed = seed
    }

    /// Runs the simulation, writing interactions to `writer`.
    public func run(writer: JSONLWriter) throws {
        let table = try ResponseTable(path: responsesPath, llmsPath: llmsPath)
        let emit: (Interaction) throws -> Void = { interaction in
            try writer.write { interaction.encode(into: &$0) }
        }
        switch preferences {
        case .labelsFile(let path, let users):
            let labels = try JSONLReader(path: path).decodeAll(Label.init)
            try LabelSimulator(table: table, users: users).run(labels: labels, emit: emit)
        case .usersFile(let path):
            let users = try Catalog.users(path, requirePreferences: true)
            try CostSimulator(table: table, users: users).run(queriesPerUser: queriesPerUser, seed: seed, emit: emit)
        case .sweep(let count):
            try CostSimulator(table: table, users: UserSpec.sweep(count))
                .run(queriesPerUser: queriesPerUser, seed: seed, emit: emit)
        case .adHoc(let user, let alpha, let beta):
            try CostSimulator(table: table, users: [UserSpec(user: user, alpha: alpha, beta: beta)])
                .run(queriesPerUser: queriesPerUser, seed: seed, emit: emit)
        }
    }
}
