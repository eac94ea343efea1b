import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// A Python webhook receiver (`scripts/webhook_receiver.py`) that checks every delivery's signature with
/// the Standard Webhooks reference library and writes each attempt as a JSON line.
final class WebhookReceiver: @unchecked Sendable {
    // @unchecked: used from one test task at a time.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let port: Int
    let output: String
    let failFirst: Bool
    private var process: ProcessGroup?

    init(folder: URL, failFirst: Bool) throws {
        port = try FreePort.next()
        output = folder.appendingPathComponent("deliveries.jsonl").path
        self.failFirst = failFirst
    }

    func start() async throws {
        let script = repositoryRoot.appendingPathComponent("scripts/webhook_receiver.py").path
        let log = output + ".log"
        let process = try ProcessGroup(["python3", script, String(port), Self.secret, output] + (failFirst ? ["--fail-first"] : []), logFile: log)
        self.process = process
        try await waitUntil("the receiver listens on \(port)", timeout: .seconds(20), pollingEvery: .milliseconds(50),
                            lastSeen: { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }) {
            if let code = process.exitCodeIfEnded { throw ReceiverExited(code: code) }
            return ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("receiving on")
        }
    }

    func stop() async {
        _ = await process?.signalAndWait(SIGKILL)
        process = nil
    }

