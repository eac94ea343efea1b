import DockerEngine
import EngineTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Batches through the real `job-scheduler serve` process: killed in the middle of a submission, and
/// driven from the terminal client.
@Suite("batches through the process", .serialized, .requiresEngine)
struct BatchProcessTests {
    /// A scheduler SIGKILLed while it creates a batch's containers never answered the POST: the restarted
    /// one removes what was made and runs none of it. Killed after the batch was recorded (should the
    /// engine be that quick), the whole batch runs, each job once.
    @Test func aBatchCutShortBySIGKILLLeavesNothingHalfMade() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            let jobs = (0..<60).map { ["payload": "job \($0)"] }
            async let answer = try? server.request("POST", "/batches", json: ["jobScheduleDescriptions": jobs])
            let labels = ["radix-app=\(server.application)"]
            try await waitUntil("some of the batch's containers exist", timeout: .seconds(120), pollingEvery: .milliseconds(5)) {
                try await TestEngine.client.listContainers(all: true, labels: labels).count >= 5
            }
            await server.crash()
            _ = await answer
            let recorded = try await TestEngine.client.listVolumes(labels: labels).contains { $0.labels["radix-batch-record"] == "true" }
            let madeBeforeTheKill = try await TestEngine.client.listContainers(all: true, labels: labels)
            #expect(madeBeforeTheKill.allSatisfy { $0.state == .created }, "nothing starts before the batch is recorded")

            try await server.start()
            if recorded {
                let batches = try await server.request("GET", "/batches").body as? [[String: Any]] ?? []
                let name = try #require(batches.first?["name"] as? String)
                try await waitUntil("every job of the recorded batch ends") {
                    let batch = try await server.request("GET", "/batches/\(name)").body as? [String: Any] ?? [:]
                    return (batch["jobStatuses"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "Succeeded" } == true
                }
                let containers = try await TestEngine.client.listContainers(all: true, labels: labels)
                #expect(containers.count == 60)
            } else {
                try await waitUntil("the half-made batch's containers are removed") {
                    try await TestEngine.client.listContainers(all: true, labels: labels).isEmpty
                }
                let batches = try await server.request("GET", "/batches").body as? [[String: Any]] ?? []
                #expect(batches.isEmpty)
                #expect(server.log.contains("removing a submission that never completed"))
            }
        }
    }

    /// `--max-running 3`: a batch of 12 never has more than 3 jobs running, each runs once, and the queue
    /// (created containers) survives a SIGKILL of the scheduler.
    @Test func theRunQueueHoldsItsLimitAndSurvivesASIGKILL() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start(server.serveArguments + ["--max-running", "3"])
            let jobs = (0..<12).map { _ in ["variables": ["SLEEP": "0.4"]] }
            let (status, answer) = try await server.request("POST", "/batches", json: ["jobScheduleDescriptions": jobs])
            #expect(status == 200)
            let name = try #require((answer as? [String: Any])?["name"] as? String)
            let labels = ["radix-app=\(server.application)"]
            var mostRunning = 0
            var crashed = false
            try await waitUntil("every job of the batch has ended", timeout: .seconds(180), pollingEvery: .milliseconds(10)) {
                let containers = try await TestEngine.client.listContainers(all: true, labels: labels)
                mostRunning = max(mostRunning, containers.filter { $0.state == .running }.count)
                let exited = containers.filter { $0.state == .exited }.count
                if !crashed && exited >= 4 {
                    crashed = true
                    await server.crash()
                    try await server.start(server.serveArguments + ["--max-running", "3"])
                }
                return exited == 12
            }
            #expect(crashed)
            #expect(mostRunning <= 3, "at most 3 jobs ran at once, saw \(mostRunning)")
            #expect(mostRunning >= 2, "the jobs ran side by side")
            let batch = try await server.request("GET", "/batches/\(name)").body as? [String: Any] ?? [:]
            let states = (batch["jobStatuses"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(states == Array(repeating: "Succeeded", count: 12))
            let containers = try await TestEngine.client.listContainers(all: true, labels: labels)
            for container in containers {
                #expect(try await TestEngine.client.inspectContainer(container.id).restartCount == 0)
            }
            // Started in the batch's order: a job starts before the one three places after it (which
            // needs a place freed; starts sent together may reach the engine in any order).
            var starts: [(index: Int, start: Date)] = []
            for container in containers {
                let details = try await TestEngine.client.inspectContainer(container.id)
                starts.append((Int(details.config.labels["radix-batch-index"] ?? "") ?? -1, try #require(details.state.startedAt)))
            }
            let ordered = starts.sorted { $0.index < $1.index }.map(\.start)
            #expect(zip(ordered, ordered.dropFirst(3)).allSatisfy { $0 < $1 }, "\(ordered)")
        }
    }

    /// `job-scheduler batches ...` against the live scheduler.
    func batches(_ server: SchedulerProcess, _ arguments: [String], input: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = try #require(JobSchedulerBinary.url()?.path)
        return try await ChildProcess.run([binary, "batches"] + arguments, input: input.map { Data($0.utf8) },
                                          environment: ["JOB_SCHEDULER_URL": "http://127.0.0.1:\(server.port)"])
    }

    @Test func terminalClientRunsWaitsAndManagesBatches() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            // run: one job per line of standard input, followed to the end.
            let run = try await batches(server, ["run", "--payloads", "-", "--batch-id", "cli-batch", "--wait"], input: "first\nsecond\n\nthird\n")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("3 jobs"))
            #expect(run.stderr.contains("3 Succeeded"))
            let name = try #require(run.stderr.split(separator: ":").first.map(String.init))

            // A file of job descriptions, one of which fails: exit 1.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).json")
            try Data(#"[{"payload":"ok"},{"payload":"bad","variables":{"CODE":"5"}}]"#.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let failing = try await batches(server, ["run", "--file", file.path, "--wait"])
            #expect(failing.status == 1, "\(failing.stderr)")
            #expect(failing.stderr.contains("1 Failed"))

            let table = try await batches(server, ["list"])
            #expect(table.stdout.hasPrefix("NAME") && table.stdout.contains(name) && table.stdout.contains("cli-batch"))
            let listed = try JSONSerialization.jsonObject(with: Data(try await batches(server, ["list", "--json"]).stdout.utf8)) as? [[String: Any]]
            #expect(listed?.count == 2)
            let shown = try await batches(server, ["show", name])
            #expect(shown.stdout.contains("Completed") && shown.stdout.contains("3 Succeeded"), "\(shown.stdout)")
            let stopEnded = try await batches(server, ["stop", name])
            #expect(stopEnded.status == 1)
            #expect(stopEnded.stderr.contains("cannot stop the batch \(name) with the status Completed"))
            #expect(try await batches(server, ["stop", "--all"]).status == 0)
            #expect(try await batches(server, ["delete", name]).status == 0)
            let gone = try await batches(server, ["show", name])
            #expect(gone.status == 1 && gone.stderr.contains("not found"))
        }
    }
}
