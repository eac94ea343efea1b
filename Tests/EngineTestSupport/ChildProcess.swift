import Foundation

/// Test support shared by the test targets that drive the real engine.
///
/// Runs helper commands (the docker CLI, socat) from async tests without blocking Swift's
/// cooperative pool, which has as few threads as the machine has cores.
public enum ChildProcess {
    /// Runs a command to completion on a thread of its own; returns its exit status and stdout.
    public static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
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
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    /// Starts a command as the leader of a new process group, so that it and everything it forks can
    /// be killed at once.
    public static func spawnGroupLeader(_ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], nil, &attributes, argv, environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return pid
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
