/// How a judge LLM is asked to pick the response a user would prefer. Both styles put
/// the user profile in the system message and the query with numbered candidate
/// responses in the user message; they differ in how the answer is requested.
public enum PromptStyle: Int, Sendable, CaseIterable {
    /// Answer directly, on one line: `Best response: N`.
    case direct = 1
    /// Think briefly about the user's priorities first, then end with `[[N]]`.
    case reasoned = 2

    /// The user message for `query` and the candidate responses, numbered from 1 in order.
    public func userMessage(query: String, responses: [String]) -> String {
        var text = "You are choosing, on behalf of the user described in the system message, which of "
            + "\(responses.count) responses to their query they would prefer.\n\nQuery:\n\(query)\n"
        for (i, response) in responses.enumerated() {
            text += "\nResponse \(i + 1):\n\(response)\n"
        }
        switch self {
        case .direct:
            text += "\nReply with exactly one line of the form \"Best response: N\", where N is the number of the "
                + "response this user would prefer, and nothing else."
        case .reasoned:
            text += "\nFirst explain in at most three sentences what this user cares about and how the responses "
                + "compare on it. Then end your reply with the number of the response this user would prefer in "
                + "double square brackets, like [[N]]."
        }
        return text
    }

    /// The response number (1-based) in a judge's reply, if it can be read without guessing:
    /// style 1 needs one `Best response: N` line, style 2 a final `[[N]]`; N must be in range.
    public func parse(_ reply: String, candidates: Int) -> Int? {
        let number: Int?
        switch self {
        case .direct:
            let lines = reply.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t*.") }
            let answers = lines.compactMap { line -> Int? in
                guard line.lowercased().hasPrefix("best response:") else { return nil }
                return Int(line.dropFirst("best response:".count).trimmingCharacters(in: " \t"))
            }
            number = answers.count == 1 ? answers[0] : nil
        case .reasoned:
            let trimmed = reply.trimmingCharacters(in: " \t\r\n.")
            guard trimmed.hasSuffix("]]") else { return nil }
            let body = trimmed.dropLast(2)
            guard let open = body.lastIndex(of: "["), open > body.startIndex, body[body.index(before: open)] == "[" else {
                return nil
            }
            number = Int(body[body.index(after: open)...])
        }
        guard let number, (1...candidates).contains(number) else { return nil }
        return number
    }
}

extension StringProtocol {
    /// The string without the given characters at either end.
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
