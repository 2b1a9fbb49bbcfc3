
/// A routing model by name, as `pr-train --model` takes it and weights files record it.
public struct ModelKind: Hashable, Sendable, CaseIterable, RawRepresentable, CustomStringConvertible {
    /// Every model, in the order help lists them. Adding a model is one type and one line here.
    static let registry: [any RoutingModel.Type] = [
        AnchoredModel.self,
        PersonalizedModel.self,
        GraphRouterModel.self,
        MLPModel.self,
        NearestQueriesModel.self,
        MatrixFactorizationModel.self,
        GMTModel.self,
        GMTPaperModel.self,
        TableModel.self,
        RidgeModel.self,
    ]

    public let rawValue: String
    /// The model's type.
    let type: any RoutingModel.Type

    init(_ type: any RoutingModel.Type) {
        rawValue = type.name
        self.type = type
    }

    public init?(rawValue: String) {
        guard let type = Self.registry.first(where: { $0.name == rawValue }) else { return nil }
        self.init(type)
    }

    public static var allCases: [ModelKind] { registry.map(ModelKind.init) }

    public var description: String { rawValue }

    /// One line on what the model is.
    public var summary: String { type.summary }

    public static func == (lhs: ModelKind, rhs: ModelKind) -> Bool { lhs.rawValue == rhs.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// Whether the model routes conversation turns (multi-turn graphs only).
    public var readsConversations: Bool { type is any TurnRoutingModel.Type }

    /// Whether the model can score LLMs added after training.
    package var routesNewLLMs: Bool { type.routesNewLLMs }

    /// Whether the model passes messages over the graph.
    var passesMessages: Bool { type is any MessagePassingModel.Type }

    /// What the model reads.
    var inputs: ModelInputs { type.inputs }
}
