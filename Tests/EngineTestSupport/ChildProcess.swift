import Foundation

/// Test support shared by the test targets that drive the real engine.
///
/// Runs helper commands (the docker CLI, socat) from async tests without blocking Swift's
/// cooperative pool, which has as few threads as the machine has cores.
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
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = arguments
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
                // Files, not pipes, for the output: nothing blocks on a full pipe.
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
                do {
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
                    let stdout = try String(contentsOf: out, encoding: .utf8), stderr = try String(contentsOf: err, encoding: .utf8)
                    continuation.resume(returning: (process.terminationStatus, stdout, stderr))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    /// Starts a command as the leader of a new process group, so that it and everything it forks can
    /// be killed at once. `environment` entries are added to this process's; output goes to `logFile`.
    public static func spawnGroupLeader(_ arguments: [String], environment: [String: String] = [:], logFile: String? = nil) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
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
        return pid
    }

    /// Sends a signal to a process group started by `spawnGroupLeader`, and waits (off the
    /// cooperative pool) for its leader to exit; returns the leader's exit status.
    public static func signalGroupAndWait(_ pid: pid_t, _ signal: Int32) async -> Int32 {
        kill(-pid, signal)
        return await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                continuation.resume(returning: status)
            }.start()
        }
    }

    /// Kills a process group started by `spawnGroupLeader` and reaps its leader.
    public static func killGroup(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

@discardableResult
public func runDocker(_ arguments: [String]) async throws -> String {
    let (status, output) = try await ChildProcess.run(["docker"] + arguments)
    guard status == 0 else { throw CocoaError(.executableLoad, userInfo: ["command": "docker \(arguments.joined(separator: " "))"]) }
    return output
}
