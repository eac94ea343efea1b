import DockerEngine
import EngineTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// One real `job-scheduler serve` process on a free loopback port, for a throwaway application with a
/// single job `work` that runs a busybox script on the real engine. It can be crashed (SIGKILL),
/// terminated (SIGTERM) and started again; `cleanUp()` removes the process, every container and
/// volume of the application, and its folder. `withScheduler` always cleans up.
final class SchedulerProcess: @unchecked Sendable {
    // @unchecked: used from one test task at a time.
    /// The job's default script: prints its payload, writes to stderr, then sleeps $SLEEP and exits $CODE.
    static let defaultScript = "cat /args/payload 2>/dev/null; echo; echo to-stderr >&2; sleep ${SLEEP:-0}; exit ${CODE:-0}"

    let application: String
    let port: Int
    let folder: URL
    let configPath: String
    let logPath: String
    /// A second process for the same application and job (its config file), on a port of its own.
    let isSibling: Bool
    /// Variables added to the process's environment (`DOCKER_HOST` through a proxy, say).
    var environment: [String: String] = [:]
    var historyLimit = 10
    /// The API's bearer token (the process is started with a file holding it): sent with every request
    /// but those made `authorized: false`.
    var token: String?
    private var process: ProcessGroup?

    /// With `webhookPort`, the application has a component `receiver` listening on it, and the job's
    /// webhook is `http://receiver:<port>/events`.
    /// With `cron`, the job has that `cron:` block (YAML lines, indented for the job's mapping).
    init(script: String = SchedulerProcess.defaultScript, timeLimitSeconds: Int = 120, webhookPort: Int? = nil, cron: String? = nil) throws {
        application = "proc-\(UUID().uuidString.prefix(8).lowercased())"
        isSibling = false
        port = try FreePort.next()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(application)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        configPath = folder.appendingPathComponent("radixconfig.yaml").path
        logPath = folder.appendingPathComponent("serve.log").path
        // A JSON array is a YAML flow sequence: the script goes in quoted, whatever quotes it holds.
        let command = String(decoding: try JSONSerialization.data(withJSONObject: ["sh", "-c", script], options: [.withoutEscapingSlashes]), as: UTF8.self)
        var receiver = "", notifications = ""
        if let webhookPort {
            receiver = "\n  components:\n    - name: receiver\n      image: receiver\n      ports:\n        - name: http\n          port: \(webhookPort)"
            notifications = "\n      notifications:\n        webhook: http://receiver:\(webhookPort)/events"
        }
        try """
            apiVersion: radix.equinor.com/v1
            kind: RadixApplication
            metadata:
              name: \(application)
            spec:
              environments:
                - name: dev\(receiver)
              jobs:
                - name: work
                  image: \(TestEngine.image)
                  schedulerPort: \(port)
                  payload:
                    path: /args
                  command: \(command)
                  timeLimitSeconds: \(timeLimitSeconds)\(notifications)\(cron.map { "\n" + $0 } ?? "")

            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Another process for `other`'s application and job, on a port of its own.
    init(sharing other: SchedulerProcess) throws {
        application = other.application
        isSibling = true
        port = try FreePort.next()
        folder = other.folder
        configPath = other.configPath
        logPath = other.folder.appendingPathComponent("serve-\(port).log").path
        historyLimit = other.historyLimit
        environment = other.environment
    }

    /// Runs `body` with a scheduler process (not yet started) and always cleans up after it.
    static func withScheduler(timeLimitSeconds: Int = 120, historyLimit: Int = 10, environment: [String: String] = [:],
                              webhookPort: Int? = nil, _ body: (SchedulerProcess) async throws -> Void) async throws {
        let server = try SchedulerProcess(timeLimitSeconds: timeLimitSeconds, webhookPort: webhookPort)
        server.environment = environment
        server.historyLimit = historyLimit
        do {
            try await body(server)
        } catch {
            await server.cleanUp()
            throw error
        }
        await server.cleanUp()
    }

    var baseURL: String { "http://127.0.0.1:\(port)/api/v1" }

    /// What the process printed so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The arguments `start()` gives `job-scheduler` unless told otherwise.
    var serveArguments: [String] {
        ["serve", "--config", configPath, "--job", "work", "--host", "127.0.0.1", "--stop-grace-period", "1",
         "--history-limit", String(historyLimit)] + (isSibling ? ["--port", String(port)] : [])
            + (token == nil ? [] : ["--token-file", tokenPath]) + (TestEngine.onSwarm ? ["--runtime", "swarm"] : [])
    }

    /// The file `--token-file` names, holding `token` (written by `start`).
    var tokenPath: String { folder.appendingPathComponent("token").path }

    /// Starts `job-scheduler` with `arguments` (`serveArguments` by default) and returns once it answers
    /// `GET /jobs`. Fails at once without an engine, or when the process exits first.
    func start(_ arguments: [String]? = nil, environment extra: [String: String] = [:]) async throws {
        try await TestEngine.requireEngine()
        let binary = try #require(JobSchedulerBinary.url()?.path, "job-scheduler was not found next to the test bundle")
        if let token { try (token + "\n").write(toFile: tokenPath, atomically: true, encoding: .utf8) }
        let process = try ProcessGroup([binary] + (arguments ?? serveArguments),
                                       environment: environment.merging(extra) { _, new in new }, logFile: logPath)
        self.process = process
        try await waitUntil("the scheduler answers on port \(port)", timeout: .seconds(90), pollingEvery: .milliseconds(50),
                            lastSeen: { self.log }) {
            if let code = process.exitCodeIfEnded { throw SchedulerExited(code: code, log: log) }
            return (try? await request("GET", "/jobs").status) == 200
        }
    }

    /// SIGKILL: no chance to clean anything up.
    func crash() async {
        _ = await process?.signalAndWait(SIGKILL)
        process = nil
    }

    /// SIGTERM; returns the exit code.
    func terminate() async -> Int32 {
        guard let process else { return -1 }
        self.process = nil
        return await process.signalAndWait(SIGTERM)
    }

    func request(_ method: String, _ path: String, json: [String: Any]? = nil, headers: [String: String] = [:],
                 authorized: Bool = true) async throws -> (status: Int, body: Any?) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if authorized, let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 30
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let body = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    func job(_ name: String) async throws -> [String: Any] {
        try await request("GET", "/jobs/\(name)").body as? [String: Any] ?? [:]
    }

    /// POSTs a job; returns its name.
    func submit(_ body: [String: Any] = [:]) async throws -> String {
        let (status, answer) = try await request("POST", "/jobs", json: body)
        try #require(status == 200, "POST /jobs answered \(status): \(String(describing: answer))")
        return try #require((answer as? [String: Any])?["name"] as? String)
    }

    /// Polls `GET /jobs/{name}` until the job's status is one of `states`; returns the job.
    @discardableResult
    func waitFor(_ name: String, _ states: Set<String>, timeout: Duration = .seconds(90)) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        return try await waitForValue("\(name) is \(states.sorted())", timeout: timeout, pollingEvery: .milliseconds(50),
                                      lastSeen: { "\(last)" }) {
            last = (try? await job(name)) ?? [:]
            guard let status = last["status"] as? String, states.contains(status) else { return nil }
            return last
        }
    }

    func cleanUp() async {
        process?.kill()
        process = nil
        if isSibling { return }  // the first process's clean-up removes what they share
        await TestEngine.removeApplication(application)
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The scheduler process ended while it was expected to serve.
struct SchedulerExited: Error, CustomStringConvertible {
    let code: Int32
    let log: String

    var description: String { "the scheduler exited with \(code); its log:\n\(log)" }
}
