import DockerEngine
import EngineTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RadixConfig
import SchedulerCore
import Testing
@testable import JobSchedulerAPI

extension TestClientProtocol {
    /// POSTs a batch and returns its status.
    func submitBatch(_ json: String) async throws -> [String: Any] {
        let response = try await request(.post, "/api/v1/batches", json: json)
        try #require(response.status == .ok, "POST /batches answered \(response.status): \(response.text)")
        return try response.object()
    }

    func batch(_ name: String) async throws -> [String: Any] {
        let response = try await request(.get, "/api/v1/batches/\(name)")
        try #require(response.status == .ok, "GET /batches/\(name) answered \(response.status): \(response.text)")
        return try response.object()
    }

    /// Polls `GET /batches/{name}` until `done` holds for it; returns that status.
    @discardableResult
    func waitForBatch(_ name: String, timeout: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation,
                      until done: @escaping @Sendable ([String: Any]) -> Bool) async throws -> [String: Any] {
        try await waitForValue("batch \(name) reaches the expected state", timeout: timeout, pollingEvery: .milliseconds(20),
                               sourceLocation: sourceLocation) {
            let status = try await batch(name)
            return done(status) ? status : nil
        }
    }
}

func jobs(of batch: [String: Any]) -> [[String: Any]] { batch["jobStatuses"] as? [[String: Any]] ?? [] }
func states(of batch: [String: Any]) -> [String] { jobs(of: batch).compactMap { $0["status"] as? String } }

@Suite("batches API")
struct BatchAPITests {
    /// The probe a Radix user ran that found no batches: one job with a time limit, answered 200.
    @Test func radixsConnectivityProbeIsAnsweredWithTheBatchsStatus() async throws {
        let runtime = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(runtime)).run { client in
            let batch = try await client.submitBatch(#"{"jobScheduleDescriptions":[{"timeLimitSeconds":1}]}"#)
            let name = try #require(batch["name"] as? String)
            #expect(name.hasPrefix("batch-work"))
            #expect(batch["batchType"] as? String == "batch")
            #expect(batch["status"] as? String == "Waiting")
            #expect(batch["ended"] is NSNull, "unknown timestamps are explicit nulls, as for a job")
            let job = try #require(jobs(of: batch).first)
            #expect(job["batchName"] as? String == name)
            #expect(runtime.container(job["name"] as! String)?.launch.timeLimitSeconds == 1)
        }
    }

