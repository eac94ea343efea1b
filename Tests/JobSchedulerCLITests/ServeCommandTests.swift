import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RadixConfig
import Testing
@testable import JobSchedulerCLI

/// `serve`'s settings: flags, their environment variables, and the checks made before anything runs.
@Suite("serve settings")
struct ServeSettingsTests {
    func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> ServeSettings {
        let command = try #require(try JobSchedulerCommand.parseAsRoot(["serve"] + arguments) as? ServeCommand)
        return try ServeSettings.resolve(command, environment: environment)
    }

    @Test func defaults() throws {
        let settings = try settings([])
        #expect(settings == ServeSettings(configPath: "radixconfig.yaml", jobName: nil, environment: nil, port: nil, host: "0.0.0.0",
                                          historyLimit: 10, network: nil, stopGracePeriodSeconds: 30))
    }

    @Test func environmentVariablesFillEveryFlag() throws {
        let settings = try settings([], environment: [
            "JOB_SCHEDULER_CONFIG": "/etc/app/radixconfig.yaml", "JOB_SCHEDULER_JOB": "compute", "JOB_SCHEDULER_ENV": "prod",
            "JOB_SCHEDULER_PORT": "9100", "JOB_SCHEDULER_HOST": "127.0.0.1", "JOB_SCHEDULER_HISTORY_LIMIT": "3",
            "JOB_SCHEDULER_NETWORK": "radix", "JOB_SCHEDULER_STOP_GRACE_PERIOD": "5",
        ])
        #expect(settings == ServeSettings(configPath: "/etc/app/radixconfig.yaml", jobName: "compute", environment: "prod", port: 9100,
                                          host: "127.0.0.1", historyLimit: 3, network: "radix", stopGracePeriodSeconds: 5))
    }

    @Test func flagsWinOverEnvironmentVariables() throws {
        let settings = try settings(["--job", "etl", "--port", "9200", "--history-limit", "4"],
                                    environment: ["JOB_SCHEDULER_JOB": "compute", "JOB_SCHEDULER_PORT": "9100", "JOB_SCHEDULER_HISTORY_LIMIT": "3"])
        #expect(settings.jobName == "etl")
        #expect(settings.port == 9200)
        #expect(settings.historyLimit == 4)
    }

    @Test func portNeedsAJob() {
        #expect(throws: ServeSettings.Problem.self) { try settings(["--port", "9100"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings([], environment: ["JOB_SCHEDULER_PORT": "9100"]) }
    }

    @Test func badValuesAreRefused() {
        #expect(throws: ServeSettings.Problem.self) { try settings([], environment: ["JOB_SCHEDULER_HISTORY_LIMIT": "many"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--history-limit", "0"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--stop-grace-period=-1"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--job", "a", "--port", "70000"]) }
    }

    @Test func jobsComeFromTheConfigEachOnItsPort() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good.replacingOccurrences(of: "src: deploy/app/etl", with: "image: radix-example/etl:latest"))
        let application = try RadixConfigFile.load(path: path)
        let all = try settings(["--config", path]).jobs(of: application)
        #expect(all.map(\.job.name) == ["compute", "etl"])
        #expect(all.map(\.port) == [8000, 9000])
        let one = try settings(["--config", path, "--job", "etl", "--port", "9500"]).jobs(of: application)
        #expect(one.map(\.port) == [9500])
        #expect(throws: ServeSettings.Problem.self) { try settings(["--job", "nope"]).jobs(of: application) }
    }

    @Test func aJobWithoutImageCannotBeServed() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let application = try RadixConfigFile.load(path: path)
        #expect(throws: ServeSettings.Problem.self) { try settings(["--job", "etl"]).jobs(of: application) }
    }
}

