import Foundation

/// Forwards a Unix socket to the engine's with socat, and can be cut and restored: a stand-in for an
/// engine that restarts.
public final class SocketProxy: @unchecked Sendable {
    // @unchecked: used from one test task at a time.
    public let socketPath: String
    private let target: String
    private var socat: ProcessGroup?

    public init(target: String) throws {
        self.target = target
        socketPath = "/tmp/engine-proxy-\(UUID().uuidString.prefix(8)).sock"
        try start()
    }

    /// Starts socat and returns once its socket exists.
    public func start() throws {
        let socat = try ProcessGroup(["socat", "UNIX-LISTEN:\(socketPath),fork,unlink-early", "UNIX-CONNECT:\(target)"])
        self.socat = socat
        // Synchronous (callers are in defer blocks and plain code): socat makes its socket in milliseconds.
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard ContinuousClock.now < deadline, socat.exitCodeIfEnded == nil else {
                stop()
                throw WaitTimedOut(description: "socat did not make \(socketPath) within 10 s")
            }
            usleep(10_000)
        }
    }

    /// Kills socat with every connection it forked, and removes the socket.
    public func stop() {
        socat?.kill()
        socat = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }
}
