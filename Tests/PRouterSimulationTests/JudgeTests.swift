import Testing
import PRouterIO
@testable import PRouterSimulation
import PRouterTestSupport

@Suite struct JudgeTests {
    @Test(arguments: [
        ("Best response: 3", 3), ("**Best response: 2**", 2), ("best response: 4.", 4),
        ("I think 3.\nBest response: 1", 1), ("Best response: 11", nil), ("Best response: 0", nil),
        ("Best response: 2\nBest response: 3", nil), ("The best is response 3", nil), ("Best response: three", nil),
    ] as [(String, Int?)])
    func directReplies(reply: String, expected: Int?) {
        #expect(PromptStyle.direct.parse(reply, candidates: 10) == expected)
    }

    @Test(arguments: [
        ("The user is frugal, so the cheap one. [[2]]", 2), ("Reasoning...\n[[10]].", 10), ("[[2]] because it is cheap", nil),
        ("no brackets 2", nil), ("[[0]]", nil), ("[[x]]", nil), ("[2]", nil), ("[[ 3]]", nil),
    ] as [(String, Int?)])
    func reasonedReplies(reply: String, expected: Int?) {
        #expect(PromptStyle.reasoned.parse(reply, candidates: 10) == expected)
    }

    static func table(withText: Bool = true) throws -> ResponseTable {
        let lines = (0..<2).flatMap { q in
            ["a", "b", "c"].map { llm in
                #"{"query_id":"q\#(q)","task":"t","query":"question \#(q)","llm":"\#(llm)","performance":0.5,"cost":1\#(withText || llm != "b" ? #","response":"answer of \#(llm)""# : "")}"#
            }
        }
        return try ResponseTable(responses: try decodeLines(lines.joined(separator: "\n"), name: "r.jsonl", Response.init), llms: nil)
    }

    @Test func plansOneShuffledRequestPerUserQueryAndConfiguration() throws {
        let users = [UserSpec(user: "u", alpha: nil, beta: nil, profile: "A frugal student."),
                     UserSpec(user: "v", alpha: nil, beta: nil, profile: "A lavish lawyer.")]
        let configurations = [JudgeConfiguration(model: "j1", style: .direct), JudgeConfiguration(model: "j1", style: .reasoned),
                              JudgeConfiguration(model: "j2", style: .direct)]
        let requests = try JudgePlan.requests(table: try Self.table(), users: users, configurations: configurations, seed: 4)
        #expect(requests.count == 2 * 2 * 3)
        #expect(requests.map(\.user) == Array(repeating: "u", count: 6) + Array(repeating: "v", count: 6))
        #expect(try JudgePlan.requests(table: try Self.table(), users: users, configurations: configurations, seed: 4) == requests)
        #expect(Set(requests.map(\.order)).count > 1)
        for request in requests {
            #expect(request.order.sorted() == ["a", "b", "c"])
            let decoded = try decodeLines(request.body) { record in
                (try record.string("model"), try record.number("temperature"))
            }
            #expect(decoded[0].0 == request.configuration.model && decoded[0].1 == 0)
            // The numbered responses follow the recorded order.
            for (number, llm) in request.order.enumerated() {
                #expect(request.body.contains("Response \(number + 1):\\nanswer of \(llm)"))
            }
            #expect(request.body.contains(request.user == "u" ? "A frugal student." : "A lavish lawyer."))
        }
    }

    @Test func needsProfilesAndResponseTexts() throws {
        let withoutProfile = try decodeLines(#"{"user":"u","alpha":1,"beta":0}"#, name: "users.jsonl") {
            try UserSpec($0, requirePreferences: false)
        }
        let configuration = [JudgeConfiguration(model: "j", style: .direct)]
        #expect(errorMessage { _ = try JudgePlan.requests(table: try Self.table(), users: withoutProfile, configurations: configuration, seed: 0) }
            == #"users.jsonl:1: field "profile": missing (judge mode needs a profile for every user)"#)
        let user = [UserSpec(user: "u", alpha: nil, beta: nil, profile: "p")]
        #expect(errorMessage { _ = try JudgePlan.requests(table: try Self.table(withText: false), users: user, configurations: configuration, seed: 0) }
            == #"r.jsonl:1: field "response": query "q0": the response of "b" has no text to judge"#)
    }

    @Test func dryRunWritesTheBodiesWithoutSending() throws {
        let scratch = try Scratch()
        let responses = (0..<3).flatMap { q in ["a", "b"].map { llm in
            #"{"query_id":"q\#(q)","task":"t","query":"question \#(q)","llm":"\#(llm)","performance":0.5,"cost":1,"response":"r"}"#
        } }
        try scratch.file("responses.jsonl", responses.joined(separator: "\n"))
        try scratch.file("users.jsonl", #"{"user":"u","profile":"p"}"#)
        let arguments = ["judge", "--users", scratch.path("users.jsonl"), "--judge-model", "m", "--prompt-style", "both",
                         scratch.path("responses.jsonl")]
        let dry = try runTool("pr-sim", arguments + ["--dry-run"])
        #expect(dry.status == 0 && dry.out.split(separator: "\n").count == 6)
        // Nothing listens on port 9 of the loopback: one try, then exit 75 (try again later).
        let send = try runTool("pr-sim", arguments + ["--base-url", "http://127.0.0.1:9", "--retries", "1"])
        #expect(send.status == 75 && send.err.contains("cannot connect") && send.out.isEmpty)
        #expect(try runTool("pr-sim", ["judge", "--users", scratch.path("users.jsonl")]).status == 64)
    }
}

@Suite struct QuestionnaireTests {
    static func convert(_ answers: String) throws -> [Label] {
        let scratch = try Scratch()
        let table = try JudgeTests.table()
        let output = try OutputFile(path: scratch.path("labels.jsonl"), lineBuffered: false)
        try output.produce { try Questionnaire.convert(answersPath: try scratch.file("answers.jsonl", answers), table: table, writer: $0) }
        return try JSONLReader(path: scratch.path("labels.jsonl")).decodeAll(Label.init)
    }

    @Test func answersBecomeLabels() throws {
        let labels = try Self.convert("""
            {"participant":"p1","query_id":"q0","choice":2}
            {"participant":"p1","query_id":"q1","choice":1,"order":["c","a","b"]}
            """)
        #expect(labels.map(\.bestLLM) == ["b", "c"])
        #expect(labels.map(\.user) == ["p1", "p1"])
    }

    @Test(arguments: [
        (#"{"participant":"p","query_id":"q9","choice":1}"#, #"answers.jsonl:1: field "query_id": unknown query "q9" (not in the responses)"#),
        (#"{"participant":"p","query_id":"q0","choice":4}"#, #"answers.jsonl:1: field "choice": expected a response number from 1 to 3"#),
        (#"{"participant":"p","query_id":"q0"}"#, #"answers.jsonl:1: field "choice": missing"#),
        (#"{"participant":"p","query_id":"q0","choice":1,"order":["a","a","b"]}"#,
         #"answers.jsonl:1: field "order": expected the 3 LLMs that answered "q0", each once"#),
        (#"{"participant":"p","query_id":"q0","choice":1}"# + "\n" + #"{"participant":"p","query_id":"q0","choice":2}"#,
         #"answers.jsonl:2: field "query_id": second answer of "p" for this query (first at answers.jsonl:1)"#),
    ])
    func badAnswers(answers: String, expected: String) {
        #expect(errorMessage { _ = try Self.convert(answers) } == expected)
    }
}