    @Test func everyRouteAnswersAsRadixDoes() async throws {
        let runtime = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(runtime)).run { client in
            let batch = try await client.submitBatch(#"""
                {"batchId":"nightly","defaultRadixJobComponentConfig":{"variables":{"MODE":"batch","LEVEL":"1"},"timeLimitSeconds":50},
                 "jobScheduleDescriptions":[{"jobId":"a","payload":"one"},{"jobId":"b","payload":"two","variables":{"LEVEL":"2"}}]}
                """#)
            let name = try #require(batch["name"] as? String)
            #expect(batch["batchId"] as? String == "nightly")
            let names = jobs(of: batch).compactMap { $0["name"] as? String }
            #expect(jobs(of: batch).compactMap { $0["jobId"] as? String } == ["a", "b"])
            #expect(runtime.container(names[1])?.launch.environment["LEVEL"] == "2")
            #expect(runtime.container(names[1])?.launch.environment["MODE"] == "batch")
            #expect(runtime.container(names[0])?.launch.environment["LEVEL"] == "1")
            #expect(runtime.container(names[0])?.launch.timeLimitSeconds == 50)
            #expect(runtime.container(names[0])?.launch.payload?.bytes == Array("one".utf8))

            // Lists and reads: the batch, and one of its jobs by its full or its short name.
            let list = try await client.request(.get, "/api/v1/batches").array()
            #expect(list.compactMap { $0["name"] as? String } == [name])
            #expect(try await client.request(.get, "/api/v1/jobs").array().isEmpty, "GET /jobs lists single jobs")
            let short = String(names[0].suffix(8))
            let byShort = try await client.request(.get, "/api/v1/batches/\(name)/jobs/\(short)").object()
            #expect(byShort["name"] as? String == names[0])
            #expect(byShort["batchId"] as? String == "nightly")
            #expect(try await client.request(.get, "/api/v1/batches/\(name)/jobs/\(names[1])").object()["name"] as? String == names[1])
            try await client.request(.get, "/api/v1/batches/\(name)/jobs/zzzzzzzz").expectFailure(404, "NotFound")
            try await client.request(.get, "/api/v1/batches/batch-nope/jobs/\(short)").expectFailure(404, "NotFound")
            try await client.request(.get, "/api/v1/batches/batch-nope").expectFailure(404, "NotFound")
            #expect(try await client.status(of: names[0])["batchName"] as? String == name, "a batch's job is read through /jobs too")
            try await client.request(.delete, "/api/v1/jobs/\(names[0])").expectFailure(400, "BadRequest")

            // Stops: one job, then the batch, then all.
            try await client.waitForBatch(name) { states(of: $0) == ["Running", "Running"] }
            let stopJob = try await client.request(.post, "/api/v1/batches/\(name)/jobs/\(short)/stop").object()
            #expect(stopJob["message"] as? String == "job \(short) in the batch \(name) successfully stopped")
            try await client.waitForBatch(name) { states(of: $0) == ["Stopped", "Running"] }
            try await client.request(.post, "/api/v1/batches/\(name)/jobs/\(short)/stop").expectFailure(400, "BadRequest")
            let stop = try await client.request(.post, "/api/v1/batches/\(name)/stop").object()
            #expect(stop["message"] as? String == "batch \(name) successfully stopped")
            let done = try await client.waitForBatch(name) { $0["status"] as? String == "Completed" }
            #expect(states(of: done) == ["Stopped", "Stopped"])
            let again = try await client.request(.post, "/api/v1/batches/\(name)/stop").expectFailure(400, "BadRequest")
            #expect(again == "cannot stop the batch \(name) with the status Completed")
            try await client.request(.post, "/api/v1/batches/batch-nope/stop").expectFailure(404, "NotFound")
            #expect(try await client.request(.post, "/api/v1/batches/stop").object()["message"] as? String == "batches successfully stopped")

            // Deletion: everything of the batch goes.
            let deleted = try await client.request(.delete, "/api/v1/batches/\(name)").object()
            #expect(deleted["message"] as? String == "batch \(name) successfully deleted")
            #expect(runtime.containerNames.isEmpty && runtime.batchNames.isEmpty)
            try await client.request(.delete, "/api/v1/batches/\(name)").expectFailure(404, "NotFound")
        }
    }

    @Test func aBatchThatCannotRunIsRefusedWholeWithTheFieldNamed() async throws {
        let runtime = InMemoryJobRuntime(clock: WallClock())
        // (On one engine: a GPU request is refused.)
        try await APIFixture(runtime: .inMemory(runtime), choosesNodes: false).run { client in
            let empty = try await client.request(.post, "/api/v1/batches", json: #"{"jobScheduleDescriptions":[]}"#).expectFailure(422, "Invalid")
            #expect(empty.contains("1 to 500 jobs, got 0"), "\(empty)")
            let many = "{\"jobScheduleDescriptions\":[" + Array(repeating: "{}", count: 501).joined(separator: ",") + "]}"
            try await client.request(.post, "/api/v1/batches", json: many).expectFailure(422, "Invalid")
            try await client.request(.post, "/api/v1/batches", json: #"{"jobScheduleDescriptions":"#).expectFailure(422, "Invalid")
            try await client.request(.post, "/api/v1/batches", json: #"{}"#).expectFailure(422, "Invalid")
            let node = try await client.request(.post, "/api/v1/batches", json: #"{"jobScheduleDescriptions":[{},{"node":{"gpu":"v100"}}]}"#)
                .expectFailure(422, "Invalid")
            #expect(node.contains("jobScheduleDescriptions[1].node:"), "\(node)")
            let image = try await client.request(.post, "/api/v1/batches",
                                                 json: #"{"defaultRadixJobComponentConfig":{"image":"evil"},"jobScheduleDescriptions":[{}]}"#)
                .expectFailure(400, "BadRequest")
            #expect(image.hasPrefix("defaultRadixJobComponentConfig.image"), "\(image)")
            let limit = try await client.request(.post, "/api/v1/batches", json: #"{"jobScheduleDescriptions":[{},{},{"timeLimitSeconds":0}]}"#)
                .expectFailure(422, "Invalid")
            #expect(limit.contains("jobScheduleDescriptions[2].timeLimitSeconds"), "\(limit)")
            #expect(runtime.containerNames.isEmpty && runtime.batchNames.isEmpty, "a refused batch left something behind")
        }
    }
}

@Suite("batches on the engine", .requiresEngine)
struct EngineBatchTests {
    /// Each job of a batch runs once in its own container with its own payload and exit code; radixconfig's
    /// rules give the batch its status; deleting it leaves nothing in the engine.
    @Test func aBatchRunsOnTheEngineAndItsRulesDecideItsStatus() async throws {
        var fixture = APIFixture(script: #"cat /args/payload; n=$(cat /args/payload); sleep 0.3; exit $n"#)
        fixture.batchStatusRules = [BatchStatusRule(condition: .any, operator: .in, jobStatuses: ["Failed"], batchStatus: "Failed")]
        let application = fixture.applicationName
        try await fixture.run { client in
            let batch = try await client.submitBatch(#"{"jobScheduleDescriptions":[{"payload":"0"},{"payload":"3"},{"payload":"0"}]}"#)
            let name = try #require(batch["name"] as? String)
            let done = try await client.waitForBatch(name) { status in states(of: status).allSatisfy { ["Succeeded", "Failed"].contains($0) } }
            #expect(states(of: done) == ["Succeeded", "Failed", "Succeeded"])
            #expect(done["status"] as? String == "Failed", "the rule Any In [Failed] -> Failed")
            let exitCodes = jobs(of: done).map { (($0["podStatuses"] as? [[String: Any]])?.first?["exitCode"] as? Int) }
            #expect(exitCodes == [0, 3, 0])
            let names = jobs(of: done).compactMap { $0["name"] as? String }
            let runs = try await TestEngine.runs(labelled: "radix-app=\(application)")
            #expect(runs == Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }), "each job ran once: \(runs)")
            let logs = try await client.request(.get, "/api/v1/jobs/\(names[1])/logs")
            #expect(logs.text == "3", "a batch job's logs are read through /jobs/{name}/logs")
            // The batch's record, and its outcome once its ended jobs have been read for it.
            try await waitUntil("the batch's record and outcome are its only volumes") {
                Set(try await TestEngine.client.listVolumes(labels: ["radix-app=\(application)"]).map(\.name)) == [name + "-batch", name + "-batch-outcome"]
            }

            try await client.request(.delete, "/api/v1/batches/\(name)").object()
            #expect(try await TestEngine.jobNames(labelled: "radix-app=\(application)").isEmpty)
            // Only the tally of removed runs is left, counting the batch's three.
            let left = try await TestEngine.client.listVolumes(labels: ["radix-app=\(application)"])
            #expect(left.map(\.name) == ["\(application)-work-run-tally-1"])
            let summary = try await client.request(.get, "/api/v1/schedules/summary").object()
            #expect(summary["successCount"] as? Int == 2 && summary["failureCount"] as? Int == 1, "\(summary)")
        }
    }

    /// A batch stopped while its jobs run and wait: the running are stopped, the ended stay as they were,
    /// and a scheduler started afresh reports the same.
    @Test func aStoppedBatchIsReportedTheSameAfterARestart() async throws {
        var fixture = APIFixture(script: #"n=$(cat /args/payload); [ "$n" = quick ] && exit 0; sleep 60"#)
        fixture.keepsWhatItLeaves = true
        let name = try await fixture.run { client in
            let batch = try await client.submitBatch(#"{"jobScheduleDescriptions":[{"payload":"quick"},{"payload":"slow"}]}"#)
            let name = try #require(batch["name"] as? String)
            try await client.waitForBatch(name) { states(of: $0) == ["Succeeded", "Running"] }
            try await client.request(.post, "/api/v1/batches/\(name)/stop").object()
            let stopped = try await client.waitForBatch(name) { $0["status"] as? String == "Completed" }
            #expect(states(of: stopped) == ["Succeeded", "Stopped"])
            return name
        }
        fixture.keepsWhatItLeaves = false
        try await fixture.run { client in
            let status = try await client.batch(name)
            #expect(states(of: status) == ["Succeeded", "Stopped"])
            #expect(status["status"] as? String == "Completed")
        }
    }

    /// With a history limit of 1, the older of two succeeded batches goes whole (its containers and its
    /// records), while a single job, in a group of its own, stays.
    @Test func historyKeepsTheNewestBatchWholeAndSingleJobsApart() async throws {
        var fixture = APIFixture(script: "exit 0")
        fixture.historyLimit = 1
        let application = fixture.applicationName
        try await fixture.run { client in
            let single = try await client.submit()
            try await client.waitFor(single, toBe: ["Succeeded"])
            let first = try #require(try await client.submitBatch(#"{"jobScheduleDescriptions":[{},{}]}"#)["name"] as? String)
            try await client.waitForBatch(first) { $0["status"] as? String == "Completed" }
            let second = try #require(try await client.submitBatch(#"{"jobScheduleDescriptions":[{},{}]}"#)["name"] as? String)
            try await client.waitForBatch(second) { $0["status"] as? String == "Completed" }
            let labels = ["radix-app=\(application)"]
            try await waitUntil("the older batch is removed from the engine") {
                let containers = try await TestEngine.jobNames(labelled: labels[0])
                return !containers.contains { $0.contains(first) } && containers.filter { $0.contains(second) }.count == 2
            }
            // The kept batch's record and, once made, its outcome; nothing of the older one.
            try await waitUntil("only the kept batch's record and outcome are left, and the tally of removed runs") {
                try await TestEngine.client.listVolumes(labels: labels).map(\.name).filter { !$0.contains("-run-tally-") }.sorted()
                    == [second + "-batch", second + "-batch-outcome"]
            }
            // The removed batch's jobs stay counted.
            let summary = try await client.request(.get, "/api/v1/schedules/summary").object()
            #expect(summary["successCount"] as? Int == 5 && summary["failureCount"] as? Int == 0, "\(summary)")
            #expect(try await client.request(.get, "/api/v1/batches").array().compactMap { $0["name"] as? String } == [second])
            #expect(try await client.request(.get, "/api/v1/jobs").array().compactMap { $0["name"] as? String } == [single])
        }
    }
}
