import PRouterIO

/// Builds a split ``ConversationGraph`` from a conversation log.
///
/// The split unit is the conversation, so that a held-out turn is routed with its own
/// conversation's history and no other split sees it; conversations that share a query
/// text go to the same split, so that no copy of a test query leaks its outcome. New
/// users (`newUserCount`/`newUserIDs`) are held out of training and validation: the
/// first `shots` turns of the first half of their conversations are kept as support, the
/// rest of that half is dropped, and the second half is their test set.
public enum ConversationGraphBuilder {
    public static func build(_ log: ConversationLog, options: GraphBuildOptions) throws -> ConversationGraph {
        var users = Interner(), llms = Interner(), conversations = Interner()
        for conversation in log.conversations {
            let first = log.turns[conversation[0]]
            _ = users.intern(first.user)
            _ = conversations.intern(first.conversationID)
            for turn in conversation { for response in log.turns[turn].responses { _ = llms.intern(response.llm) } }
        }
        for turn in log.turns where !turn.hasFeedback && turn.responses.contains(where: { $0.preferred == false }) {
            throw DataError("no response is marked preferred while some are marked not preferred", at: turn.location, field: "responses")
        }
        guard log.turns.contains(where: \.hasFeedback) else { throw DataError("no turn has feedback (preferred or rating)") }
        let newUsers = Set(try GraphBuilder.resolve(options.newUserIDs, count: options.newUserCount, in: users, what: "user"))
        if !newUsers.isEmpty && newUsers.count >= users.count { throw UsageError("at least one user must stay in training") }

        let conversationSplit = splitConversations(log, options: options)
        var split = [Split?](repeating: nil, count: log.turns.count)
        var dropped = 0
        var byUser: [UInt32: [Int]] = [:]
        for (c, conversation) in log.conversations.enumerated() {
            let user = users.lookup(log.turns[conversation[0]].user)!
            if newUsers.contains(user) {
                byUser[user, default: []].append(c)
            } else {
                for turn in conversation { split[turn] = conversationSplit[c] }
            }
        }
        for (_, owned) in byUser.sorted(by: { $0.key < $1.key }) {
            let pool = owned.prefix((owned.count + 1) / 2)
            var shots = options.shots
            for c in pool {
                for turn in log.conversations[c] {
                    if shots > 0 {
                        split[turn] = .support
                        shots -= 1
                    } else {
                        dropped += 1
                    }
                }
            }
            for c in owned.dropFirst(pool.count) { for turn in log.conversations[c] { split[turn] = .test } }
        }

        let settings = GraphSettings(splitUnit: .query, fractions: options.normalizedFractions, seed: options.seed, fold: options.fold,
                                     shots: options.shots, newUsers: newUsers.sorted().map { users.names[Int($0)] },
                                     droppedNodes: dropped)
        var graph = ConversationGraph(settings: settings, users: users.names, llms: llms.names, conversations: conversations.names,
                                      turnUser: [], turnConversation: [], turnNumber: [], turnSplit: [], queryTexts: [],
                                      responseTurn: [], responseLLM: [], responseTexts: [], responseSignals: [],
                                      responseFeedback: [], responseRating: [], features: nil)
        for conversation in log.conversations {
            for index in conversation {
                guard let turnSplit = split[index] else { continue }
                let turn = log.turns[index]
                let preferred = turn.preferredIndex
                let node = UInt32(graph.turnCount)
                graph.turnUser.append(users.lookup(turn.user)!)
                graph.turnConversation.append(conversations.lookup(turn.conversationID)!)
                graph.turnNumber.append(UInt32(turn.turn))
                graph.turnSplit.append(turnSplit)
                graph.queryTexts.append(turn.query)
                for (i, response) in turn.responses.enumerated() {
                    graph.responseTurn.append(node)
                    graph.responseLLM.append(llms.lookup(response.llm)!)
                    graph.responseTexts.append(response.response ?? "")
                    graph.responseSignals += [response.score, response.cost, response.length].map { $0.map(Float.init) ?? .nan }
                    graph.responseFeedback.append(preferred == nil ? .unknown : preferred == i ? .preferred : .rejected)
                    graph.responseRating.append(response.rating.map(Float.init) ?? .nan)
                }
            }
        }
        return graph
    }

    /// One split per conversation; conversations sharing a query text are cut together.
    private static func splitConversations(_ log: ConversationLog, options: GraphBuildOptions) -> [Split] {
        var parent = Array(log.conversations.indices)
        func root(_ c: Int) -> Int {
            var c = c
            while parent[c] != c { parent[c] = parent[parent[c]]; c = parent[c] }
            return c
        }
        var firstWithQuery: [String: Int] = [:]
        for (c, conversation) in log.conversations.enumerated() {
            for turn in conversation {
                if let other = firstWithQuery[log.turns[turn].query] {
                    parent[root(c)] = root(other)
                } else {
                    firstWithQuery[log.turns[turn].query] = c
                }
            }
        }
        var groups = Interner()
        let group = log.conversations.indices.map { Int(groups.intern(String(root($0))).index) }
        let groupSplit = GraphBuilder.cutSplits(unitCount: groups.count, options: options)
        return group.map { groupSplit[$0] }
    }
}
