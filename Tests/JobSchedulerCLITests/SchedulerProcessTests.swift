import DockerEngine
import EngineTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The real `job-scheduler serve` process, killed and restarted: the job containers are the only
/// state, so whatever happens to the process, every accepted job is reported right and runs once.
@Suite("job-scheduler serve as a process", .serialized, .requiresEngine)
struct SchedulerProcessTests {
    @Test func killedAndRestartedItReportsEveryJobRightAndRunsNoneTwice() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            let quick = try await server.submit(variables: [:])
            // Timed so that, on a loaded machine too, one job is seen running (4 s) and ends while no
            // scheduler runs (5 s), and the other's deadline (20 s) comes after the restart.
            let endsWhileDown = try await server.submit(variables: ["SLEEP": "4", "CODE": "4"])
            let hitsDeadlineLater = try await server.submit(variables: ["SLEEP": "60"], timeLimitSeconds: 20)
            _ = try await server.waitFor(quick, ["Succeeded"])
            _ = try await server.waitFor(endsWhileDown, ["Running"])

            await server.crash()
            try await Task.sleep(for: .seconds(5))
            try await server.start()

            let listed = try await server.request("GET", "/jobs").body as? [[String: Any]] ?? []
            #expect(Set(listed.compactMap { $0["name"] as? String }) == [quick, endsWhileDown, hitsDeadlineLater])
            #expect(try await server.job(quick)["status"] as? String == "Succeeded")
            let failed = try await server.job(endsWhileDown)
            #expect(failed["status"] as? String == "Failed")
            #expect(((failed["podStatuses"] as? [[String: Any]])?.first?["exitCode"] as? Int) == 4)
            // (Started before the crash, or by the restarted scheduler if the crash came first.)
            // On a loaded engine its start can come so late that the deadline, counted from creation,
            // has passed too: it is then killed at once and may never be seen Running.
            _ = try await server.waitFor(hitsDeadlineLater, ["Running", "Failed"], timeout: .seconds(15))

            let killed = try await server.waitFor(hitsDeadlineLater, ["Failed", "Succeeded"], timeout: .seconds(120))
            #expect(((killed["podStatuses"] as? [[String: Any]])?.first?["reason"] as? String) == "DeadlineExceeded")

