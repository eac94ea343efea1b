import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import JobSchedulerAPI

/// The contract: one document, served as it is, and read by the code that depends on it.
@Suite("the OpenAPI document")
struct OpenAPIDocumentTests {
    static let file = repositoryRoot.appendingPathComponent("swagger.json")

    @Test func servedBytesAreTheTopLevelSwaggerJSON() async throws {
        let expected = try Data(contentsOf: Self.file)
        try await APIFixture().run { client in
            let response = try await client.request(.get, "/swagger.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.data == expected)
        }
    }

    @Test func theGeneratorReadsTheSameFile() throws {
        let link = repositoryRoot.appendingPathComponent("Sources/JobSchedulerAPI/openapi.json")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "../../swagger.json")
        #expect(OpenAPIDocument.bytes == [UInt8](try Data(contentsOf: Self.file)))
    }

    @Test func documentIsOpenAPI3WithTheJobsAPIUnderTheRadixBasePath() throws {
        let root = try Self.document()
        #expect((root["openapi"] as? String)?.hasPrefix("3.0") == true)
        let servers = try #require(root["servers"] as? [[String: Any]])
        #expect(servers.first?["url"] as? String == "/")
        let paths = try #require(root["paths"] as? [String: Any])
        #expect(Set(paths.keys) == [
            "/api/v1/jobs", "/api/v1/jobs/stop", "/api/v1/jobs/{jobName}", "/api/v1/jobs/{jobName}/stop", "/api/v1/jobs/{jobName}/logs",
            "/api/v1/jobs/{jobName}/restart", "/api/v1/batches/{batchName}/restart",
            "/api/v1/batches", "/api/v1/batches/stop", "/api/v1/batches/{batchName}", "/api/v1/batches/{batchName}/stop",
            "/api/v1/batches/{batchName}/jobs/{jobName}", "/api/v1/batches/{batchName}/jobs/{jobName}/stop",
            "/api/v1/schedules", "/api/v1/schedules/summary", "/api/v1/schedules/{scheduleIndex}/run", "/api/v1/schedules/{scheduleIndex}/suspend",
            "/api/v1/schedules/{scheduleIndex}/resume", "/api/v1/events", "/api/v1/jobs/{jobName}/settings",
            "/health", "/metrics", "/swagger.json", "/docs", "/", "/console/{asset}",
        ])
    }

    @Test func everyErrorAnswerIsDocumentedWithTheStatusSchema() throws {
        let root = try Self.document()
        let paths = try #require(root["paths"] as? [String: [String: Any]])
        // Operations that need the engine document its 503; the others never touch it.
        let withoutEngine: Set<String> = ["getJobs", "getJob", "getBatches", "getBatch", "getBatchJob", "getSchedules", "getRunSummary", "getMetrics", "getOpenAPIDocument", "getAPIPage",
                                          "followEvents", "getJobSettings", "getConsole", "getConsoleAsset"]
        for (path, item) in paths {
            for (method, operation) in item where method != "parameters" {
                let operation = try #require(operation as? [String: Any])
                let id = try #require(operation["operationId"] as? String)
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses["500"] == nil, "\(method) \(path) documents a 500")
                #expect((responses["503"] != nil) == !withoutEngine.contains(id), "\(method) \(path): 503")
                for (code, response) in responses where code != "200" {
                    let content = (response as? [String: Any])?["content"] as? [String: Any]
                    let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                    #expect(schema?["$ref"] as? String == "#/components/schemas/Status", "\(method) \(path) \(code)")
                }
            }
        }
    }

    @Test func everyOperationHasADescriptionAndEveryAnswerAnExample() throws {
        let root = try Self.document()
        let paths = try #require(root["paths"] as? [String: [String: Any]])
        var operationIDs: [String] = []
        for (path, item) in paths {
            for (method, operation) in item where method != "parameters" {
                let operation = try #require(operation as? [String: Any])
                operationIDs.append(try #require(operation["operationId"] as? String, "\(method) \(path)"))
                #expect((operation["summary"] as? String)?.isEmpty == false, "\(method) \(path)")
                #expect((operation["description"] as? String)?.isEmpty == false, "\(method) \(path)")
                #expect((operation["tags"] as? [String])?.count == 1, "\(method) \(path)")
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                for (code, response) in responses {
                    #expect((response["description"] as? String)?.isEmpty == false, "\(method) \(path) \(code)")
                    for (type, media) in try #require(response["content"] as? [String: [String: Any]]) {
                        #expect(media["example"] != nil || media["examples"] != nil, "\(method) \(path) \(code) \(type) has no example")
                    }
                }
                for parameter in operation["parameters"] as? [[String: Any]] ?? [] {
                    #expect(parameter["description"] != nil && parameter["example"] != nil, "\(method) \(path) \(parameter)")
                }
            }
        }
        #expect(Set(operationIDs).count == operationIDs.count)
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        for (name, schema) in schemas {
            #expect(schema["description"] != nil, "\(name)")
            for (property, value) in schema["properties"] as? [String: [String: Any]] ?? [:] where value["$ref"] == nil {
                #expect(value["description"] != nil, "\(name).\(property)")
            }
        }
    }

    @Test func theImageFieldIsDocumentedAsNotAllowed() throws {
        let root = try Self.document()
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let image = try #require((schemas["JobScheduleDescription"]?["properties"] as? [String: [String: Any]])?["image"])
        #expect((image["description"] as? String)?.hasPrefix("Not allowed") == true)
    }

    /// The contract and the server cannot drift: every operation of the document is routed (answered
    /// with one of its documented codes), and every route the server has is in the document.
    @Test func theServerAnswersEveryOperationOfTheDocumentWithADocumentedCode() async throws {
        let root = try Self.document()
        let paths = try #require(root["paths"] as? [String: [String: Any]])
        var operations: [(method: String, uri: String, codes: Set<String>)] = []
        for (path, item) in paths {
            for (method, operation) in item where method != "parameters" {
                let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any])
                let uri = path.replacingOccurrences(of: "{jobName}", with: "work-20260101000000-abcdefgh")
                    .replacingOccurrences(of: "{batchName}", with: "batch-workxxxxxxxxxxxx-20260101000000-abcdefgh")
                    .replacingOccurrences(of: "{scheduleIndex}", with: "0")
                    .replacingOccurrences(of: "{asset}", with: "console.js")
                // The event stream goes on but for a catch-up read.
                    + (path == "/api/v1/events" ? "?follow=false" : "")
                operations.append((method, uri, Set(responses.keys)))
            }
        }
        #expect(operations.count == 30)
        try await APIFixture().run { [operations] client in
            for (method, uri, codes) in operations {
                let response = try await client.request(HTTPRequest.Method(method.uppercased())!, uri)
                #expect(codes.contains(String(response.status.code)), "\(method) \(uri) answered \(response.status.code): \(response.text)")
            }
        }
    }

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    @Test func decodingErrorsNameTheField() throws {
        struct Body: Decodable { var list: [Int] }
        do {
            _ = try JSONDecoder().decode(Body.self, from: Data(#"{"list":[1,"x"]}"#.utf8))
            Issue.record("decoded")
        } catch let error as DecodingError {
            #expect(DecodingErrorDescription.describe(error).hasPrefix("list[1]: "))
        }
    }
}
