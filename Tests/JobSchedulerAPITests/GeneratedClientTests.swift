import Foundation
import HummingbirdTesting
import JobSchedulerClient
import Testing

// This file sees only the generated client's `Client`, `Components` and `Operations` (the server's
// generated types are internal to JobSchedulerAPI and not imported here).

/// A client generated from swagger.json (the package's JobSchedulerClient) driving a live scheduler
/// over a socket, on the real engine.
@Suite("the generated Swift client against a live scheduler")
struct GeneratedClientTests {
    /// Runs `body` with a generated client of the fixture's scheduler, served on a free loopback port.
    static func withClient<T: Sendable>(_ fixture: APIFixture, _ body: @Sendable (Client) async throws -> T) async throws -> T {
        try await fixture.run(.live) { testClient in
            let port = try #require(testClient.port)
            let client = try Client.make(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
            return try await body(client)
        }
    }

    /// Polls `getJob` until the job is in one of `states`.
    static func waitFor(_ name: String, in client: Client, toBe states: Set<Components.Schemas.JobStatus.StatusPayload>,
                        timeout: Duration = .seconds(120)) async throws -> Components.Schemas.JobStatus {
        var last: Components.Schemas.JobStatus?
        return try await waitForValue("job \(name) is \(states)", timeout: timeout, lastSeen: { "\(String(describing: last))" }) {
            last = try await client.getJob(path: .init(jobName: name)).ok.body.json
            return last.flatMap { states.contains($0.status) ? $0 : nil }
        }
    }

    @Test func lifecycleWithAPayloadThroughTheGeneratedClient() async throws {
        let fixture = APIFixture(script: #"test "$(cat /args/payload)" = '{"x": 10}'"#)
        try await Self.withClient(fixture) { client in
            let created = try await client.createJob(body: .json(.init(payload: #"{"x": 10}"#, jobId: "order-7"))).ok.body.json
            #expect(created.jobId == "order-7")
            #expect([.waiting, .running, .succeeded].contains(created.status))
            #expect(created.created != nil)

            let done = try await Self.waitFor(created.name, in: client, toBe: [.succeeded, .failed])
            #expect(done.status == .succeeded, "\(done)")
            #expect(done.started != nil && done.ended != nil)
            let pod = try #require(done.podStatuses?.first)
            #expect(pod.exitCode == 0)
            #expect(pod.replicaStatus.status == .succeeded)
            #expect(pod.image == TestEngine.image)

            let list = try await client.getJobs().ok.body.json
            #expect(list.map(\.name) == [created.name])

            // Stopping an ended job is refused; deleting it works once.
            let stop = try await client.stopJob(path: .init(jobName: created.name))
            #expect(try stop.badRequest.body.json.reason == "BadRequest")
            let deleted = try await client.deleteJob(path: .init(jobName: created.name)).ok.body.json
            #expect(deleted.status == .success)
            #expect(deleted.code == 200)
            #expect(try await client.getJobs().ok.body.json.isEmpty)
        }
    }

    @Test func stopAndStopAllThroughTheGeneratedClient() async throws {
        let fixture = APIFixture(script: "sleep 60", stopGracePeriod: .seconds(1))
        try await Self.withClient(fixture) { client in
            let first = try await client.createJob(body: .json(.init())).ok.body.json
            let second = try await client.createJob().ok.body.json  // no body at all
            _ = try await Self.waitFor(first.name, in: client, toBe: [.running])

            let stopped = try await client.stopJob(path: .init(jobName: first.name)).ok.body.json
            #expect(stopped.status == .success)
            #expect(stopped.message?.contains(first.name) == true)
            let end = try await Self.waitFor(first.name, in: client, toBe: [.stopped], timeout: .seconds(120))
            #expect(end.ended != nil)

            let all = try await client.stopAllJobs().ok.body.json
            #expect(all.message?.contains(second.name) == true, "\(all)")
            _ = try await Self.waitFor(second.name, in: client, toBe: [.stopped], timeout: .seconds(120))
            let nothing = try await client.stopAllJobs().ok.body.json
            #expect(nothing.message == "no job is waiting or running, nothing to stop")
        }
    }

    @Test func errorStatusesMapToTheDocumentedOutputs() async throws {
        try await Self.withClient(APIFixture(payloadPath: nil, runtime: .memory)) { client in
            let missing = "work-20260101000000-abcdefgh"
            let notFound = try await client.getJob(path: .init(jobName: missing)).notFound.body.json
            #expect(notFound.status == .failure)
            #expect(notFound.code == 404)
            #expect(notFound.reason == "NotFound")
            #expect(try await client.deleteJob(path: .init(jobName: missing)).notFound.body.json.code == 404)
            #expect(try await client.stopJob(path: .init(jobName: missing)).notFound.body.json.code == 404)
            #expect(try await client.getJobLogs(path: .init(jobName: missing)).notFound.body.json.code == 404)

            // Radix clients may send an image: the scheduler cannot run another one.
            let image = try await client.createJob(body: .json(.init(image: "evil/miner:latest"))).badRequest.body.json
            #expect(image.reason == "BadRequest")
            #expect(image.message?.contains("image cannot be chosen") == true, "\(image)")
            #expect(image.message?.contains(TestEngine.image) == true, "\(image)")

            let payload = try await client.createJob(body: .json(.init(payload: "x"))).badRequest.body.json
            #expect(payload.message?.contains("payload") == true)

            let invalid = try await client.createJob(body: .json(.init(timeLimitSeconds: 0))).unprocessableContent.body.json
            #expect(invalid.reason == "Invalid")
            #expect(invalid.message?.contains("timeLimitSeconds") == true)

            let badTail = try await client.getJobLogs(path: .init(jobName: missing), query: .init(tail: -1)).badRequest.body.json
            #expect(badTail.message?.contains("tail") == true)
            #expect(try await client.getJobs().ok.body.json.isEmpty)
        }
    }

    @Test func aPayloadOverTheLimitIsContentTooLarge() async throws {
        try await Self.withClient(APIFixture(runtime: .memory)) { client in
            let big = try await client.createJob(body: .json(.init(payload: String(repeating: "a", count: 1_048_577)))).contentTooLarge.body.json
            #expect(big.reason == "RequestEntityTooLarge")
            #expect(big.code == 413)
        }
    }

    @Test func anImageOfNullIsLeftOut() async throws {
        try await Self.withClient(APIFixture(runtime: .memory)) { client in
            // The generated client leaves a nil image out; an explicit null is the same as none.
            let job = try await client.createJob(body: .json(.init(jobId: "no-image", image: nil))).ok.body.json
            #expect(job.jobId == "no-image")
        }
    }

    @Test func logsHealthMetricsAndTheDocumentThroughTheGeneratedClient() async throws {
        let fixture = APIFixture(jobName: "client-\(UUID().uuidString.prefix(6).lowercased())", script: "echo out; echo err >&2")
        try await Self.withClient(fixture) { client in
            let job = try await client.createJob().ok.body.json
            _ = try await Self.waitFor(job.name, in: client, toBe: [.succeeded])

            let stdout = try await client.getJobLogs(path: .init(jobName: job.name), query: .init(stream: .stdout)).ok.body.plainText
            #expect(try await String(collecting: stdout, upTo: 1 << 20) == "out\n")
            let stderr = try await client.getJobLogs(path: .init(jobName: job.name), query: .init(stream: .stderr)).ok.body.plainText
            #expect(try await String(collecting: stderr, upTo: 1 << 20) == "err\n")
            let followed = try await client.getJobLogs(path: .init(jobName: job.name), query: .init(follow: true)).ok.body.plainText
            let all = try await String(collecting: followed, upTo: 1 << 20)
            #expect(all.contains("out\n") && all.contains("err\n"))

            // Healthy once the scheduler follows its engine's events.
            let health = try await waitForValue("GET /health answers 200", timeout: .seconds(10)) {
                if case .ok(let ok) = try await client.getHealth() { ok } else { nil }
            }
            #expect(try health.body.json.status == .success)

            let metrics = try await String(collecting: client.getMetrics().ok.body.plainText, upTo: 1 << 22)
            #expect(metrics.contains(#"job_scheduler_jobs_succeeded_total{job="\#(fixture.jobName)"} 1"#), "\(metrics)")

            let document = try await client.getOpenAPIDocument().ok.body.json
            #expect(document.additionalProperties.value["openapi"] as? String == "3.0.3")
            let page = try await String(collecting: client.getAPIPage().ok.body.html, upTo: 1 << 22)
            #expect(page.hasPrefix("<!DOCTYPE html>"))
        }
    }

    @Test func baseURLsAreNormalized() throws {
        for text in ["http://compute:8000", "http://compute:8000/", "http://compute:8000/api/v1", "compute:8000", " compute:8000/api/v1/ "] {
            let url = try JobSchedulerURL.serverURL(for: try JobSchedulerURL.parse(text))
            #expect(url.absoluteString == "http://compute:8000", "\(text)")
        }
        #expect(throws: InvalidSchedulerURL.self) { try JobSchedulerURL.parse("ftp://compute") }
        #expect(throws: InvalidSchedulerURL.self) { try JobSchedulerURL.parse("") }
    }
}