    /// Every attempt so far, in the order they came.
    var attempts: [[String: Any]] {
        ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The events delivered (answered 2xx), once per id, in the order delivered.
    var delivered: [[String: Any]] {
        var seen: Set<String> = []
        return attempts.filter { ($0["answered"] as? Int) == 204 && seen.insert($0["id"] as? String ?? "").inserted }
            .compactMap { $0["event"] as? [String: Any] }
    }

    struct ReceiverExited: Error { var code: Int32 }

    /// Runs `body` with a started receiver and the file of its secret; always stops it and removes its folder.
    static func with(failFirst: Bool, _ body: (WebhookReceiver, _ secretFile: String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = try WebhookReceiver(folder: folder, failFirst: failFirst)
        let secretFile = folder.appendingPathComponent("secret").path
        try (secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        do {
            try await receiver.start()
            try await body(receiver, secretFile)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}

/// Webhooks from the real `job-scheduler serve` process to a receiver on loopback (`--resolve`), with
/// signatures checked by the Standard Webhooks reference library.
@Suite("webhooks through the process", .serialized, .requiresEngine)
struct WebhookProcessTests {
    /// A batch's every transition reaches the receiver, though each first attempt is refused (so each
    /// event is retried, under the same webhook-id), though the scheduler is SIGKILLed while the jobs
    /// run, and though the receiver is down while they end: the restarted scheduler tells what changed
    /// meanwhile, retrying until the receiver is back.
    @Test func everyTransitionOfABatchArrivesSignedThroughRetriesASIGKILLAndADownReceiver() async throws {
        try await WebhookReceiver.with(failFirst: true) { receiver, secretFile in try await SchedulerProcess.withScheduler(webhookPort: receiver.port) { server in
            let arguments = server.serveArguments + ["--webhook-secret-file", secretFile, "--resolve", "receiver=127.0.0.1"]
            try await server.start(arguments)
            #expect(server.log.contains("webhook http://receiver:\(receiver.port)/events (signed)"))
            let jobs = (0..<3).map { index in ["jobId": "j\(index)", "variables": ["SLEEP": "3"]] }
            let (status, answer) = try await server.request("POST", "/batches", json: ["batchId": "hooked", "jobScheduleDescriptions": jobs])
            try #require(status == 200)
            let batch = try #require((answer as? [String: Any])?["name"] as? String)

            func jobStates(_ event: [String: Any]) -> [String: String] {
                var states: [String: String] = [:]
                for job in event["jobStatuses"] as? [[String: Any]] ?? [] { states[job["jobId"] as? String ?? "?"] = job["status"] as? String }
                return states
            }
            func told(_ jobId: String, _ state: String) -> Bool {
                receiver.delivered.contains { $0["name"] as? String == batch && jobStates($0)[jobId] == state }
            }
            try await waitUntil("the receiver was told every job runs", timeout: .seconds(120), lastSeen: { "\(receiver.attempts)" }) {
                ["j0", "j1", "j2"].allSatisfy { told($0, "Running") }
            }
            // Down together while the jobs end: the scheduler by SIGKILL, the receiver for a while after.
            await server.crash()
            await receiver.stop()
            let attemptsBeforeTheCrash = receiver.attempts.count
            let labels = ["radix-app=\(server.application)"]
            try await waitUntil("the jobs end while no scheduler runs", timeout: .seconds(120)) {
                try await TestEngine.client.listContainers(all: true, labels: labels).allSatisfy { $0.state == .exited }
            }
            try await server.start(arguments)
            try await waitUntil("the restarted scheduler's deliveries fail", timeout: .seconds(30)) {
                server.log.contains("webhook delivery failed; will retry")
            }
            try await receiver.start()
            try await waitUntil("the receiver is told the batch completed", timeout: .seconds(90), lastSeen: { "\(receiver.delivered)" }) {
                receiver.delivered.contains { $0["name"] as? String == batch && $0["status"] as? String == "Completed" }
            }
            let (deleted, _) = try await server.request("DELETE", "/batches/\(batch)")
            #expect(deleted == 204 || deleted == 200)
            try await waitUntil("the receiver is told the batch was deleted", timeout: .seconds(30)) {
                receiver.delivered.contains { $0["name"] as? String == batch && $0["event"] as? String == "Delete" }
            }

            let attempts = receiver.attempts
            #expect(attempts.allSatisfy { $0["verified"] as? Bool == true }, "every delivery's signature holds: \(attempts.filter { $0["verified"] as? Bool != true })")
            // Each event was refused once, then delivered under the same id; but for those whose retry
            // died with the SIGKILLed process (the restarted one told their jobs' state anew).
            let ids = Set(attempts.compactMap { $0["id"] as? String })
            let idsAfterTheCrash = Set(attempts.dropFirst(attemptsBeforeTheCrash).compactMap { $0["id"] as? String })
            for id in ids {
                let answers = attempts.filter { $0["id"] as? String == id }.compactMap { $0["answered"] as? Int }
                #expect(answers.first == 503, "\(id) was answered \(answers)")
                if idsAfterTheCrash.contains(id) { #expect(answers.contains(204), "\(id) was answered \(answers)") }
            }
            let events = receiver.delivered.filter { $0["name"] as? String == batch }
            let first = try #require(events.first)
            #expect(first["event"] as? String == "Create")
            #expect(first["batchId"] as? String == "hooked")
            #expect(first["batchType"] as? String == "batch")
            #expect(jobStates(first) == ["j0": "Waiting", "j1": "Waiting", "j2": "Waiting"])
            for job in ["j0", "j1", "j2"] {
                #expect(told(job, "Running") && told(job, "Succeeded"), "\(job)'s start and end were told")
            }
            #expect(events.last?["event"] as? String == "Delete")
            #expect(events.allSatisfy { ($0["jobStatuses"] as? [[String: Any]])?.allSatisfy { $0["batchName"] as? String == batch } ?? true })

            let metrics = try String(contentsOf: URL(string: "http://127.0.0.1:\(server.port)/metrics")!, encoding: .utf8)
            #expect(metrics.contains("job_scheduler_webhook_deliveries_total{job=\"work\"}"))
            #expect(metrics.contains("job_scheduler_webhook_failed_attempts_total{job=\"work\"}"))
            #expect(metrics.contains("job_scheduler_webhook_queue_depth{job=\"work\"} 0"))
        } }
    }

    /// A single job is told as a batch of type `job` that holds it: its creation, then each change.
    @Test func aSingleJobsEventsAreBatchesOfTypeJob() async throws {
        try await WebhookReceiver.with(failFirst: false) { receiver, secretFile in try await SchedulerProcess.withScheduler(webhookPort: receiver.port) { server in
            try await server.start(server.serveArguments + ["--webhook-secret-file", secretFile, "--resolve", "receiver=127.0.0.1"])
            let name = try await server.submit(["jobId": "single"])
            try await server.waitFor(name, ["Succeeded"])
            try await waitUntil("the receiver is told the job succeeded", timeout: .seconds(30), lastSeen: { "\(receiver.attempts)" }) {
                receiver.delivered.contains { $0["status"] as? String == "Succeeded" }
            }
            let events = receiver.delivered
            #expect(events.map { "\($0["event"] ?? "") \($0["status"] ?? "")" } == ["Create Waiting", "Update Running", "Update Succeeded"])
            for event in events {
                #expect(event["name"] as? String == name)
                #expect(event["batchType"] as? String == "job")
                #expect(event["batchId"] as? String == "")
                #expect(event["updated"] is String)
                let jobs = event["jobStatuses"] as? [[String: Any]] ?? []
                #expect(jobs.count == 1 && jobs.first?["name"] as? String == name && jobs.first?["jobId"] as? String == "single")
                #expect(jobs.first?["batchName"] == nil)
            }
        } }
    }
}
