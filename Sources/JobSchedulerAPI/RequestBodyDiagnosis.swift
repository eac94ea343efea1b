import Foundation

/// Says what is wrong with a request body when the JSON decoder only says "The given data was not valid
/// JSON." (Foundation's decoder says so for bad syntax, and also for a number that does not fit its
/// field, such as `1.5` or `99999999999` for an int32, without naming the field.)
struct RequestBodyDiagnosis: Sendable {
    /// The integer properties of the request body's schema, with their format.
    var integerProperties: [String: OpenAPIContract.IntegerFormat]

    /// For the body of `schema`, whose integer properties the contract gives (`OpenAPIContract`, read at build time).
    init(schema: String) {
        integerProperties = OpenAPIContract.integerProperties[schema] ?? [:]
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

    private static func problem(with number: NSNumber, format: OpenAPIContract.IntegerFormat) -> String? {
        let double = number.doubleValue
        guard double.rounded() == double else { return "\(number) is not a whole number" }
        let range: ClosedRange<Double> = switch format {
        case .int32: Double(Int32.min)...Double(Int32.max)
        case .int64: Double(Int64.min)...Double(Int64.max)
        }
        guard range.contains(double) else { return "\(number) does not fit in \(format.rawValue)" }
        return nil
    }
}
