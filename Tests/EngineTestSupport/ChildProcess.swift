import Foundation
import Synchronization

/// Runs commands to completion (the docker CLI, the job-scheduler binary): from async tests without
/// blocking Swift's cooperative pool, which has as few threads as the machine has cores.
public enum ChildProcess {
    /// Runs a command to completion on a thread of its own; returns its exit status and stdout.
    public static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await run(arguments, input: nil)
        return (result.status, result.stdout)
    }

    /// Runs a command to completion on a thread of its own, with `input` on its stdin and these
    /// variables added to its environment; returns its exit status, stdout and stderr.
    public static func run(_ arguments: [String], input: Data?, environment: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try runBlocking(arguments, input: input, environment: environment) })
            }.start()
        }
    }

    /// Runs a command to completion on the calling thread, for synchronous tests (an async test uses
    /// `run`): in `directory` if given, with `input` on its stdin and these variables added to its
    /// environment; returns its exit status, stdout and stderr.
    public static func runBlocking(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
                                   in directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = directory }
        // Files, not pipes, for the output: nothing blocks on a full pipe.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }
}

/// A long-running command (the scheduler, socat) started as the leader of a new process group, so that
/// it and everything it forks can be signalled and killed at once. Waiting happens on threads of their
/// own, never on the cooperative pool.
public final class ProcessGroup: Sendable {
    public let pid: pid_t
    /// The leader's exit code once it has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `arguments` (the first found on PATH) with these variables added to this process's
    /// environment, stdin from /dev/null and stdout and stderr appended to `logFile` (or inherited).
    public init(_ arguments: [String], environment: [String: String] = [:], logFile: String? = nil) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let logFile {
            posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        self.pid = pid
    }

    /// The leader's exit code if it has ended (without waiting), nil while it runs.
    public var exitCodeIfEnded: Int32? {
        reap(blocking: false)
    }

    /// Sends `signal` to the whole group and waits for the leader to end; returns its exit code
    /// (128 + the signal's number when a signal ended it).
    public func signalAndWait(_ signal: Int32) async -> Int32 {
        if reaped.withLock({ $0 }) == nil { Foundation.kill(-pid, signal) }
        return await waitForExit()
    }

    /// Waits for the leader to end on its own; returns its exit code.
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { [self] in continuation.resume(returning: reap(blocking: true) ?? -1) }.start()
        }
    }

    /// Kills the group with SIGKILL and reaps the leader; harmless when called again.
    public func kill() {
        Foundation.kill(-pid, SIGKILL)
        _ = reap(blocking: true)
    }

    private func reap(blocking: Bool) -> Int32? {
        if let code = reaped.withLock({ $0 }) { return code }
        var status: Int32 = 0
        guard waitpid(pid, &status, blocking ? 0 : WNOHANG) == pid else { return reaped.withLock { $0 } }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        reaped.withLock { $0 = code }
        return code
    }
}

/// The docker CLI failed.
public struct DockerCommandFailed: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public let stderr: String

    public var description: String { "docker \(arguments.joined(separator: " ")) exited with \(status): \(stderr)" }
}

/// Runs the docker CLI (against `DOCKER_HOST`, as the tests' engine client) and returns its stdout.
@discardableResult
public func runDocker(_ arguments: [String]) async throws -> String {
    let result = try await ChildProcess.run(["docker"] + arguments, input: nil)
    guard result.status == 0 else { throw DockerCommandFailed(arguments: arguments, status: result.status, stderr: result.stderr) }
    return result.stdout
}
