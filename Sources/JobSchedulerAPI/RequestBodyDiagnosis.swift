import Foundation

/// Says what is wrong with a request body when the JSON decoder only says "The given data was not valid
/// JSON." (Foundation's decoder says so for bad syntax, and also for a number that does not fit its
/// field, such as `1.5` or `99999999999` for an int32, without naming the field.)
struct RequestBodyDiagnosis: Sendable {
    /// The integer properties of the request body's schema, with their format (`int32`, `int64`).
    var integerProperties: [String: String] = [:]

    /// Reads the integer properties of `schema` from an OpenAPI 3.0 document.
    init(document: [UInt8], schema: String) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(document)) as? [String: Any],
              let schemas = (root["components"] as? [String: Any])?["schemas"] as? [String: Any],
              let properties = (schemas[schema] as? [String: Any])?["properties"] as? [String: Any] else { return }
        for (name, value) in properties {
            guard let property = value as? [String: Any], property["type"] as? String == "integer" else { continue }
            integerProperties[name] = property["format"] as? String ?? "int64"
        }
    }

    /// One line on what is wrong, or nil if nothing is found.
    func problem(in bytes: [UInt8]) -> String? {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return "not valid JSON: \(detail)"
        }
        guard let object = value as? [String: Any] else { return nil }
        let problems = integerProperties.keys.sorted().compactMap { name -> String? in
            guard let number = object[name] as? NSNumber, let format = integerProperties[name] else { return nil }
            return Self.problem(with: number, format: format).map { "\(name): \($0)" }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    private static func problem(with number: NSNumber, format: String) -> String? {
        let double = number.doubleValue
        guard double.rounded() == double else { return "\(number) is not a whole number" }
        let range: ClosedRange<Double> = format == "int32"
            ? Double(Int32.min)...Double(Int32.max)
            : Double(Int64.min)...Double(Int64.max)
        guard range.contains(double) else { return "\(number) does not fit in \(format)" }
        return nil
    }
}
