import Foundation
import Testing
@testable import PRouterKit

@Suite struct ConversationTests {
    static func line(_ user: String, _ conversation: String, _ turn: Int, _ responses: String) -> String {
        #"{"user":"\#(user)","conversation_id":"\#(conversation)","turn":\#(turn),"query":"q \#(turn)","responses":[\#(responses)]}"#
    }

    static let pair = #"{"llm":"a","response":"plain words plain words","score":0.9,"cost":0.02,"length":300},"#
        + #"{"llm":"b","response":"plain zyzzyva words","score":0.6,"cost":0.001,"length":80}"#

    static func log(_ lines: [String]) throws -> ConversationLog {
        try ConversationLog(turns: try decodeLines(lines.joined(separator: "\n"), name: "c.jsonl") { try ConversationTurn($0) })
    }

    @Test func groupsTurnsInOrderWhateverTheLineOrder() throws {
        let log = try Self.log([Self.line("u", "c1", 1, Self.pair), Self.line("v", "c2", 0, Self.pair), Self.line("u", "c1", 0, Self.pair)])
        #expect(log.conversations == [[2, 0], [1]])
        var object = JSONObjectBuilder()
        log.turns[0].encode(into: &object)
        #expect(object.text() == Self.line("u", "c1", 1, Self.pair))
    }

    @Test(arguments: [
        ([line("u", "c", 0, pair), line("v", "c", 1, pair)],
         #"c.jsonl:2: field "user": conversation "c" belongs to "u" (c.jsonl:1), not "v""#),
        ([line("u", "c", 0, pair), line("u", "c", 2, pair)],
         #"c.jsonl:2: field "turn": conversation "c" has no turn 1 before turn 2"#),
        ([line("u", "c", 0, pair), line("u", "c", 0, pair)], #"c.jsonl:2: field "turn": turn 0 of conversation "c" appears twice"#),
        ([line("u", "c", 0, #"{"llm":"a"},{"llm":"a"}"#)], #"c.jsonl:1: field "responses[1].llm": "a" answers this turn twice"#),
        ([line("u", "c", 0, #"{"llm":"a","score":2},{"llm":"b"}"#)],
         #"c.jsonl:1: field "responses[0].score": expected a number in 0..1, got 2"#),
        ([line("u", "c", 0, #"{"llm":"a"}"#)], #"c.jsonl:1: field "responses": expected at least two candidate responses"#),
        ([line("u", "c", -1, pair)], #"c.jsonl:1: field "turn": expected an integer >= 0, got -1"#),
    ])
    func badLogs(lines: [String], expected: String) {
        #expect(errorMessage { _ = try Self.log(lines) } == expected)
    }

    static func preferred(_ weights: TurnWeights, _ responses: String = pair) throws -> String {
        let turns = try TurnPreferenceSimulator(weights: ["u": weights]).run(try Self.log([Self.line("u", "c", 0, responses)]))
        #expect(turns[0].responses.filter { $0.preferred == true }.count == 1)
        #expect(turns[0].responses.allSatisfy { $0.preferred != nil })
        return turns[0].responses.first { $0.preferred == true }!.llm
    }

    @Test func weightsDecideThePreferredResponse() throws {
        #expect(try Self.preferred(TurnWeights(quality: 1)) == "a")
        #expect(try Self.preferred(TurnWeights(cost: -1)) == "b")
        #expect(try Self.preferred(TurnWeights(length: 1)) == "a")
        #expect(try Self.preferred(TurnWeights(quality: 1, cost: -2)) == "b")
        // "zyzzyva" is in one response of the two, so rare only when 1% of the texts is >= 1 text.
        #expect(try Self.preferred(TurnWeights(rareWords: 1)) == "b")
        // Ties: the higher score, then the LLM id.
        #expect(try Self.preferred(TurnWeights(length: 1), #"{"llm":"b","score":0.5,"length":5},{"llm":"a","score":0.5,"length":5}"#) == "a")
        #expect(try Self.preferred(TurnWeights(length: 1), #"{"llm":"b","score":0.7,"length":5},{"llm":"a","score":0.5,"length":5}"#) == "b")
    }

    @Test func lengthFallsBackToWordCountAndMissingSignalsAreErrors() throws {
        #expect(try Self.preferred(TurnWeights(length: -1), #"{"llm":"a","response":"one two three","score":1,"cost":0},{"llm":"b","response":"one","score":1,"cost":0}"#) == "b")
        #expect(errorMessage { _ = try Self.preferred(TurnWeights(quality: 1), #"{"llm":"a","score":1,"cost":0},{"llm":"b","cost":0}"#) }
            == #"c.jsonl:1: field "responses[1].score": missing (multi-turn simulation needs it for every response)"#)
        #expect(errorMessage { _ = try TurnPreferenceSimulator(weights: [:]).run(try Self.log([Self.line("u", "c", 0, Self.pair)])) }
            == #"c.jsonl:1: field "user": user "u" has no weights in the users file"#)
    }

    @Test func usersNeedAWeight() throws {
        let decoded = try decodeLines(#"{"user":"u","weights":{"quality":1,"rare_words":-0.5}}"#, name: "users.jsonl", TurnWeights.decode)
        #expect(decoded[0].user == "u" && decoded[0].weights == TurnWeights(quality: 1, rareWords: -0.5))
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","weights":{}}"#, name: "users.jsonl", TurnWeights.decode) }
            == #"users.jsonl:1: field "weights": expected at least one non-zero weight"#)
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","weights":{"cost":"x"}}"#, name: "users.jsonl", TurnWeights.decode) }
            == #"users.jsonl:1: field "weights.cost": expected a number, got "x""#)
    }
}

/// The bundled multi-turn example and the Arena converter, end to end.
@Suite struct MultiTurnExampleTests {

    @Test func simulatedUsersPreferOneResponsePerTurnAndDiffer() throws {
        let scratch = try Scratch()
        let result = try runTool("pr-sim", ["multi-turn", "--users", "\(examplesDirectory)/data/conversation-users.jsonl",
                                            "-o", scratch.path("labelled.jsonl"), "\(examplesDirectory)/data/conversations.jsonl"])
        #expect(result.status == 0 && result.err.isEmpty)
        let log = try ConversationLog(path: scratch.path("labelled.jsonl"))
        #expect(log.turns.count == 1138 && log.conversations.count == 256)
        #expect(log.turns.allSatisfy { $0.responses.filter { $0.preferred == true }.count == 1 })
        // Users with different weights prefer different LLMs overall.
        var favourite: [String: [String: Int]] = [:]
        for turn in log.turns {
            favourite[turn.user, default: [:]][turn.responses.first { $0.preferred == true }!.llm, default: 0] += 1
        }
        let tops = Set(favourite.values.map { counts in counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key })
        #expect(tops.count >= 4)
    }

    @Test func arenaBattlesBecomeConversations() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "\(examplesDirectory)/arena_to_conversations.py", "\(examplesDirectory)/data/arena-sample.jsonl"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = try ConversationLog(turns: try decodeLines(text, name: "arena.jsonl") { try ConversationTurn($0) })
        #expect(log.conversations.map(\.count) == [2, 1, 1])
        #expect(log.turns.map { $0.responses.map { $0.preferred } } == [[nil, nil], [true, false], [true, true], [false, false]])
    }
}
