import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// Starts socat and returns once its socket takes connections (it exists a moment before socat
    /// listens on it: a connection then is refused).
    public func start() throws {
        let socat = try ProcessGroup(["socat", "UNIX-LISTEN:\(socketPath),fork,unlink-early", "UNIX-CONNECT:\(target)"])
        self.socat = socat
        // Synchronous (callers are in defer blocks and plain code): socat listens within milliseconds.
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.acceptsConnections(socketPath) {
            guard ContinuousClock.now < deadline, socat.exitCodeIfEnded == nil else {
                stop()
                throw WaitTimedOut(description: "socat did not make \(socketPath) within 10 s")
            }
            usleep(10_000)
        }
    }

    /// Whether a Unix socket at `path` takes a connection now (the probe connection is closed at once;
    /// socat forks for it and its child ends).
    static func acceptsConnections(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }

    /// Stops taking connections and removes the socket, while the connections already made go on, as
    /// an engine does while it shuts down (its containers stopping). `stop()` ends those too.
    public func stopAccepting() {
        guard let socat else { return }
        kill(socat.pid, SIGTERM)  // the listening socat only: the ones it forked serve their connections on
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// Kills socat with every connection it forked, and removes the socket.
    public func stop() {
        socat?.kill()
        socat = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }
}
