import DockerEngine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SchedulerCore
@testable import JobSchedulerAPI
import Testing

/// The job reads answered from kept encodings (`JobReadCacheMiddleware`) are byte for byte what the
/// generated operations answer, and never stale.
@Suite("cached job reads")
struct JobReadCacheTests {
    @Test func cachedAnswersAreTheGeneratedOnesAndFollowEveryChange() async throws {
        try await withCachedAndGeneratedReads { cachedClient, cache, compare in

            let empty = try await compare("/api/v1/jobs")
            let hitsWhenEmpty = cache.hits
            #expect(try await cachedClient.request(.get, "/api/v1/jobs").text == "[]")
            #expect(cache.hits == hitsWhenEmpty + 1, "a read of an unchanged list was made again")
            #expect(empty.text == "[]")
            let failing = try await cachedClient.submit(#"{"jobId": "no-payload"}"#)
            let running = try await cachedClient.submit(#"{"payload": "60", "jobId": "a/b \"quoted\""}"#)
            // Kept while running: the same bytes twice, then a change shows at once.
            try await cachedClient.waitFor(running, toBe: ["Running"])
            let whileRunning = try await compare("/api/v1/jobs/\(running)")
            #expect(try whileRunning.object()["ended"] is NSNull)
            let hitsBefore = cache.hits
            #expect(try await cachedClient.request(.get, "/api/v1/jobs/\(running)").text == whileRunning.text)
            #expect(cache.hits == hitsBefore + 1, "the second read of an unchanged job was made again")
            _ = try await compare("/api/v1/jobs")
            #expect(try await cachedClient.request(.post, "/api/v1/jobs/\(running)/stop").status == .ok)
            let stopped = try await cachedClient.waitFor(running, toBe: ["Stopped"])
            #expect(stopped["ended"] is String)
            try await cachedClient.waitFor(failing, toBe: ["Failed"])
            let succeeding = try await cachedClient.submit(#"{"payload": "0"}"#)
            try await cachedClient.waitFor(succeeding, toBe: ["Succeeded"])

            // Settled: every read through both routers alike, the list newest first.
            for name in [failing, running, succeeding] { _ = try await compare("/api/v1/jobs/\(name)") }
            let list = try await compare("/api/v1/jobs").array()
            #expect(list.compactMap { $0["name"] as? String } == [succeeding, running, failing])
            #expect(list.compactMap { $0["status"] as? String } == ["Succeeded", "Stopped", "Failed"])

            // A deleted job is gone from both reads; an unknown one is the generated 404.
            #expect(try await cachedClient.request(.delete, "/api/v1/jobs/\(failing)").status == .ok)
            #expect(try await compare("/api/v1/jobs/\(failing)").status == .notFound)
            #expect(try await compare("/api/v1/jobs").array().count == 2)
            #expect(try await compare("/api/v1/jobs/work-20990101000000-nosuchjb").status == .notFound)
            #expect(try await compare("/api/v1/jobs/%20").status == .notFound)
        }
    }

    @Test func cachedBatchAnswersAreTheGeneratedOnesAndFollowEveryChange() async throws {
        try await withCachedAndGeneratedReads { cachedClient, cache, compare in

            #expect(try await compare("/api/v1/batches").text == "[]")
            let batch = try await cachedClient.submitBatch(#"{"batchId": "kept", "jobScheduleDescriptions": [{"payload": "60", "jobId": "long"}, {"jobId": "fails"}]}"#)
            let name = try #require(batch["name"] as? String)
            try await cachedClient.waitForBatch(name) { states(of: $0) == ["Running", "Failed"] }
            // Settled: two reads alike (the failed job's end is completed after its state shows).
            var whileRunning = try await compare("/api/v1/batches/\(name)")
            try await waitUntil("the batch's answer stops changing") {
                let again = try await compare("/api/v1/batches/\(name)")
                defer { whileRunning = again }
                return again.text == whileRunning.text
            }
            let hitsBefore = cache.hits
            #expect(try await cachedClient.request(.get, "/api/v1/batches/\(name)").text == whileRunning.text)
            _ = try await compare("/api/v1/batches")
            #expect(try await cachedClient.request(.get, "/api/v1/batches").status == .ok)
            #expect(cache.hits >= hitsBefore + 2, "unchanged batch reads were made again")
            // A change shows at once, in both reads.
            #expect(try await cachedClient.request(.post, "/api/v1/batches/\(name)/stop").status == .ok)
            let stopped = try await cachedClient.waitForBatch(name) { states(of: $0) == ["Stopped", "Failed"] }
            #expect(stopped["status"] as? String == "Completed")
            _ = try await compare("/api/v1/batches/\(name)")
            let list = try await compare("/api/v1/batches").array()
            #expect(list.compactMap { $0["name"] as? String } == [name])
            #expect(list.first.map(states(of:)) == ["Stopped", "Failed"])
            // Deleted: gone from both reads (the generated 404 for the batch).
            #expect(try await cachedClient.request(.delete, "/api/v1/batches/\(name)").status == .ok)
            #expect(try await compare("/api/v1/batches/\(name)").status == .notFound)
            #expect(try await compare("/api/v1/batches").text == "[]")
            #expect(try await compare("/api/v1/batches/%20").status == .notFound)
        }
    }

    /// A scheduler on the real engine behind two routers, one answering reads from kept encodings and one
    /// through the generated operations, with `compare` (below) reading through both; always removes what
    /// the test made.
    private func withCachedAndGeneratedReads(
        _ body: @Sendable (_ cachedClient: any TestClientProtocol, _ cache: JobReadCache, _ compare: (String) async throws -> TestResponse) async throws -> Void
    ) async throws {
        PrometheusMetrics.bootstrap()
        let fixture = APIFixture(script: #"[ -s /args/payload ] && exec sleep "$(cat /args/payload)"; exit 4"#)
        let scheduler = JobScheduler(configuration: fixture.configuration, runtime: DockerJobRuntime(client: TestEngine.client),
                                     logger: APIFixture.logger)
        try await scheduler.reconcile()
        let events = Task { try? await scheduler.run() }
        defer { events.cancel() }
        let cache = JobReadCache()
        let cached = Application(router: try await buildRouter(scheduler: scheduler, requestBodyLimit: APIServerOptions.defaultRequestBodyLimit,
                                                               enginePing: nil, metrics: PrometheusMetrics.registry, readCache: cache))
        let generated = Application(router: try await buildRouter(scheduler: scheduler, cachedReads: false))
        do {
            try await cached.test(.router) { cachedClient in
                try await generated.test(.router) { generatedClient in
                    try await APIFixture.waitUntilFollowingEvents(cachedClient)
                    /// The same read through both routers, alike in status, content type and every byte. The
                    /// scheduler may take in a change between the two reads (an inspection completing an end): the
                    /// generated read is compared with cached reads taken just before and just after it that agree,
                    /// which a stale kept answer still fails.
                    func compare(_ path: String) async throws -> TestResponse {
                        var before = try await cachedClient.request(.get, path)
                        for _ in 1...20 {
                            let fromGenerated = try await generatedClient.request(.get, path)
                            let after = try await cachedClient.request(.get, path)
                            if after.text == before.text || after.text == fromGenerated.text {
                                #expect(after.status == fromGenerated.status, "\(path)")
                                #expect(after.headers[.contentType] == fromGenerated.headers[.contentType], "\(path)")
                                #expect(after.text == fromGenerated.text, "\(path)")
                                return after
                            }
                            before = after
                        }
                        Issue.record("\(path) changed on every read")
                        return before
                    }
                    try await body(cachedClient, cache, compare)
                }
            }
        } catch {
            await fixture.removeLeftovers()
            throw error
        }
        await fixture.removeLeftovers()
    }
}