/// The real `job-scheduler serve` process on a free port: it answers, runs a job, and stops gracefully
/// on SIGTERM while the job containers it started keep running.
@Suite("job-scheduler serve, as a process", .serialized)
struct ServeCommandProcessTests {
    @Test func servesRunsAJobAndStopsGracefullyLeavingJobsRunning() async throws {
        let binary = try #require(JobSchedulerBinary.url(), "job-scheduler was not found next to the test bundle")
        let application = "serve-\(UUID().uuidString.prefix(8).lowercased())"
        let port = try ServeProcess.freePort()
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
                - name: work
                  image: jobsched-busybox:latest
                  schedulerPort: \(port)
                  payload:
                    path: /args
                  command: ["sh", "-c", "test \\"$(cat /args/payload)\\" = ready"]

            """)
        let log = folder.url.appendingPathComponent("serve.log").path
        let pid = try ServeProcess.spawn([binary.path, "serve", "--host", "127.0.0.1"],
                                         environment: ["JOB_SCHEDULER_CONFIG": config, "JOB_SCHEDULER_ENV": "dev"], log: log)
        defer { ServeProcess.kill(pid) }
        do {
            let base = "http://127.0.0.1:\(port)/api/v1"
            try await ServeProcess.waitUntilAnswering("\(base)/jobs", pid: pid, log: log)

            let (status, created) = try await ServeProcess.http("POST", "\(base)/jobs", body: #"{"payload":"ready"}"#)
            #expect(status == 200, "\(created)")
            let name = try #require(created["name"] as? String)
            var state = ""
            for _ in 0..<1200 where !["Succeeded", "Failed"].contains(state) {
                try await Task.sleep(for: .milliseconds(100))
                state = try await ServeProcess.http("GET", "\(base)/jobs/\(name)").body["status"] as? String ?? ""
            }
            #expect(state == "Succeeded")

            // A job still running when the scheduler stops goes on running.
            let (_, long) = try await ServeProcess.http("POST", "\(base)/jobs", body: #"{"command":["sleep","300"]}"#)
            let longName = try #require(long["name"] as? String)
            for _ in 0..<1200 where state != "Running" {
                try await Task.sleep(for: .milliseconds(100))
                state = try await ServeProcess.http("GET", "\(base)/jobs/\(longName)").body["status"] as? String ?? ""
            }
            #expect(state == "Running")

            let exit = await ServeProcess.signalAndWait(pid, SIGTERM)
            #expect(exit == 0, "serve exited with \(exit); log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            let running = try await ServeProcess.run(["docker", "inspect", "-f", "{{.State.Running}}", longName])
            #expect(running.trimmingCharacters(in: .whitespacesAndNewlines) == "true")
        } catch {
            await ServeProcess.removeApplication(application)
            throw error
        }
        await ServeProcess.removeApplication(application)
    }

    @Test func anUnreachableEngineIsAOneLineError() async throws {
        let binary = try #require(JobSchedulerBinary.url(), "job-scheduler was not found next to the test bundle")
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let log = folder.url.appendingPathComponent("serve.log").path
        let pid = try ServeProcess.spawn([binary.path, "serve", "--config", path, "--job", "compute"],
                                         environment: ["DOCKER_HOST": "unix:///tmp/no-such-engine.sock"], log: log)
        let status = await ServeProcess.signalAndWait(pid, 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(status == 1)
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("cannot reach the Docker engine at unix:///tmp/no-such-engine.sock") == true, "\(lines)")
    }
}

/// Runs `job-scheduler serve` and the docker CLI from async tests: processes are spawned and waited
/// for on threads of their own, never on Swift's cooperative pool.
enum ServeProcess {
    /// A port nothing listens on right now (the kernel's choice for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts a process in a process group of its own, its output appended to `log`.
    static func spawn(_ arguments: [String], environment: [String: String], log: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return pid
    }

    /// Sends `signal` (0: none) to the process and waits for it to end; returns its exit code (128 + the
    /// signal if a signal ended it).
    static func signalAndWait(_ pid: pid_t, _ signal: Int32) async -> Int32 {
        if signal != 0 { Foundation.kill(pid, signal) }
        return await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                let exited = status & 0x7f == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }.start()
        }
    }

    /// Kills the process group if it still runs (a test that failed half-way).
    static func kill(_ pid: pid_t) {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == 0 else { return }
        Foundation.kill(-pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    static func waitUntilAnswering(_ url: String, pid: pid_t, log: String) async throws {
        for _ in 0..<300 {
            if (try? await http("GET", url).status) == 200 { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                Issue.record("serve exited early: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
                throw POSIXError(.ECHILD)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("serve did not answer on \(url): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        throw POSIXError(.ETIMEDOUT)
    }

    static func http(_ method: String, _ url: String, body: String? = nil) async throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    static func run(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    /// Removes every container and volume of a test application.
    static func removeApplication(_ name: String) async {
        let filter = "label=radix-app=\(name)"
        let containers = ((try? await run(["docker", "ps", "-aq", "--filter", filter])) ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        if !containers.isEmpty { _ = try? await run(["docker", "rm", "-f", "-v"] + containers) }
        let volumes = ((try? await run(["docker", "volume", "ls", "-q", "--filter", filter])) ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        if !volumes.isEmpty { _ = try? await run(["docker", "volume", "rm", "-f"] + volumes) }
    }
}
