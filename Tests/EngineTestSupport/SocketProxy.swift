import Foundation

/// Forwards a Unix socket to the engine's with socat, and can be cut and restored.
public final class SocketProxy: @unchecked Sendable {
    // @unchecked: used from one test task at a time.
    public let socketPath: String
    private let target: String
    private var pid: pid_t?

    public init(target: String) throws {
        self.target = target
        socketPath = "/tmp/engine-proxy-\(UUID().uuidString.prefix(8)).sock"
        try start()
    }

    public func start() throws {
        pid = try ChildProcess.spawnGroupLeader(["socat", "UNIX-LISTEN:\(socketPath),fork,unlink-early", "UNIX-CONNECT:\(target)"])
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socketPath) { usleep(10_000) }
    }

    /// Kills socat with every connection it forked, and removes the socket.
    public func stop() {
        guard let pid else { return }
        ChildProcess.killGroup(pid)
        self.pid = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }
}
