import Foundation
import RadixConfig
#if canImport(Glibc)
import Glibc
#endif

/// One throwaway application with a single job `bench`, and the real `job-scheduler serve` process
/// serving it on a free loopback port. Every container it makes carries `radix-app=<application>`.
final class SchedulerApp: @unchecked Sendable {
    // @unchecked: driven by one benchmark step at a time.
    let application: String
    let job = "bench"
    let port: Int
    let configPath: String
    let folder: URL
    let settings: BenchSettings
    private(set) var process: Process?
    private var starts = 0

    init(application: String, settings: BenchSettings) throws {
        self.application = application
        self.settings = settings
        port = try freePort()
        folder = settings.workFolder.appendingPathComponent(application)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        configPath = folder.appendingPathComponent("radixconfig.yaml").path
        let yaml = """
        apiVersion: radix.equinor.com/v1
        kind: RadixApplication
        metadata:
          name: \(application)
        spec:
          environments:
            - name: bench
          jobs:
            - name: \(job)
              image: \(settings.image)
              schedulerPort: \(port)
              command: \(settings.jobCommandYAML)
              timeLimitSeconds: 3600
        """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        // The same loader `serve` uses: a config the scheduler would refuse fails here, with its problems.
        do {
            _ = try RadixConfigFile.load(path: configPath)
        } catch {
            throw BenchFailure("the benchmark's radixconfig.yaml is invalid: \(error.problems.map(\.description).joined(separator: "; "))")
        }
    }

    var pid: Int32? { process.map { $0.processIdentifier } }
    /// Where run.sh finds the process to end if the harness is interrupted.
    var pidPath: String { folder.appendingPathComponent("serve.pid").path }
    var logPath: String { folder.appendingPathComponent("serve-\(starts).log").path }

    /// Execs `job-scheduler serve`; returns the monotonic time just before the exec.
    @discardableResult
    func launch(historyLimit: Int, extraArguments: [String] = []) throws -> UInt64 {
        precondition(process == nil, "already running")
        starts += 1
        let process = Process()
        process.executableURL = URL(fileURLWithPath: settings.schedulerBinary)
        var arguments = ["serve", "--config", configPath, "--job", job, "--host", "127.0.0.1", "--port", String(port),
                         "--history-limit", String(historyLimit), "--stop-grace-period", "1"]
        if let network = settings.network { arguments += ["--network", network] }
        process.arguments = arguments + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = settings.schedulerLogLevel
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let start = monotonicNanos()
        try process.run()
        self.process = process
        try? String(process.processIdentifier).write(toFile: pidPath, atomically: true, encoding: .utf8)
        return start
    }

    /// Polls `GET /api/v1/jobs` every `intervalMicroseconds` until it answers 200; returns the
    /// monotonic time of that answer and the answer. Blocking: call on a dedicated thread.
    func waitUntilAnswering(timeoutSeconds: Double = 60, intervalMicroseconds: Int = 1000) throws -> (UInt64, HTTPResult) {
        let deadline = monotonicNanos() + UInt64(timeoutSeconds * 1e9)
        let connection = HTTPConnection(port: port, timeoutSeconds: 10)
        while monotonicNanos() < deadline {
            if let process, !process.isRunning {
                throw BenchFailure("job-scheduler serve exited with \(process.terminationStatus); log \(logPath):\n\(logTail())")
            }
            if let answer = try? connection.request("GET", "/api/v1/jobs"), answer.status == 200 {
                return (monotonicNanos(), answer)
            }
            connection.close()
            sleepMicroseconds(intervalMicroseconds)
        }
        throw BenchFailure("job-scheduler serve did not answer within \(timeoutSeconds) s; log \(logPath):\n\(logTail())")
    }

    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// SIGTERM, then SIGKILL if it has not exited within `graceSeconds`.
    func stop(graceSeconds: Double = 15) {
        guard let process else { return }
        self.process = nil
        try? FileManager.default.removeItem(atPath: pidPath)
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(graceSeconds)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            progress("job-scheduler serve (pid \(process.processIdentifier)) ignored SIGTERM for \(graceSeconds) s; killing it")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func resident() -> ResidentSize? { pid.flatMap(ResidentSize.of(pid:)) }
}