            // Each job ran exactly once: one container each, never restarted (one task each, on a swarm).
            let runs = try await TestEngine.runs(labelled: "radix-app=\(server.application)")
            #expect(runs == [quick: 1, endsWhileDown: 1, hitsDeadlineLater: 1], "\(runs)")
        }
    }

    @Test func burstOfHundredConcurrentPostsGivesHundredJobsEachRunOnce() async throws {
        try await SchedulerProcess.withScheduler(historyLimit: 100) { server in
            try await server.start()
            let names = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { try await server.submit(variables: [:]) } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(names).count == 100)
            for name in names { _ = try await server.waitFor(name, ["Succeeded", "Failed"], timeout: .seconds(180)) }
            let containers = try await TestEngine.client.listContainers(all: true, labels: ["radix-app=\(server.application)"])
            #expect(Set(containers.flatMap(\.names)) == Set(names))
            let listed = try await server.request("GET", "/jobs").body as? [[String: Any]] ?? []
            #expect(listed.count == 100)
            #expect(listed.allSatisfy { $0["status"] as? String == "Succeeded" && ($0["failed"] as? Int ?? 0) == 0 })
        }
    }

    /// A client that lost its answers to a SIGKILL asks again with the same Idempotency-Keys: each key
    /// has one job, whether its first POST was answered, made its job unanswered, or never arrived.
    @Test func keyedPostsRepeatedAfterASIGKILLMakeOneJobPerKey() async throws {
        try await SchedulerProcess.withScheduler(historyLimit: 100) { server in
            try await server.start()
            let keys = (0..<40).map { "retry-\($0)" }
            func post(_ key: String) async throws -> String {
                let (status, body) = try await server.request("POST", "/jobs", json: ["payload": "p-\(key)"], headers: ["Idempotency-Key": key])
                try #require(status == 200, "POST with key \(key) answered \(status): \(String(describing: body))")
                return try #require((body as? [String: Any])?["name"] as? String)
            }
            // The burst and the kill race: some POSTs are answered, some make their job unanswered, some never arrive.
            async let burst = withTaskGroup(of: (String, String?).self) { group in
                for key in keys { group.addTask { (key, try? await post(key)) } }
                return await group.reduce(into: [String: String]()) { answered, result in answered[result.0] = result.1 }
            }
            try await Task.sleep(for: .milliseconds(300))
            await server.crash()
            let answeredBeforeTheKill = await burst
            try await server.start()
            var names: [String: String] = [:]
            for key in keys { names[key] = try await post(key) }
            for (key, name) in answeredBeforeTheKill { #expect(names[key] == name, "\(key) answered the job its first POST made") }
            #expect(Set(names.values).count == keys.count)
            let jobs = try await TestEngine.jobNames(labelled: "radix-app=\(server.application)")
            #expect(Set(jobs) == Set(names.values) && jobs.count == keys.count, "one job per key, and no other")
            // The same key with another request is refused, and nothing is made.
            let (status, body) = try await server.request("POST", "/jobs", json: ["payload": "other"], headers: ["Idempotency-Key": keys[0]])
            #expect(status == 422 && (body as? [String: Any])?["reason"] as? String == "Invalid", "\(String(describing: body))")
        }
    }

    /// `serve --token-file`: the API and the terminal client with and without the token; the token is
    /// never in the log.
    @Test func aTokenFileGuardsTheAPIAndTheTerminalClientSendsIt() async throws {
        try await SchedulerProcess.withScheduler { server in
            let token = "tok-\(UUID().uuidString)"
            server.token = token
            try await server.start()
            #expect(try await server.request("GET", "/jobs", authorized: false).status == 401)
            #expect(try await server.request("GET", "/jobs", headers: ["Authorization": "Bearer nope"], authorized: false).status == 401)
            let (_, health) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(server.port)/health")!)
            #expect((health as? HTTPURLResponse)?.statusCode == 200, "open by default")
            let name = try await server.submit(variables: [:])

            let refused = try await jobs(server, ["list"])
            #expect(refused.status == 1 && refused.stderr.contains("needs an Authorization: Bearer token"), "\(refused)")
            let listed = try await jobs(server, ["list", "--token-file", server.tokenPath])
            #expect(listed.status == 0 && listed.stdout.contains(name), "\(listed)")
            let binary = try #require(JobSchedulerBinary.url()?.path)
            let fromEnvironment = try await ChildProcess.run([binary, "jobs", "show", name], input: nil, environment: [
                "JOB_SCHEDULER_URL": "http://127.0.0.1:\(server.port)", "JOB_SCHEDULER_TOKEN_FILE": server.tokenPath,
            ])
            #expect(fromEnvironment.status == 0, "\(fromEnvironment)")
            #expect(!server.log.contains(token), "the token is never logged")
        }
    }

    @Test func engineRestartIsFollowedWithoutRestartingTheScheduler() async throws {
        let proxy = try SocketProxy(target: TestEngine.socketPath)
        defer { proxy.stop() }
        try await SchedulerProcess.withScheduler(environment: ["DOCKER_HOST": "unix://\(proxy.socketPath)"]) { server in
            try await server.start()
            let job = try await server.submit(variables: ["SLEEP": "2", "CODE": "7"])
            _ = try await server.waitFor(job, ["Running"])
            proxy.stop()
            try await Task.sleep(for: .seconds(3))  // the job ends while the engine is unreachable
            // Reads keep answering from the index while the engine is away.
            #expect(try await server.job(job)["status"] as? String == "Running")
            try proxy.start()
            let done = try await server.waitFor(job, ["Failed", "Succeeded"], timeout: .seconds(120))
            #expect(done["status"] as? String == "Failed")
            #expect(((done["podStatuses"] as? [[String: Any]])?.first?["exitCode"] as? Int) == 7)
        }
    }

    /// An open `GET /api/v1/events` (a console left open) ends when the scheduler is told to stop,
    /// instead of keeping its server waiting for the answer to end.
    @Test func aFollowedEventStreamEndsWhenTheSchedulerStops() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            let marker = server.folder.appendingPathComponent("following").path
            // Reads the stream to its end; gives up (exit 3) after 20 s.
            let reader = """
                import signal, sys, urllib.request
                signal.signal(signal.SIGALRM, lambda *_: sys.exit(3))
                signal.alarm(20)
                stream = urllib.request.urlopen(sys.argv[1] + "/events", timeout=60)
                seen = b""
                while b"event: snapshot" not in seen:
                    seen += stream.read1(65536)
                open(sys.argv[2], "w").close()
                while stream.read1(65536):
                    pass
                print("ended")
                """
            let url = server.baseURL
            async let read = ChildProcess.run(["python3", "-c", reader, url, marker])
            try await waitUntil("the reader follows the events") { FileManager.default.fileExists(atPath: marker) }
            let status = await server.terminate()
            #expect(status == 0, "exit status \(status)")
            let result = try await read
            #expect(result.status == 0 && result.output == "ended\n", "the stream ended with the scheduler: \(result)")
        }
    }

    /// `job-scheduler events`: the state, then each change, a line each; `--after` goes on from a line's position.
    @Test func theTerminalClientPrintsTheChanges() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            let binary = try #require(JobSchedulerBinary.url()?.path)
            let url = "http://127.0.0.1:\(server.port)"
            let now = try await ChildProcess.run([binary, "events", "--no-follow", "--url", url])
            #expect(now.status == 0)
            let lines = now.output.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasSuffix(" snapshot: 0 jobs, 0 batches, engine reachable") == true, "\(now.output)")
            let position = String(try #require(lines.first?.split(separator: " ").first))
            let job = try await server.submit()
            _ = try await server.waitFor(job, ["Succeeded"])
            let after = try await ChildProcess.run([binary, "events", "--no-follow", "--after", position, "--url", url])
            let changes = after.output.split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
            #expect(changes.first == "Create job \(job) Waiting" && changes.last == "Update job \(job) Succeeded", "\(after.output)")
            let json = try await ChildProcess.run([binary, "events", "--no-follow", "--json", "--url", url])
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect(object?["event"] as? String == "snapshot" && (object?["data"] as? [String: Any])?["jobs"] != nil, "\(json.output)")
            let refused = try await ChildProcess.run([binary, "events", "--after", "nowhere", "--url", url], input: nil)
            #expect(refused.status != 0 && refused.stderr.contains("not an event position"), "\(refused)")
        }
    }

    @Test func sigtermStopsTheSchedulerButNotItsJobs() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            let job = try await server.submit(variables: ["SLEEP": "30"])
            _ = try await server.waitFor(job, ["Running"])
            let status = await server.terminate()
            #expect(status == 0, "exit status \(status)")
            #expect(try await TestEngine.client.inspectContainer(job).state.running)
        }
    }

    /// `job-scheduler jobs ...` against the live scheduler.
    func jobs(_ server: SchedulerProcess, _ arguments: [String], input: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = try #require(JobSchedulerBinary.url()?.path)
        return try await ChildProcess.run([binary, "jobs"] + arguments, input: input.map { Data($0.utf8) },
                                          environment: ["JOB_SCHEDULER_URL": "http://127.0.0.1:\(server.port)"])
    }

    @Test func terminalClientRunsWaitsAndManagesJobs() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start()
            // run: payload from stdin, waits, streams the job's output, exits 0 on success.
            let run = try await jobs(server, ["run", "--payload-file", "-", "--job-id", "cli-1", "--env", "SLEEP=1", "--wait", "--logs"],
                                     input: "payload from stdin ✓")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("payload from stdin ✓"))
            #expect(run.stderr.contains("Running"))
            #expect(run.stderr.contains("Succeeded"))
            let name = try #require(run.stderr.split(separator: ":").first.map(String.init))

            // A failing job: exit 1 and the reason on stderr.
            let failing = try await jobs(server, ["run", "--env", "CODE=3", "--wait"])
            #expect(failing.status == 1)
            #expect(failing.stderr.contains("Failed"))
            #expect(failing.stderr.contains("exit code 3"))

            // list and show, as a table and as JSON.
            let table = try await jobs(server, ["list"])
            #expect(table.status == 0)
            #expect(table.stdout.hasPrefix("NAME"))
            #expect(table.stdout.contains(name))
            let listed = try JSONSerialization.jsonObject(with: Data(try await jobs(server, ["list", "--json"]).stdout.utf8)) as? [[String: Any]]
            #expect(listed?.count == 2)
            let shown = try await jobs(server, ["show", name])
            #expect(shown.stdout.contains("Status:") && shown.stdout.contains("Succeeded") && shown.stdout.contains("cli-1"))
            let json = try JSONSerialization.jsonObject(with: Data(try await jobs(server, ["show", name, "--json"]).stdout.utf8)) as? [String: Any]
            #expect(json?["jobId"] as? String == "cli-1")

            // logs, one stream at a time.
            let stdoutOnly = try await jobs(server, ["logs", name, "--stream", "stdout"])
            #expect(stdoutOnly.stdout == "payload from stdin ✓\n")
            let stderrOnly = try await jobs(server, ["logs", name, "--stream", "stderr"])
            #expect(stderrOnly.stdout == "to-stderr\n")

            // Errors come back as one line from the API's Status, with a non-zero exit.
            let stopEnded = try await jobs(server, ["stop", name])
            #expect(stopEnded.status == 1)
            #expect(stopEnded.stderr.contains("already ended"))
            // restart: the ended job runs again under its name.
            let restarted = try await jobs(server, ["restart", name])
            #expect(restarted.status == 0 && restarted.stdout.hasPrefix(name + " "), "\(restarted)")
            let again = try await server.waitFor(name, ["Succeeded"])
            #expect(again["restart"] is String)
            #expect(try await jobs(server, ["delete", name]).status == 0)
            let gone = try await jobs(server, ["show", name])
            #expect(gone.status == 1)
            #expect(gone.stderr.contains("not found"))
            let unreachable = try await ChildProcess.run([try #require(JobSchedulerBinary.url()?.path), "jobs", "list", "--url", "http://127.0.0.1:1"], input: nil)
            #expect(unreachable.status == 1)
            // One readable line: the cause, not the OpenAPI runtime's description of the operation.
            #expect(unreachable.stderr == "error: cannot reach the scheduler at http://127.0.0.1:1: connection refused\n", "\(unreachable.stderr)")
        }
    }
}

extension SchedulerProcess {
    /// Submits a job of the default script with payload "p" and these variables (SLEEP, CODE).
    func submit(variables: [String: String], timeLimitSeconds: Int? = nil) async throws -> String {
        var body: [String: Any] = ["payload": "p", "variables": variables]
        if let timeLimitSeconds { body["timeLimitSeconds"] = timeLimitSeconds }
        return try await submit(body)
    }
}
