import Testing
@testable import PRouterIO
import PRouterTestSupport
import PRouterAutodiff

@Suite struct JSONLReaderTests {
    @Test func forEachSkippingBadLinesHandsThemOverAndReadsOn() throws {
        let scratch = try Scratch()
        let path = try scratch.file("mixed.jsonl", #"{"n":1}"# + "\n{broken\n" + #"{"n":"two"}"# + "\n" + #"{"n":3}"#)
        var numbers: [Double] = []
        var skipped: [DataError] = []
        try JSONLReader(path: path).forEach(skippingBadLines: { skipped.append($0) }) { numbers.append(try $0.number("n")) }
        #expect(numbers == [1, 3])
        #expect(skipped.map { $0.location?.line } == [2, 3] && skipped[1].field == "n")
        #expect(throws: DataError.self) { try JSONLReader(path: path).forEach { numbers.append(try $0.number("n")) } }
    }

    @Test func toleratesBOMCRLFAndBlankLines() throws {
        let text = "\u{FEFF}{\"user\":\"a\"}\r\n\r\n   \n{\"user\":\"b\"}\r\n{\"user\":\"c\"}"
        let records = try decodeLines(text) { ($0.location.line, try $0.string("user")) }
        #expect(records.map(\.0) == [1, 4, 5])
        #expect(records.map(\.1) == ["a", "b", "c"])
    }

    @Test func reportsInvalidJSONWithFileAndLine() {
        let message = errorMessage { _ = try decodeLines("{\"a\":1}\n{\"a\":", name: "bad.jsonl") { _ in () } }
        // The value of "a" is where the text stops.
        #expect(message?.contains("bad.jsonl:2: field \"a\": invalid JSON at column") == true)
        let bare = errorMessage { _ = try decodeLines("{\"a\":1}\n[1,", name: "bad.jsonl") { _ in () } }
        #expect(bare?.contains("bad.jsonl:2: invalid JSON at column") == true)
    }

    @Test func rejectsNonObjectsAndDuplicateKeys() {
        #expect(errorMessage { _ = try decodeLines("[1,2]", name: "x.jsonl") { _ in () } }
            == "x.jsonl:1: expected a JSON object, got [1,2]")
        #expect(errorMessage { _ = try decodeLines("{\"a\":1,\"a\":2}", name: "x.jsonl") { _ in () } }?
            .contains("x.jsonl:1: invalid JSON") == true)
    }

    @Test func typedFieldErrorsNameTheField() {
        let message = errorMessage {
            _ = try decodeLines(#"{"cost":"abc"}"#, name: "responses.jsonl") {
                try $0.number("cost", in: 0...Double.greatestFiniteMagnitude, describedAs: "a number >= 0")
            }
        }
        #expect(message == #"responses.jsonl:1: field "cost": expected a number >= 0, got "abc""#)
        #expect(errorMessage { _ = try decodeLines(#"{"x":1}"#) { try $0.string("user") } }
            == #"test.jsonl:1: field "user": missing"#)
        #expect(errorMessage { _ = try decodeLines(#"{"user":""}"#) { try $0.string("user") } }
            == #"test.jsonl:1: field "user": expected a non-empty string, got """#)
        #expect(errorMessage { _ = try decodeLines(#"{"best":1}"#) { try $0.bool("best") } }
            == #"test.jsonl:1: field "best": expected true or false, got 1"#)
        #expect(errorMessage { _ = try decodeLines(#"{"n":1.5}"#) { try $0.optionalInteger("n") } }
            == #"test.jsonl:1: field "n": expected an integer >= 0, got 1.5"#)
    }

    @Test func nullCountsAsAbsent() throws {
        let values = try decodeLines(#"{"cost":null}"#) { try $0.optionalNumber("cost") }
        #expect(values == [nil])
    }

    @Test func readsLinesLongerThanTheBuffer() throws {
        let long = String(repeating: "x", count: 1_000_000)
        let values = try decodeLines("{\"q\":\"\(long)\"}\n{\"q\":\"y\"}") { try $0.string("q") }
        #expect(values.map(\.count) == [1_000_000, 1])
    }
}

@Suite struct JSONLWriterTests {
    @Test func keepsKeyOrderAndShortestNumbers() {
        var object = JSONObjectBuilder()
        object.add("z", 0.1)
        object.add("a", 5.0)
        object.add("m", 1e-7)
        object.add("b", true)
        object.add("s", "q\"uote\\ \n\t\u{1}é")
        #expect(object.text() == #"{"z":0.1,"a":5,"m":1e-07,"b":true,"s":"q\"uote\\ \n\t\u0001é"}"#)
    }

    @Test func numbersRoundTripExactly() throws {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<1000 {
            let value = (generator.unit() - 0.5) * pow10(Int(generator.below(20)) - 10)
            var object = JSONObjectBuilder()
            object.add("v", value)
            let parsed = try decodeLines(object.text()) { try $0.number("v") }
            #expect(parsed == [value])
        }
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}

@Suite struct ParallelDecodingTests {
    @Test func keepsInputOrderAcrossBatches() throws {
        let count = JSONLReader.batchSize * 2 + 123
        let text = (0..<count).map { #"{"n":\#($0)}"# }.joined(separator: "\n\n")
        let path = try Scratch().file("many.jsonl", text)
        var values: [Int] = []
        var lines: [Int] = []
        try JSONLReader(path: path).forEachDecoded({ record in
            (try record.optionalInteger("n")!, record.location.line)
        }) { values.append($0.0); lines.append($0.1) }
        #expect(values == Array(0..<count))
        #expect(lines == (0..<count).map { 2 * $0 + 1 })
    }

    @Test func reportsTheFirstBadLineInInputOrder() throws {
        var rows = (0..<JSONLReader.batchSize + 50).map { #"{"n":\#($0)}"# }
        rows[JSONLReader.batchSize + 10] = #"{"n":"late"}"#
        rows[7000] = #"{"n":-1}"#
        rows[7001] = "{broken"
        let path = try Scratch().file("bad.jsonl", rows.joined(separator: "\n"))
        var seen = 0
        let message = errorMessage {
            try JSONLReader(path: path).forEachDecoded({ try $0.optionalInteger("n")! }) { _ in seen += 1 }
        }
        #expect(message == #"bad.jsonl:7001: field "n": expected an integer >= 0, got -1"#)
        #expect(seen == 7000)
    }
}
