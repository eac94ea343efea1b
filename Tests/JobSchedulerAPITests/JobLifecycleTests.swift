import Foundation
import HTTPTypes
import HummingbirdTesting
import SchedulerCore
import Testing
@testable import JobSchedulerAPI

/// The jobs API against the real engine: start, watch, list, stop and delete, through HTTP. (The
/// answers that need no job to have run use jobs in memory.)
@Suite("jobs API lifecycle")
struct JobLifecycleTests {
    /// The job's exit code says whether the payload arrived intact: 0 for "hello", 3 otherwise.
    static let payloadCheck = #"test "$(cat /args/payload)" = "hello" && exit 0; exit 3"#

    @Test func payloadReachesTheJobWhichSucceeds() async throws {
        let fixture = APIFixture(script: Self.payloadCheck)
        try await fixture.run { client in
            let created = try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"hello","jobId":"order-1"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let job = try created.object()
            let name = try #require(job["name"] as? String)
            #expect(name.wholeMatch(of: /work-\d{14}-[a-z0-9]{8}/) != nil, "name \(name)")
            #expect(job["jobId"] as? String == "order-1")
            #expect(["Waiting", "Running", "Succeeded"].contains(job["status"] as? String ?? ""))
            #expect(isTimestamp(job["created"]))
            // Unknown timestamps are an explicit null, not left out.
            #expect(job.keys.contains("ended"))
            if job["status"] as? String != "Succeeded" { #expect(job["ended"] is NSNull) }

            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")
            #expect(done["jobId"] as? String == "order-1")
            #expect(done["failed"] as? Int == 0)
            for key in ["created", "started", "ended", "updated"] { #expect(isTimestamp(done[key]), "\(key): \(String(describing: done[key]))") }
            let pods = try #require(done["podStatuses"] as? [[String: Any]])
            let pod = try #require(pods.first)
            #expect(pod["exitCode"] as? Int == 0)
            #expect(pod["image"] as? String == TestEngine.image)
            #expect((pod["replicaStatus"] as? [String: Any])?["status"] as? String == "Succeeded")
            #expect(isTimestamp(pod["startTime"]) && isTimestamp(pod["endTime"]))
        }
    }

    @Test func aWrongPayloadFailsTheJobWithItsExitCode() async throws {
        let fixture = APIFixture(script: Self.payloadCheck)
        try await fixture.run { client in
            let name = try await client.submit(#"{"payload":"goodbye"}"#)
            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Failed", "\(done)")
            let pod = try #require((done["podStatuses"] as? [[String: Any]])?.last)
            #expect(pod["exitCode"] as? Int == 3)
            #expect((done["message"] as? String)?.isEmpty == false)
        }
    }

    /// An empty payload is an empty file, on one engine (written into the container) as on a swarm
    /// (where a config cannot be empty, so /dev/null is bound read-only in its place).
    @Test func anEmptyPayloadIsAnEmptyFile() async throws {
        let fixture = APIFixture(script: #"test -e /args/payload && test "$(wc -c < /args/payload)" -eq 0 && exit 0; exit 4"#)
        try await fixture.run { client in
            let name = try await client.submit(#"{"payload":""}"#)
            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")
        }
    }

    @Test func requestOverridesCommandArgsAndVariables() async throws {
        let fixture = APIFixture(script: "exit 9")
        try await fixture.run { client in
            let name = try await client.submit(#"""
                {"command":["sh","-c"],"args":["test \"$GREETING\" = hi && test \"$(cat /args/payload)\" = 'a \"quoted\" line'"],
                 "variables":{"GREETING":"hi"},"payload":"a \"quoted\" line"}
                """#)
            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")
        }
    }

    @Test func postWithoutABodyRunsTheConfiguredJob() async throws {
        let fixture = APIFixture(script: "exit 0")
        try await fixture.run { client in
            let response = try await client.request(.post, "/api/v1/jobs")
            #expect(response.status == .ok, "\(response.text)")
            let name = try #require(try response.object()["name"] as? String)
            try await client.waitFor(name, toBe: ["Succeeded"])
        }
    }

    @Test func listIsEmptyThenNewestFirst() async throws {
        let fixture = APIFixture(script: "exit 0")
        try await fixture.run { client in
            let empty = try await client.request(.get, "/api/v1/jobs")
            #expect(empty.status == .ok)
            #expect(empty.text == "[]")

            let first = try await client.submit()
            try await Task.sleep(for: .milliseconds(1100))  // names carry the second they were made in
            let second = try await client.submit()
            let list = try await client.request(.get, "/api/v1/jobs").array()
            #expect(list.compactMap { $0["name"] as? String } == [second, first])
            for job in list { #expect(job["podStatuses"] is [Any]) }
        }
    }

    @Test func unknownJobIsA404StatusBody() async throws {
        try await APIFixture(runtime: .memory).run { client in
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/jobs/work-20260101000000-abcdefgh"),
                                   (.delete, "/api/v1/jobs/nope"), (.post, "/api/v1/jobs/nope/stop")] {
                let response = try await client.request(method, path)
                let message = try response.expectFailure(404, "NotFound")
                #expect(message.contains("is not found"), "\(message)")
            }
        }
    }

    @Test func deleteAnswersSuccessThenTheJobIsGone() async throws {
        let fixture = APIFixture(script: "sleep 30")
        try await fixture.run { client in
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Running"])
            let deleted = try await client.request(.delete, "/api/v1/jobs/\(name)")
            #expect(deleted.status == .ok)
            let body = try deleted.object()
            #expect(body["status"] as? String == "Success")
            #expect(body["message"] as? String == "job \(name) successfully deleted")
            #expect(body["code"] as? Int == 200)
            #expect(body["reason"] == nil)

            try await client.request(.get, "/api/v1/jobs/\(name)").expectFailure(404, "NotFound")
            try await client.request(.delete, "/api/v1/jobs/\(name)").expectFailure(404, "NotFound")
            #expect(try await TestEngine.jobNames(labelled: "radix-app=\(fixture.applicationName)").isEmpty)
        }
    }

    @Test func stopMakesARunningJobStoppingThenStopped() async throws {
        let fixture = APIFixture(script: "sleep 60", stopGracePeriod: .seconds(1))
        try await fixture.run { client in
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Running"])
            let stopped = try await client.request(.post, "/api/v1/jobs/\(name)/stop")
            #expect(stopped.status == .ok, "\(stopped.text)")
            let body = try stopped.object()
            #expect(body["status"] as? String == "Success")
            #expect(body["code"] as? Int == 200)
            #expect((body["message"] as? String)?.contains(name) == true)

            let state = try await client.status(of: name)["status"] as? String
            #expect(state == "Stopping" || state == "Stopped")
            let done = try await client.waitFor(name, toBe: ["Stopped"], timeout: .seconds(120))
            #expect(isTimestamp(done["ended"]))

            // An ended job cannot be stopped.
            let again = try await client.request(.post, "/api/v1/jobs/\(name)/stop")
            let message = try again.expectFailure(400, "BadRequest")
            #expect(message.contains(name))
        }
    }

    @Test func stoppingAJobThatSucceededIsABadRequest() async throws {
        let jobs = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(jobs)).run { client in
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Running"])
            jobs.exit(name, code: 0)
            try await client.waitFor(name, toBe: ["Succeeded"])
            try await client.request(.post, "/api/v1/jobs/\(name)/stop").expectFailure(400, "BadRequest")
        }
    }

    @Test func stopAllStopsEveryRunningJob() async throws {
        let fixture = APIFixture(script: "sleep 60", stopGracePeriod: .seconds(1))
        try await fixture.run { client in
            let nothing = try await client.request(.post, "/api/v1/jobs/stop")
            #expect(nothing.status == .ok)
            #expect(try nothing.object()["status"] as? String == "Success")

            let first = try await client.submit()
            let second = try await client.submit()
            try await client.waitFor(first, toBe: ["Running"])
            try await client.waitFor(second, toBe: ["Running"])
            let response = try await client.request(.post, "/api/v1/jobs/stop")
            #expect(response.status == .ok, "\(response.text)")
            let message = try #require(try response.object()["message"] as? String)
            #expect(message.contains(first) && message.contains(second), "\(message)")
            try await client.waitFor(first, toBe: ["Stopped"], timeout: .seconds(120))
            try await client.waitFor(second, toBe: ["Stopped"], timeout: .seconds(120))
        }
    }
}
