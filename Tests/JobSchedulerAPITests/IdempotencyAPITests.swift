import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import JobSchedulerAPI

/// `Idempotency-Key` on `POST /api/v1/jobs` and `/batches`, against the real engine: a repeat answers
/// what the first request made, also from a scheduler started afresh; misuse is a Radix Status.
@Suite("Idempotent submission over the API")
struct IdempotencyAPITests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test func aRepeatedPostAnswersTheSameJobAndBatchAlsoAfterARestart() async throws {
        var fixture = APIFixture(script: "exit 0")
        fixture.keepsWhatItLeaves = true
        let body = #"{"payload":"x=1","variables":{"MODE":"fast"}}"#
        let batchBody = #"{"batchId":"b-1","jobScheduleDescriptions":[{"payload":"a"},{"payload":"b"}]}"#
        let (job, batch) = try await fixture.run { client in
            let first = try await client.request(.post, "/api/v1/jobs", json: body, headers: [Self.key: "order-17"])
            #expect(first.status == .ok)
            let name = try #require(try first.object()["name"] as? String)
            // Whitespace and the order of keys are not the request: the same request.
            let again = try await client.request(.post, "/api/v1/jobs", json: #"{ "variables": {"MODE": "fast"}, "payload": "x=1" }"#,
                                                 headers: [Self.key: "\"order-17\""])
            #expect(try again.object()["name"] as? String == name)
            let batch = try await client.request(.post, "/api/v1/batches", json: batchBody, headers: [Self.key: "nightly"])
            let batchName = try #require(try batch.object()["name"] as? String)
            #expect(try await client.request(.post, "/api/v1/batches", json: batchBody, headers: [Self.key: "nightly"]).object()["name"] as? String == batchName)
            return (name, batchName)
        }
        fixture.keepsWhatItLeaves = false
        try await fixture.run { client in
            #expect(try await client.request(.post, "/api/v1/jobs", json: body, headers: [Self.key: "order-17"]).object()["name"] as? String == job)
            #expect(try await client.request(.post, "/api/v1/batches", json: batchBody, headers: [Self.key: "nightly"]).object()["name"] as? String == batch)
            #expect(try await client.request(.get, "/api/v1/jobs").array().count == 1)
            #expect(try await client.request(.get, "/api/v1/batches").array().count == 1)

            let reused = try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"x=2"}"#, headers: [Self.key: "order-17"])
            #expect(reused.status.code == 422)
            let status = try reused.object()
            #expect(status["reason"] as? String == "Invalid" && status["code"] as? Int == 422)
            #expect((status["message"] as? String)?.contains(job) == true, "\(status)")
            for bad in ["\"\"", String(repeating: "k", count: 256)] {
                let refused = try await client.request(.post, "/api/v1/jobs", json: body, headers: [Self.key: bad])
                let reason = try refused.object()["reason"] as? String
                #expect(refused.status.code == 400 && reason == "BadRequest", "\(bad)")
            }
            #expect(try await client.request(.get, "/api/v1/jobs").array().count == 1, "nothing made by the refused requests")
        }
    }
}

/// Requests the HTTP parser refuses, over a real socket: a Radix Status body like every other error.
@Suite("Requests the HTTP parser refuses")
struct MalformedRequestTests {
    @Test func oversizedOrTooManyHeadersGetAStatusBody() async throws {
        try await APIFixture(script: "true").run(.live) { client in
            let port = try #require(client.port)
            let big = "GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100 * 1024))\r\n\r\n"
            let many = "GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\n" + (0..<20_000).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
            for (what, request) in [("a 100 KiB header", big), ("20,000 headers", many), ("a broken request line", "GET\r\n\r\n")] {
                let stream = try RawHTTPStream(port: port, request: Array(request.utf8))
                defer { stream.close() }
                let answer = try await stream.readToEnd(timeout: .seconds(30))
                #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(what): \(answer)")
                let body = try #require(answer.components(separatedBy: "\r\n\r\n").last, "\(what)")
                let status = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(what): \(answer)")
                #expect(status["status"] as? String == "Failure" && status["reason"] as? String == "BadRequest" && status["code"] as? Int == 400, "\(what)")
                #expect((status["message"] as? String)?.isEmpty == false, "\(what)")
            }
            // The server goes on answering.
            #expect(try await client.request(.get, "/api/v1/jobs").status == .ok)
        }
    }
}
