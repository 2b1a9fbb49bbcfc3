import CJansson

/// One decoded JSON Lines record: a JSON object parsed by jansson, with typed field
/// accessors whose errors name the file, line and field.
///
/// A record is only valid inside the closure that receives it; copy out what you need.
public struct JSONRecord {
    let object: OpaquePointer
    /// Where the record came from.
    public let location: SourceLocation
    /// For a nested object, the path to it that errors put before a field name
    /// (`responses[2].`).
    let prefix: String

    init(object: OpaquePointer, location: SourceLocation, prefix: String = "") {
        self.object = object
        self.location = location
        self.prefix = prefix
    }

    /// Whether the record has `key`, with any value other than `null`.
    public func has(_ key: String) -> Bool {
        guard let value = json_object_get(UnsafePointer(object), key) else { return false }
        return cjansson_type(value) != Int32(JSON_NULL.rawValue)
    }

    /// The object's keys, in document order (jansson keeps insertion order).
    public var keys: [String] {
        var keys: [String] = []
        forEachMember { key, _ in keys.append(key) }
        return keys
    }

    /// Every member of the object, which must all be integers of at least `minimum`, in
    /// document order (one pass, no lookups: for large objects such as vocabularies).
    public func integerMembers(minimum: Int = 0) throws -> [(key: String, value: Int)] {
        var members: [(key: String, value: Int)] = []
        try forEachMember { key, value in
            guard cjansson_type(value) == Int32(JSON_INTEGER.rawValue), json_integer_value(value) >= minimum else {
                throw wrongType(key, "an integer >= \(minimum)", OpaquePointer(value))
            }
            members.append((key, Int(json_integer_value(value))))
        }
        return members
    }

    /// Calls `body` with each member's key and value, in document order.
    private func forEachMember(_ body: (String, UnsafeMutablePointer<json_t>) throws -> Void) rethrows {
        let json = UnsafeMutablePointer<json_t>(object)
        var iterator = json_object_iter(json)
        while let current = iterator {
            try body(String(cString: json_object_iter_key(current)), json_object_iter_value(current)!)
            iterator = json_object_iter_next(json, current)
        }
    }

    /// The value at `key` or nil when absent or `null`.
    private func value(_ key: String) -> OpaquePointer? {
        guard let value = json_object_get(UnsafePointer(object), key),
              cjansson_type(value) != Int32(JSON_NULL.rawValue) else { return nil }
        return OpaquePointer(value)
    }

    /// An error about `key` in this record.
    public func error(_ key: String, _ message: String) -> DataError {
        DataError(message, at: location, field: prefix + key)
    }

    private func wrongType(_ key: String, _ expected: String, _ value: OpaquePointer) -> DataError {
        error(key, "expected \(expected), got \(Self.render(value))")
    }

    /// A required non-empty string.
    public func string(_ key: String) throws -> String {
        guard let text = try optionalString(key) else { throw error(key, "missing") }
        return text
    }

    /// An optional string; present but empty or non-string is an error.
    public func optionalString(_ key: String, allowEmpty: Bool = false) throws -> String? {
        guard let value = value(key) else { return nil }
        guard cjansson_type(UnsafePointer(value)) == Int32(JSON_STRING.rawValue) else {
            throw wrongType(key, "a string", value)
        }
        let length = json_string_length(UnsafePointer(value))
        let text = String(decoding: UnsafeRawBufferPointer(start: json_string_value(UnsafePointer(value)), count: length),
                          as: UTF8.self)
        if !allowEmpty, text.isEmpty { throw error(key, "expected a non-empty string, got \"\"") }
        return text
    }

    /// A required number within `range`.
    public func number(_ key: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                       describedAs expectation: String = "a number") throws -> Double {
        guard let number = try optionalNumber(key, in: range, describedAs: expectation) else {
            throw error(key, "missing")
        }
        return number
    }

    /// An optional number within `range`; `expectation` phrases the range for errors
    /// ("a number >= 0").
    public func optionalNumber(_ key: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                               describedAs expectation: String = "a number") throws -> Double? {
        guard let value = value(key) else { return nil }
        let type = cjansson_type(UnsafePointer(value))
        guard type == Int32(JSON_INTEGER.rawValue) || type == Int32(JSON_REAL.rawValue) else {
            throw wrongType(key, expectation, value)
        }
        let number = json_number_value(UnsafePointer(value))
        guard number.isFinite, range.contains(number) else { throw wrongType(key, expectation, value) }
        return number
    }

