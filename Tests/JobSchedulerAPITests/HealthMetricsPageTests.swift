import DockerEngine
import EngineTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SchedulerCore
import Testing
@testable import JobSchedulerAPI

/// `GET /health`, `GET /metrics` and the API page. Health is about the real engine (or the lack of
/// one); the metrics and the page come from the scheduler and the API alone, with jobs in memory.
@Suite("health, metrics and the API page")
struct HealthMetricsPageTests {
    /// Polls `GET /health` until it answers `code`.
    static func waitForHealth(_ client: any TestClientProtocol, _ code: Int, timeout: Duration = .seconds(120)) async throws -> TestResponse {
        var last: TestResponse?
        return try await waitForValue("GET /health answers \(code)", timeout: timeout, pollingEvery: .milliseconds(100),
                                      lastSeen: { last.map { "\($0.status) \($0.text)" } ?? "-" }) {
            last = try await client.request(.get, "/health")
            return last.flatMap { $0.status.code == code ? $0 : nil }
        }
    }

    @Test func healthIs200WhenTheEngineAnswers() async throws {
        try await APIFixture().run(.live) { client in
            let response = try await Self.waitForHealth(client, 200)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let body = try response.object()
            #expect(body["status"] as? String == "Success")
            #expect(body["code"] as? Int == 200)
            #expect(body["reason"] == nil)
        }
    }

    @Test func healthIs503WithWhyWhenTheEngineGoesAwayAnd200WhenItIsBack() async throws {
        let proxy = try SocketProxy(target: TestEngine.socketPath)
        defer { proxy.stop() }
        let fixture = APIFixture(runtime: .engineVia(DockerEngineClient(host: DockerHost(socketPath: proxy.socketPath))))
        try await fixture.run(.live) { client in
            _ = try await Self.waitForHealth(client, 200)
            proxy.stop()
            let down = try await Self.waitForHealth(client, 503)
            let message = try down.expectFailure(503, "ServiceUnavailable")
            #expect(message.contains("engine"), "\(message)")
            try proxy.start()
            _ = try await Self.waitForHealth(client, 200, timeout: .seconds(120))
        }
    }

    /// An engine shutting down closes its socket at once but answers on the connections it has (for up
    /// to its containers' stop timeout): health turns 503 at once, not when the last connection closes.
    @Test func healthTurns503AsSoonAsTheEngineTakesNoNewConnection() async throws {
        let proxy = try SocketProxy(target: TestEngine.socketPath)
        defer { proxy.stop() }
        var fixture = APIFixture()
        fixture.runtime = .engineVia(DockerEngineClient(host: DockerHost(socketPath: proxy.socketPath)))
        try await fixture.run(.live) { client in
            _ = try await Self.waitForHealth(client, 200)
            proxy.stopAccepting()
            let start = ContinuousClock.now
            let down = try await client.request(.get, "/health")
            #expect(down.status.code == 503, "the first reading after: \(down.text)")
            #expect(try down.expectFailure(503, "ServiceUnavailable").contains("does not answer"))
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func healthOfASchedulerThatNeverReachedItsEngineIs503() async throws {
        PrometheusMetrics.bootstrap()
        let runtime = DockerJobRuntime(client: DockerEngineClient(host: DockerHost(socketPath: "/tmp/no-engine-\(UUID().uuidString).sock")))
        let scheduler = JobScheduler(configuration: APIFixture().configuration, runtime: runtime, logger: APIFixture.logger)
        let app = Application(router: try await buildRouter(scheduler: scheduler, enginePing: { try await runtime.client.ping() }))
        try await app.test(.router) { client in
            let message = try await client.request(.get, "/health").expectFailure(503, "ServiceUnavailable")
            #expect(message.contains("not following the Docker engine's events"), "\(message)")
            #expect(message.contains("does not answer"), "\(message)")
        }
    }

    @Test func aPingThatHangsIsCutAtTheTimeout() async {
        let start = ContinuousClock.now
        let failure = await EngineHealth.failure(of: { try await Task.sleep(for: .seconds(30)) }, within: .milliseconds(200))
        #expect(failure?.contains("no answer within") == true)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(await EngineHealth.failure(of: {}, within: .seconds(1)) == nil)
    }

    @Test func metricsShowTheCoresJobMetricsAndAPIRequestsByRouteAndStatus() async throws {
        // The counts come from the scheduler, not the engine: jobs in memory, ended by the test.
        let jobs = InMemoryJobRuntime(clock: WallClock())
        let fixture = APIFixture(jobName: "metrics-\(UUID().uuidString.prefix(6).lowercased())", runtime: .inMemory(jobs))
        try await fixture.run(.live) { client in
            let good = try await client.submit(#"{"payload":"ok"}"#)
            let bad = try await client.submit(#"{"payload":"no"}"#)
            try await client.waitFor(good, toBe: ["Running"])
            try await client.waitFor(bad, toBe: ["Running"])
            jobs.exit(good, code: 0)
            jobs.exit(bad, code: 1)
            try await client.waitFor(good, toBe: ["Succeeded"])
            try await client.waitFor(bad, toBe: ["Failed"])
            try await client.request(.get, "/api/v1/jobs/nope").expectFailure(404, "NotFound")
            try await client.request(.get, "/nowhere/\(UUID().uuidString)").expectFailure(404, "NotFound")

            let response = try await client.request(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = response.text
            let job = #"job="\#(fixture.jobName)""#
            for line in [
                #"job_scheduler_jobs_started_total{\#(job)} 2"#,
                #"job_scheduler_jobs_succeeded_total{\#(job)} 1"#,
                #"job_scheduler_jobs_failed_total{\#(job)} 1"#,
                #"job_scheduler_jobs_running{\#(job)} 0.0"#,
                #"job_scheduler_api_requests_total{\#(job),route="/api/v1/jobs",method="POST",status="200"} 2"#,
                #"job_scheduler_api_requests_total{\#(job),route="/api/v1/jobs/{jobName}",method="GET",status="404"} 1"#,
                #"job_scheduler_api_requests_total{\#(job),route="unknown",method="GET",status="404"} 1"#,
            ] {
                #expect(text.contains(line + "\n"), "no \(line) in\n\(text)")
            }
            for histogram in ["job_scheduler_job_start_delay_seconds", "job_scheduler_job_status_delay_seconds",
                              "job_scheduler_api_request_duration_seconds"] {
                #expect(text.contains("# TYPE \(histogram) histogram"), "\(histogram)")
                #expect(text.contains("\(histogram)_count{\(job)"), "\(histogram)")
            }
            #expect(text.contains("# TYPE job_scheduler_engine_errors_total counter"))
            // The scrape itself is counted once it has been sent.
            let again = try await client.request(.get, "/metrics").text
            #expect(again.contains(#"job_scheduler_api_requests_total{\#(job),route="/metrics",method="GET",status="200"} 1"#), "\(again)")
        }
    }

    @Test func theAPIPageIsSelfContainedAndReadsTheDocument() async throws {
        try await APIFixture(runtime: .memory).run { client in
            let response = try await client.request(.get, "/docs")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let page = response.text
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            // Relative: from /docs it is /swagger.json.
            #expect(page.contains(#"fetch("swagger.json")"#))
            // Nothing is loaded from elsewhere: no external scripts, styles, fonts or images.
            #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"), "the page names another host")
            #expect(!page.contains("<script src") && !page.contains("<link"))
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        }
    }
}
