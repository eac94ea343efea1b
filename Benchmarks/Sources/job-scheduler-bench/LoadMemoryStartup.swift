import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Benchmark {
    /// Submits `count` jobs from `threads` connections at once and waits until all are in a state.
    func submitMany(_ app: SchedulerApp, count: Int, command: [String]?, threads: Int = 8,
                    until done: @escaping @Sendable (APIJob) -> Bool, timeoutSeconds: Double = 600) async throws -> [String] {
        let perThread = (count + threads - 1) / threads
        let port = app.port
        let names = try await onThreads(threads) { thread -> [String] in
            let api = SchedulerAPI(port: port)
            let mine = max(0, min(perThread, count - thread * perThread))
            return try (0..<mine).map { _ in try api.submit(command: command).name }
        }.flatMap { $0 }
        let box = APIBox(port: port)
        _ = try await onThread {
            try box.api.pollListUntil(Set(names), intervalMicroseconds: 100_000, timeoutSeconds: timeoutSeconds, done: done)
        }
        return names
    }

    // MARK: - 4. The API under load

    /// 4. wrk against `GET /api/v1/jobs/{name}` and `GET /api/v1/jobs` of a scheduler holding
    /// `historyJobs` finished and `runningJobs` running jobs, and against a plain Hummingbird server
    /// answering the same bytes on the same paths.
    func measureLoad() async throws -> Results.Load {
        let app = try SchedulerApp(application: settings.application("load"), settings: settings)
        defer { app.stop() }
        try app.launch(historyLimit: settings.historyJobs)
        _ = try await onThread { try app.waitUntilAnswering() }
        progress("4. API under load: \(settings.historyJobs) finished and \(settings.runningJobs) running jobs")
        let finished = try await submitMany(app, count: settings.historyJobs, command: nil, until: { $0.state == .succeeded })
        _ = try await submitMany(app, count: settings.runningJobs, command: Self.longCommandOverride, until: { $0.state == .running })

        // The bytes the scheduler answers become the baseline's answers.
        let box = APIBox(port: app.port)
        let jobName = finished.sorted().last!
        let (single, list) = try await onThread { () -> (HTTPResult, HTTPResult) in
            (try box.api.connection.request("GET", "/api/v1/jobs/\(jobName)"), try box.api.connection.request("GET", "/api/v1/jobs"))
        }
        let listed = try JSONDecoder().decode([APIJob].self, from: Data(list.body))
        guard single.status == 200, list.status == 200, listed.count == settings.historyJobs + settings.runningJobs else {
            throw BenchFailure("the scheduler lists \(listed.count) jobs, expected \(settings.historyJobs + settings.runningJobs)")
        }
        let singleFile = app.folder.appendingPathComponent("job.json")
        let listFile = app.folder.appendingPathComponent("jobs.json")
        try Data(single.body).write(to: singleFile)
        try Data(list.body).write(to: listFile)

        let baselinePort = try freePort()
        let baseline = Process()
        baseline.executableURL = URL(fileURLWithPath: settings.baselineBinary)
        baseline.arguments = ["--port", String(baselinePort), "--job", singleFile.path, "--jobs", listFile.path]
        baseline.standardInput = FileHandle.nullDevice
        try baseline.run()
        defer { if baseline.isRunning { kill(baseline.processIdentifier, SIGTERM); baseline.waitUntilExit() } }
        _ = try await onThread { () -> Bool in
            let connection = HTTPConnection(port: baselinePort, timeoutSeconds: 5)
            for _ in 0..<5000 {
                if let answer = try? connection.request("GET", "/api/v1/jobs"), answer.status == 200 { return true }
                connection.close()
                sleepMicroseconds(2000)
            }
            throw BenchFailure("bench-baseline did not answer")
        }

        let targets: [(String, Int, String, Int)] = [
            ("scheduler GET /api/v1/jobs/{name}", app.port, "/api/v1/jobs/\(jobName)", single.body.count),
            ("baseline GET /api/v1/jobs/{name}", baselinePort, "/api/v1/jobs/\(jobName)", single.body.count),
            ("scheduler GET /api/v1/jobs", app.port, "/api/v1/jobs", list.body.count),
            ("baseline GET /api/v1/jobs", baselinePort, "/api/v1/jobs", list.body.count),
        ]
        // Rounds alternate between the scheduler and the baseline (wrk, both servers and the engine share
        // the machine's cores, and one run's figure moves by 10 % from the next's): each target's
        // requests/s and percentiles are the rounds' medians (each taken apart), every round's beside them.
        for target in targets {
            _ = try await onThread { try Self.wrk(url: "http://127.0.0.1:\(target.1)\(target.2)", threads: settings.wrkThreads,
                                                  connections: settings.wrkConnections, seconds: 2) }
        }
        var rounds: [String: [Results.WrkResult]] = [:]
        for round in 1...max(1, settings.wrkRounds) {
            for (target, port, path, bytes) in targets {
                let url = "http://127.0.0.1:\(port)\(path)"
                var result = try await onThread { try Self.wrk(url: url, threads: settings.wrkThreads, connections: settings.wrkConnections, seconds: settings.wrkSeconds) }
                result.target = target
                result.responseBytes = bytes
                progress("   round \(round) \(target): \(fixed(result.requestsPerSecond, 0)) req/s, p99 \(ms(result.p99))\(result.errors.map { " (\($0))" } ?? "")")
                rounds[target, default: []].append(result)
            }
        }
        let results = targets.map { target -> Results.WrkResult in
            let measured = rounds[target.0] ?? []
            func median(_ value: (Results.WrkResult) -> Double) -> Double { measured.map(value).sorted()[measured.count / 2] }
            var result = measured[0]
            result.requestsPerSecond = median(\.requestsPerSecond)
            result.p50 = median(\.p50)
            result.p99 = median(\.p99)
            result.max = measured.map(\.max).max() ?? result.max
            result.roundsRequestsPerSecond = measured.map(\.requestsPerSecond)
            result.roundsP99 = measured.map(\.p99)
            result.errors = measured.compactMap(\.errors).first
            return result
        }
        let schedulerRSS = app.resident()
        let baselineRSS = ResidentSize.of(pid: baseline.processIdentifier)
        app.stop()
        await engine.removeApplication(app.application)
        return Results.Load(historyJobs: settings.historyJobs, runningJobs: settings.runningJobs, connections: settings.wrkConnections,
                            threads: settings.wrkThreads, seconds: settings.wrkSeconds, results: results,
                            schedulerRSSAfter: schedulerRSS, baselineRSSAfter: baselineRSS)
    }

    static let longCommandOverride = BenchSettings.longCommand

    /// Runs wrk and reads its summary (`--latency` for the percentiles).
    static func wrk(url: String, threads: Int, connections: Int, seconds: Int) throws -> Results.WrkResult {
        let (status, output) = try runCommand(["wrk", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", url],
                                              timeoutSeconds: Double(seconds) + 30)
        guard status == 0 else { throw BenchFailure("wrk exited with \(status):\n\(output)") }
        func duration(_ text: Substring) -> Double? {
            let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
            for (unit, factor) in units where text.hasSuffix(unit) {
                if let value = Double(text.dropLast(unit.count)) { return value * factor }
            }
            return nil
        }
        var result = Results.WrkResult(target: "", url: url, requestsPerSecond: .nan, p50: .nan, p99: .nan, max: .nan, errors: nil, responseBytes: 0)
        var errors: [String] = []
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            switch first {
            case "Requests/sec:": result.requestsPerSecond = fields.count > 1 ? Double(fields[1]) ?? .nan : .nan
            case "50%": result.p50 = fields.count > 1 ? duration(fields[1]) ?? .nan : .nan
            case "99%": result.p99 = fields.count > 1 ? duration(fields[1]) ?? .nan : .nan
            case "Latency" where fields.count >= 4: result.max = duration(fields[3]) ?? .nan
            case "Socket": errors.append(line.trimmingCharacters(in: .whitespaces))
            case "Non-2xx": errors.append(line.trimmingCharacters(in: .whitespaces))
            default: continue
            }
        }
        if !errors.isEmpty { result.errors = errors.joined(separator: "; ") }
        guard !result.requestsPerSecond.isNaN else { throw BenchFailure("cannot read wrk's output:\n\(output)") }
        return result
    }

    // MARK: - 5. Memory and 6. start-up

    /// 5 and 6 on one application: start-up with no jobs (several times; the last process stays as the
    /// idle one), resident size idle, then with `memoryJobs` running jobs; then start-up with those
    /// jobs to reconcile (several times).
    func measureMemoryAndStartup() async throws -> (Results.Memory, Results.Startup) {
        let app = try SchedulerApp(application: settings.application("mem"), settings: settings)
        defer { app.stop() }
        progress("6. start-up with no jobs: \(settings.startupRuns) runs")
        var empty: [Double] = []
        for run in 0..<settings.startupRuns {
            empty.append(try await startOnce(app, expectedJobs: 0))
            if run < settings.startupRuns - 1 { app.stop() }
        }
        progress("5. resident size idle")
        try await Task.sleep(for: .seconds(3))
        guard let idle = app.resident() else { throw BenchFailure("cannot read the scheduler's /proc status") }

        progress("5. resident size with \(settings.memoryJobs) running jobs: submitting")
        _ = try await submitMany(app, count: settings.memoryJobs, command: Self.longCommandOverride, until: { $0.state == .running })
        try await Task.sleep(for: .seconds(3))
        guard let running = app.resident() else { throw BenchFailure("cannot read the scheduler's /proc status") }
        app.stop()

        progress("6. start-up with \(settings.memoryJobs) running jobs to reconcile: \(settings.startupRuns) runs")
        var withJobs: [Double] = []
        var afterRestart: ResidentSize?
        for _ in 0..<settings.startupRuns {
            withJobs.append(try await startOnce(app, expectedJobs: settings.memoryJobs))
            try await Task.sleep(for: .milliseconds(500))
            afterRestart = app.resident()
            app.stop()
        }
        await engine.removeApplication(app.application)
        return (Results.Memory(idle: idle, running: running, runningJobs: settings.memoryJobs, afterRestartWithRunning: afterRestart),
                Results.Startup(empty: empty, withJobs: withJobs, jobs: settings.memoryJobs))
    }

    /// Execs the scheduler and polls until its API answers; checks it lists the expected jobs.
    private func startOnce(_ app: SchedulerApp, expectedJobs: Int) async throws -> Double {
        let launched = try app.launch(historyLimit: 10)
        let (answered, answer) = try await onThread { try app.waitUntilAnswering(intervalMicroseconds: 1000) }
        let listed = try JSONDecoder().decode([APIJob].self, from: Data(answer.body)).count
        guard listed == expectedJobs else { throw BenchFailure("the scheduler answered with \(listed) jobs, expected \(expectedJobs)") }
        return milliseconds(from: launched, to: answered)
    }
}
