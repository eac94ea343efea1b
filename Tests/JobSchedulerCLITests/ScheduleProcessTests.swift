import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// Scheduled runs by real `job-scheduler serve` processes on the real engine: `@every 2s`, with the
/// scheduler killed across ticks, and two schedulers for one job side by side. Each tick runs at most
/// once (its container's output shows each run), and every tick while a scheduler was up runs.
@Suite("Scheduled runs, as processes", .requiresEngine, .serialized)
struct ScheduleProcessTests {
    static let cron = """
              cron:
                schedules: ["@every 2s"]
                concurrency: Allow
        """

    /// Every scheduled run's tick (seconds since 1970) with how many times its container ran.
    static func runs(of server: SchedulerProcess) async throws -> [Int: Int] {
        var runs: [Int: Int] = [:]
        for container in try await TestEngine.containers(labelled: "radix-app=\(server.application)") {
            guard let tick = container.labels["radix-scheduled-at"].flatMap(Double.init) else { continue }
            // One listed and removed before its logs are read was never a run (a create whose payload
            // could not be written is undone): a tick without a run shows in the checks of the ticks.
            let output: String
            do { output = try await TestEngine.client.logs(container.id).stdout } catch DockerEngineError.notFound { continue }
            runs[Int(tick), default: 0] += output.components(separatedBy: "run\n").count - 1
        }
        return runs
    }

    /// Waits until `count` more ticks than `before` have a run, and every tick's container has run (one
    /// made just before a kill, and never started, is started by the next process after a grace).
    static func waitForRuns(of server: SchedulerProcess, moreThan before: Int, count: Int) async throws {
        try await waitUntil("\(count) more scheduled runs", timeout: .seconds(90), pollingEvery: .milliseconds(200), lastSeen: { server.log }) {
            let runs = try await runs(of: server)
            return runs.filter { $0.value > 0 }.count >= before + count && runs.values.allSatisfy { $0 > 0 }
        }
    }

    @Test func aKilledSchedulerRunsNoTickTwiceAndMissesNoneWhileUp() async throws {
        let server = try SchedulerProcess(script: "echo run", cron: Self.cron)
        server.historyLimit = 500
        do {
            try await server.start()
            try await Self.waitForRuns(of: server, moreThan: 0, count: 3)
            // The terminal client shows the schedule and its latest run.
            let binary = try #require(JobSchedulerBinary.url()?.path)
            let listed = try await ChildProcess.run([binary, "schedules", "list", "--url", "http://127.0.0.1:\(server.port)"])
            #expect(listed.status == 0)
            let lines = listed.output.split(separator: "\n")
            #expect(lines.first?.hasPrefix("#") == true && lines.count == 2, "\(listed.output)")
            #expect(lines.last?.contains("@every 2s") == true && lines.last?.contains("Allow") == true, "\(listed.output)")
            await server.crash()
            let beforeCrash = try await Self.runs(of: server)
            // Down across at least one tick: without a starting deadline it is not caught up.
            try await Task.sleep(for: .seconds(5))
            try await server.start()
            try await Self.waitForRuns(of: server, moreThan: beforeCrash.count, count: 3)
            _ = await server.terminate()
            let runs = try await Self.runs(of: server)
            #expect(runs.values.allSatisfy { $0 == 1 }, "each tick's container ran once: \(runs)")
            let ticks = runs.keys.sorted()
            #expect(ticks.allSatisfy { $0 % 2 == 0 }, "ticks on even seconds")
            // While up, every tick ran: the only gap is the downtime.
            let gaps = zip(ticks, ticks.dropFirst()).filter { $1 - $0 != 2 }
            #expect(gaps.count == 1, "one gap, the downtime: \(ticks)")
            #expect(gaps.allSatisfy { $1 - $0 >= 4 })
        } catch {
            await server.cleanUp()
            throw error
        }
        await server.cleanUp()
    }

