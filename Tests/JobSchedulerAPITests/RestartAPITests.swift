import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import JobSchedulerAPI

/// `POST /api/v1/jobs/{jobName}/restart` and `/batches/{batchName}/restart` on the real engine.
@Suite("Restarts over the API")
struct RestartAPITests {
    @Test func anEndedJobRunsAgainInItsContainerWithItsPayload() async throws {
        try await APIFixture(script: "cat /args/payload; echo").run { client in
            let name = try await client.submit(#"{"payload":"the payload"}"#)
            try await client.waitFor(name, toBe: ["Succeeded"])
            let restarted = try await client.request(.post, "/api/v1/jobs/\(name)/restart")
            #expect(restarted.status == .ok, "\(restarted.text)")
            let answer = try restarted.object()
            #expect(answer["name"] as? String == name && answer["restart"] is String, "\(answer)")
            // Its first run, then the second, once it has run (the pod statuses hold both).
            let done = try await waitForValue("the second run has ended", timeout: .seconds(120)) { () -> [String: Any]? in
                let status = try await client.status(of: name)
                return status["status"] as? String == "Succeeded" && (status["podStatuses"] as? [[String: Any]])?.count == 2 ? status : nil
            }
            let pods = try #require(done["podStatuses"] as? [[String: Any]])
            #expect(pods.map { ($0["replicaStatus"] as? [String: Any])?["status"] as? String } == ["Succeeded", "Succeeded"], "\(pods)")
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs").text == "the payload\nthe payload\n")
            _ = try await client.request(.post, "/api/v1/jobs/nope/restart").expectFailure(404, "NotFound")
        }
    }

    @Test func aStoppedBatchRunsAgainWhole() async throws {
        try await APIFixture(script: "sleep 60").run { client in
            let batch = try await client.submitBatch(#"{"jobScheduleDescriptions":[{},{}]}"#)
            let name = try #require(batch["name"] as? String)
            try await client.waitForBatch(name) { states(of: $0) == ["Running", "Running"] }
            _ = try await client.request(.post, "/api/v1/batches/\(name)/stop").object()
            try await client.waitForBatch(name) { states(of: $0) == ["Stopped", "Stopped"] }
            let job = try #require(jobs(of: try await client.batch(name)).first?["name"] as? String)
            _ = try await client.request(.post, "/api/v1/jobs/\(job)/restart").expectFailure(400, "BadRequest")
            let restarted = try await client.request(.post, "/api/v1/batches/\(name)/restart")
            #expect(restarted.status == .ok, "\(restarted.text)")
            let running = try await client.waitForBatch(name) { states(of: $0) == ["Running", "Running"] }
            #expect(running["status"] as? String == "Active")
        }
    }
}