    /// An optional whole number `>= minimum`.
    public func optionalInteger(_ key: String, minimum: Int = 0) throws -> Int? {
        guard let value = value(key) else { return nil }
        guard cjansson_type(UnsafePointer(value)) == Int32(JSON_INTEGER.rawValue) else {
            throw wrongType(key, "an integer >= \(minimum)", value)
        }
        let number = Int(json_integer_value(UnsafePointer(value)))
        guard number >= minimum else { throw wrongType(key, "an integer >= \(minimum)", value) }
        return number
    }

    /// A required integer of at least `minimum`.
    public func integer(_ key: String, minimum: Int = 0) throws -> Int {
        guard let number = try optionalInteger(key, minimum: minimum) else { throw error(key, "missing") }
        return number
    }

    /// A required boolean.
    public func bool(_ key: String) throws -> Bool {
        guard let value = value(key) else { throw error(key, "missing") }
        let type = cjansson_type(UnsafePointer(value))
        if type == Int32(JSON_TRUE.rawValue) { return true }
        if type == Int32(JSON_FALSE.rawValue) { return false }
        throw wrongType(key, "true or false", value)
    }

    /// A required nested object, valid as long as this record is.
    public func object(_ key: String) throws -> JSONRecord {
        guard let value = value(key) else { throw error(key, "missing") }
        guard cjansson_type(UnsafePointer(value)) == Int32(JSON_OBJECT.rawValue) else {
            throw wrongType(key, "an object", value)
        }
        return JSONRecord(object: value, location: location, prefix: "\(prefix)\(key).")
    }

    /// A required non-empty array of objects, each valid as long as this record is.
    public func objectArray(_ key: String) throws -> [JSONRecord] {
        var index = 0
        let objects = try array(key, "an array of objects") { element -> JSONRecord? in
            guard cjansson_type(UnsafePointer(element)) == Int32(JSON_OBJECT.rawValue) else { return nil }
            defer { index += 1 }
            return JSONRecord(object: element, location: location, prefix: "\(prefix)\(key)[\(index)].")
        }
        guard !objects.isEmpty else { throw error(key, "expected a non-empty array of objects, got []") }
        return objects
    }

    /// A required array of strings.
    public func stringArray(_ key: String) throws -> [String] {
        try array(key, "an array of strings") { element in
            guard cjansson_type(UnsafePointer(element)) == Int32(JSON_STRING.rawValue) else { return nil }
            return String(cString: json_string_value(UnsafePointer(element)))
        }
    }

    /// A required array of finite numbers.
    public func numberArray(_ key: String) throws -> [Double] {
        try array(key, "an array of numbers") { element in
            let type = cjansson_type(UnsafePointer(element))
            guard type == Int32(JSON_INTEGER.rawValue) || type == Int32(JSON_REAL.rawValue) else { return nil }
            let number = json_number_value(UnsafePointer(element))
            return number.isFinite ? number : nil
        }
    }

    private func array<T>(_ key: String, _ expected: String, _ convert: (OpaquePointer) -> T?) throws -> [T] {
        guard let value = value(key) else { throw error(key, "missing") }
        guard cjansson_type(UnsafePointer(value)) == Int32(JSON_ARRAY.rawValue) else {
            throw wrongType(key, expected, value)
        }
        var result: [T] = []
        for i in 0..<json_array_size(UnsafePointer(value)) {
            guard let element = json_array_get(UnsafePointer(value), i),
                  let converted = convert(OpaquePointer(element)) else {
                throw wrongType(key, expected, value)
            }
            result.append(converted)
        }
        return result
    }

    /// A short JSON rendering of a value for error messages.
    static func render(_ value: OpaquePointer) -> String {
        guard let dumped = json_dumps(UnsafePointer(value), Int(JSON_ENCODE_ANY | JSON_COMPACT)) else { return "?" }
        defer { free(dumped) }
        let text = String(cString: dumped)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
