import Foundation
import Testing
@testable import JobSchedulerAPI

/// What the server takes from the contract at build time (`OpenAPIContract`) agrees with swagger.json,
/// read here.
@Suite("the contract's facts")
struct ContractFactsTests {
    static func schemas() throws -> [String: [String: Any]] {
        try #require((OpenAPIDocumentTests.document()["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
    }

    static func properties(of schema: String) throws -> [String: [String: Any]] {
        try #require(try schemas()[schema]?["properties"] as? [String: [String: Any]])
    }

    /// Every path of the document with exactly its methods, and the route table answers them all.
    @Test func theRouteTableHasEveryPathAndMethodOfTheDocument() throws {
        let paths = try #require(try OpenAPIDocumentTests.document()["paths"] as? [String: [String: Any]])
        let verbs: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let documented = paths.mapValues { item in item.keys.filter(verbs.contains).map { $0.uppercased() }.sorted() }
        let built = Dictionary(uniqueKeysWithValues: OpenAPIContract.paths.map { ($0.path, $0.methods) })
        #expect(built == documented)
        let routes = RouteTable(basePath: "")
        for (path, methods) in documented {
            let concrete = path.replacingOccurrences(of: "{jobName}", with: "work-20260101000000-abcdefgh")
            #expect(routes.allowedMethods(for: concrete) == methods, "\(path)")
        }
        #expect(routes.allowedMethods(for: "/api/v1/nothing") == nil)
        #expect(RouteTable(basePath: "/base").allowedMethods(for: "/base/api/v1/jobs/stop") == ["POST"])
    }

    @Test func integerPropertiesAreTheDocumentsWithTheirFormats() throws {
        var documented: [String: [String: String]] = [:]
        for (schema, value) in try Self.schemas() {
            for (name, property) in value["properties"] as? [String: [String: Any]] ?? [:] where property["type"] as? String == "integer" {
                documented[schema, default: [:]][name] = property["format"] as? String ?? "int64"
            }
        }
        #expect(OpenAPIContract.integerProperties.mapValues { $0.mapValues(\.rawValue) } == documented)
        #expect(RequestBodyDiagnosis(schema: "JobScheduleDescription").integerProperties == ["timeLimitSeconds": .int64, "backoffLimit": .int32])
    }
}