    /// The runs' summary counts the runs dropped from the history and deleted, and a SIGKILL changes nothing of it.
    @Test func theRunSummaryCountsEveryRunAcrossAKill() async throws {
        let server = try SchedulerProcess()
        server.historyLimit = 1
        do {
            try await server.start()
            for code in ["0", "3", "0", "3", "0"] {
                let name = try await server.submit(variables: ["CODE": code])
                try await server.waitFor(name, code == "0" ? ["Succeeded"] : ["Failed"])
            }
            let running = try await server.submit(variables: ["SLEEP": "60"])
            try await server.waitFor(running, ["Running"])
            #expect(try await server.request("DELETE", "/jobs/\(running)").status == 200)
            var left: [String] = []
            try await waitUntil("only the latest succeeded and failed runs are left", lastSeen: { "\(left)\n\(server.log)" }) {
                left = try await TestEngine.containers(labelled: "radix-app=\(server.application)").flatMap(\.names)
                return left.count == 2
            }
            func summary() async throws -> [String: Any] {
                try #require(try await server.request("GET", "/schedules/summary").body as? [String: Any])
            }
            let before = try await summary()
            #expect(before["successCount"] as? Int == 3 && before["failureCount"] as? Int == 2 && before["stoppedCount"] as? Int == 1, "\(before)")
            #expect(before["lastSuccessAt"] is String && before["lastFailureAt"] is String, "\(before)")
            await server.crash()
            try await server.start()
            #expect(NSDictionary(dictionary: try await summary()) == NSDictionary(dictionary: before))

            let binary = try #require(JobSchedulerBinary.url()?.path)
            let shown = try await ChildProcess.run([binary, "schedules", "summary", "--url", "http://127.0.0.1:\(server.port)"])
            #expect(shown.status == 0)
            let lines = shown.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.count == 2 && lines.first?.first == "SUCCEEDED", "\(shown.output)")
            #expect(lines.last?.prefix(3) == ["3", "2", "1"], "\(shown.output)")
            #expect(lines.last?.dropFirst(3).first == before["lastSuccessAt"] as? String, "\(shown.output)")
        } catch {
            await server.cleanUp()
            throw error
        }
        await server.cleanUp()
    }

    @Test func aJobWithoutSchedulerPortRunsItsScheduleWithoutAnAPI() async throws {
        let application = "cron-\(UUID().uuidString.prefix(8).lowercased())"
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", """
            apiVersion: radix.equinor.com/v1
            kind: RadixApplication
            metadata:
              name: \(application)
            spec:
              environments:
                - name: dev
              jobs:
                - name: tick
                  image: \(TestEngine.image)
                  command: ["sh", "-c", "echo run"]
            \(Self.cron)
            """)
        let binary = try #require(JobSchedulerBinary.url()?.path)
        let log = folder.url.appendingPathComponent("serve.log").path
        let serve = try ProcessGroup([binary, "serve", "--config", config, "--job", "tick", "--history-limit", "100"], logFile: log)
        do {
            try await waitUntil("a scheduled run exists", timeout: .seconds(120), pollingEvery: .milliseconds(200),
                                lastSeen: { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }) {
                if let code = serve.exitCodeIfEnded { throw SchedulerExited(code: code, log: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "") }
                return try await TestEngine.containers(labelled: "radix-app=\(application)").contains { $0.labels["radix-scheduled-at"] != nil }
            }
            let printed = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(printed.contains("job tick: running the schedules of \(application)/tick (no schedulerPort: no API)"))
            #expect(await serve.signalAndWait(SIGTERM) == 0)
        } catch {
            serve.kill()
            await TestEngine.removeApplication(application)
            throw error
        }
        await TestEngine.removeApplication(application)
    }

    @Test func theTerminalClientRunsSuspendsAndResumesASchedule() async throws {
        let server = try SchedulerProcess(script: "echo run", cron: """
                  cron:
                    schedules: ["@yearly"]
                    concurrency: Forbid
            """)
        do {
            try await server.start()
            let binary = try #require(JobSchedulerBinary.url()?.path)
            func client(_ arguments: [String]) async throws -> String {
                let result = try await ChildProcess.run([binary, "schedules"] + arguments + ["--url", "http://127.0.0.1:\(server.port)"])
                try #require(result.status == 0, "schedules \(arguments) exited \(result.status): \(result.output)")
                return result.output
            }
            let name = try await client(["run", "0"]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(name.hasSuffix("-sched000"))
            try await server.waitFor(name, ["Succeeded"])
            let suspended = try await client(["suspend", "0"])
            #expect(suspended.contains("Forbid (suspended)"))
            let listed = try await client(["list"])
            #expect(listed.contains("Forbid (suspended)") && listed.contains("Succeeded"), "the run now is the latest run: \(listed)")
            let resumed = try await client(["resume", "0"])
            #expect(!resumed.contains("suspended"))
        } catch {
            await server.cleanUp()
            throw error
        }
        await server.cleanUp()
    }

    @Test func twoSchedulersForOneJobRunEachTickOnce() async throws {
        let first = try SchedulerProcess(script: "echo run", cron: Self.cron)
        first.historyLimit = 500
        let second = try SchedulerProcess(sharing: first)
        do {
            try await first.start()
            try await second.start()
            try await Self.waitForRuns(of: first, moreThan: 0, count: 5)
            _ = await second.terminate()
            _ = await first.terminate()
            let runs = try await Self.runs(of: first)
            #expect(runs.values.allSatisfy { $0 == 1 }, "each tick's container ran once: \(runs)")
            let ticks = runs.keys.sorted()
            #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1 - $0 == 2 }, "no tick missed: \(ticks)")
        } catch {
            await second.cleanUp()
            await first.cleanUp()
            throw error
        }
        await second.cleanUp()
        await first.cleanUp()
    }
}
