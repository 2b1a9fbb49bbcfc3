import Testing
@testable import PRouterKit

/// Every schema's error paths: each bad line gives `FILE:LINE: field "x": ...`.
@Suite struct SchemaTests {
    static let goodResponse = #"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"cost":0.1}"#

    @Test(arguments: [
        (#"{"task":"math","query":"1+1","llm":"a","performance":0.5,"cost":0.1}"#, #"field "query_id": missing"#),
        (#"{"query_id":"q1","query":"1+1","llm":"a","performance":0.5,"cost":0.1}"#, #"field "task": missing"#),
        (#"{"query_id":"q1","task":"math","llm":"a","performance":0.5,"cost":0.1}"#, #"field "query": missing"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","performance":0.5,"cost":0.1}"#, #"field "llm": missing"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","cost":0.1}"#, #"field "performance": missing"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":1.5,"cost":0.1}"#,
         #"field "performance": expected a number in 0..1, got 1.5"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"cost":-1}"#,
         #"field "cost": expected a number >= 0, got -1"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"cost":"abc"}"#,
         #"field "cost": expected a number >= 0, got "abc""#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5}"#,
         #"field "cost": missing (give cost, or input_tokens and output_tokens)"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"input_tokens":3}"#,
         #"field "output_tokens": missing (input_tokens is given, cost is not)"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"output_tokens":3}"#,
         #"field "input_tokens": missing (output_tokens is given, cost is not)"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"input_tokens":-3,"output_tokens":3}"#,
         #"field "input_tokens": expected an integer >= 0, got -3"#),
        (#"{"query_id":7,"task":"math","query":"1+1","llm":"a","performance":0.5,"cost":0.1}"#,
         #"field "query_id": expected a string, got 7"#),
        (#"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"cost":0.1,"response":3}"#,
         #"field "response": expected a string, got 3"#),
    ])
    func responseErrors(line: String, expected: String) {
        let message = errorMessage { _ = try decodeLines(Self.goodResponse + "\n" + line, name: "responses.jsonl", Response.init) }
        #expect(message == "responses.jsonl:2: " + expected)
    }

    @Test(arguments: [
        (#"{"description":"d","price_in":1,"price_out":2}"#, #"field "llm": missing"#),
        (#"{"llm":"a","price_in":1,"price_out":2}"#, #"field "description": missing"#),
        (#"{"llm":"a","description":"d","price_out":2}"#, #"field "price_in": missing"#),
        (#"{"llm":"a","description":"d","price_in":1,"price_out":-2}"#, #"field "price_out": expected a number >= 0, got -2"#),
        (#"{"llm":"a","description":"d","price_in":1,"price_out":2,"params_b":"big"}"#,
         #"field "params_b": expected a number >= 0, got "big""#),
    ])
    func llmErrors(line: String, expected: String) {
        #expect(errorMessage { _ = try decodeLines(line, name: "llms.jsonl", LLMSpec.init) } == "llms.jsonl:1: " + expected)
    }

    @Test func catalogsRejectDuplicateIDs() throws {
        let scratch = try Scratch()
        let path = try scratch.file("llms.jsonl", """
            {"llm":"a","description":"d","price_in":1,"price_out":2}
            {"llm":"a","description":"e","price_in":1,"price_out":2}
            """)
        #expect(errorMessage { _ = try Catalog.llms(path) } == "llms.jsonl:2: field \"llm\": duplicate \"a\" (first at llms.jsonl:1)")
        let tasks = try scratch.file("tasks.jsonl", #"{"task":"math"}"#)
        #expect(errorMessage { _ = try Catalog.tasks(tasks) } == "tasks.jsonl:1: field \"description\": missing")
    }

    @Test func userErrors() {
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","beta":0.5}"#, name: "users.jsonl") { try UserSpec($0, requirePreferences: true) } }
            == #"users.jsonl:1: field "alpha": missing"#)
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","alpha":-1,"beta":0.5}"#, name: "users.jsonl") { try UserSpec($0, requirePreferences: true) } }
            == #"users.jsonl:1: field "alpha": expected a number >= 0, got -1"#)
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","profile":5}"#, name: "users.jsonl") { try UserSpec($0, requirePreferences: false) } }
            == #"users.jsonl:1: field "profile": expected a string, got 5"#)
    }

    @Test func labelInteractionAndRouteErrors() {
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","query_id":"q"}"#, name: "labels.jsonl", Label.init) }
            == #"labels.jsonl:1: field "best_llm": missing"#)
        let interaction = #"{"user":"u","query_id":"q","task":"t","query":"x","llm":"a","performance":0.5,"cost":1,"reward":0.2,"best":"yes"}"#
        #expect(errorMessage { _ = try decodeLines(interaction, name: "interactions.jsonl", Interaction.init) }
            == #"interactions.jsonl:1: field "best": expected true or false, got "yes""#)
        #expect(errorMessage { _ = try decodeLines(#"{"user":"u","query_id":"q"}"#, name: "routes.jsonl", Route.init) }
            == #"routes.jsonl:1: field "llm": missing"#)
    }

    @Test func tableRejectsDuplicatesAndInconsistentQueries() {
        let lines = [SchemaTests.goodResponse, SchemaTests.goodResponse].joined(separator: "\n")
        #expect(errorMessage { _ = try ResponseTable(responses: try decodeLines(lines, name: "r.jsonl", Response.init), llms: nil) }
            == #"r.jsonl:2: field "llm": duplicate response of "a" to query "q1" (first at r.jsonl:1)"#)
        let otherTask = SchemaTests.goodResponse.replacingOccurrences(of: #""task":"math""#, with: #""task":"chat""#)
            .replacingOccurrences(of: #""llm":"a""#, with: #""llm":"b""#)
        #expect(errorMessage { _ = try ResponseTable(responses: try decodeLines(SchemaTests.goodResponse + "\n" + otherTask, name: "r.jsonl", Response.init), llms: nil) }
            == #"r.jsonl:2: field "task": query "q1" has task "math" at r.jsonl:1, here "chat""#)
        let otherText = SchemaTests.goodResponse.replacingOccurrences(of: #""query":"1+1""#, with: #""query":"2+2""#)
            .replacingOccurrences(of: #""llm":"a""#, with: #""llm":"b""#)
        #expect(errorMessage { _ = try ResponseTable(responses: try decodeLines(SchemaTests.goodResponse + "\n" + otherText, name: "r.jsonl", Response.init), llms: nil) }
            == #"r.jsonl:2: field "query": query "q1" has a different text at r.jsonl:1"#)
    }

    @Test func tokenCostsNeedPrices() throws {
        let line = #"{"query_id":"q1","task":"math","query":"1+1","llm":"a","performance":0.5,"input_tokens":1000,"output_tokens":500}"#
        let responses = try decodeLines(line, name: "r.jsonl", Response.init)
        #expect(errorMessage { _ = try ResponseTable(responses: responses, llms: nil) }
            == #"r.jsonl:1: field "cost": missing, and no --llms file to price input_tokens and output_tokens"#)
        #expect(errorMessage { _ = try ResponseTable(responses: responses, llms: [:]) }
            == #"r.jsonl:1: field "llm": no price for "a" in the --llms file"#)
        let spec = try decodeLines(#"{"llm":"a","description":"d","price_in":2,"price_out":10}"#, LLMSpec.init)[0]
        let table = try ResponseTable(responses: responses, llms: ["a": spec])
        // 1000 * $2/M + 500 * $10/M = $0.002 + $0.005.
        #expect(table.entries[0].cost == 0.007)
    }
}
