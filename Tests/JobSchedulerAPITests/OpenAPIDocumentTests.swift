import Foundation
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

    @Test func documentIsOpenAPI3WithTheRadixBasePath() throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
        #expect((root["openapi"] as? String)?.hasPrefix("3.0") == true)
        let servers = try #require(root["servers"] as? [[String: Any]])
        #expect(servers.first?["url"] as? String == "/api/v1")
        let paths = try #require(root["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/jobs", "/jobs/stop", "/jobs/{jobName}", "/jobs/{jobName}/stop"])
    }

    @Test func everyErrorAnswerIsDocumentedWithTheStatusSchema() throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
        let paths = try #require(root["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, operation) in item where method != "parameters" {
                let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any])
                #expect(responses["500"] == nil, "\(method) \(path) documents a 500")
                #expect(responses["503"] != nil, "\(method) \(path) does not document 503")
                for (code, response) in responses where code != "200" {
                    let content = (response as? [String: Any])?["content"] as? [String: Any]
                    let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                    #expect(schema?["$ref"] as? String == "#/components/schemas/Status", "\(method) \(path) \(code)")
                }
            }
        }
    }

    @Test func nullablePropertiesAreReadFromTheContract() {
        let nullable = NullableProperties(document: OpenAPIDocument.bytes)
        #expect(nullable.nullable["JobStatus"] == ["created", "started", "ended", "updated"])
        #expect(nullable.nullable["PodStatus"] == ["created", "startTime", "endTime", "containerStarted"])
        #expect(nullable.nested["JobStatus"]?["podStatuses"] == "PodStatus")
        let filled = nullable.fill([["name": "a", "podStatuses": [["name": "a"]]]], schema: "JobStatus") as? [[String: Any]]
        #expect(filled?.first?["ended"] is NSNull)
        #expect(((filled?.first?["podStatuses"] as? [[String: Any]])?.first?["endTime"]) is NSNull)
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
