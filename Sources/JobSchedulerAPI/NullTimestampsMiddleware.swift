import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends the properties the contract marks `nullable` as an explicit `null` when they have no value
/// (a timestamp not known yet), where the generated types would leave them out: Radix clients read
/// `"ended": null`.
///
/// Which properties those are is read from the contract itself (`NullableProperties`), so a field
/// added to swagger.json needs no change here.
struct NullTimestampsMiddleware: ServerMiddleware {
    /// The schema of each operation's successful answer (an object, or an array of them).
    var responseSchemas: [String: String]
    var nullable: NullableProperties

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, metadata)
        guard response.status == .ok, let schema = responseSchemas[operationID], let responseBody else {
            return (response, responseBody)
        }
        // Answers are small (a list of at most a few history limits' worth of jobs) and already in memory.
        let data = try await Data(collecting: responseBody, upTo: .max)
        let output = try Self.filled(data, schema: schema, nullable: nullable)
        var headers = response
        headers.headerFields[.contentLength] = nil
        return (headers, HTTPBody(output))
    }

    /// The JSON `data` of `schema` (an object, or an array of them) with the absent nullable properties as null.
    static func filled(_ data: Data, schema: String, nullable: NullableProperties) throws -> Data {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return data }
        let filled = nullable.fill(value, schema: schema)
        return try JSONSerialization.data(withJSONObject: filled, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    }
}

/// The nullable properties of each schema of the contract, and which properties lead to other schemas.
struct NullableProperties: Sendable {
    /// Schema name → its nullable property names.
    var nullable: [String: Set<String>] = [:]
    /// Schema name → property name → the schema its value (or each element of its array value) has.
    var nested: [String: [String: String]] = [:]

    /// Reads `components.schemas` of an OpenAPI 3.0 document.
    init(document: [UInt8]) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(document)) as? [String: Any],
              let components = root["components"] as? [String: Any],
              let schemas = components["schemas"] as? [String: Any] else { return }
        for (name, schema) in schemas {
            guard let properties = (schema as? [String: Any])?["properties"] as? [String: Any] else { continue }
            for (property, value) in properties {
                guard let value = value as? [String: Any] else { continue }
                if value["nullable"] as? Bool == true { nullable[name, default: []].insert(property) }
                let target = (value["$ref"] as? String) ?? ((value["items"] as? [String: Any])?["$ref"] as? String)
                if let target, let schemaName = target.split(separator: "/").last {
                    nested[name, default: [:]][property] = String(schemaName)
                }
            }
        }
    }

    /// `value` with every absent nullable property of `schema` (and of the schemas nested in it) set to null.
    func fill(_ value: Any, schema: String) -> Any {
        if let array = value as? [Any] { return array.map { fill($0, schema: schema) } }
        guard var object = value as? [String: Any] else { return value }
        for property in nullable[schema] ?? [] where object[property] == nil {
            object[property] = NSNull()
        }
        for (property, target) in nested[schema] ?? [:] {
            if let child = object[property], !(child is NSNull) { object[property] = fill(child, schema: target) }
        }
        return object
    }
}
