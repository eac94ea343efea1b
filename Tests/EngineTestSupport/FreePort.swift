import Foundation
import Synchronization

/// A loopback TCP port nothing listens on, for a server a test starts. Taken below the kernel's
/// ephemeral range (32768 and up here): a port the kernel handed out and took back can go at once to
/// an outgoing connection's local end (the tests make thousands), and the server's bind then fails.
/// Each port is handed out once per test process, from a random start so that processes differ.
public enum FreePort {
    private static let nextCandidate = Mutex(Int.random(in: 20_000..<30_000))

    public static func next() throws -> Int {
        for _ in 0..<2_000 {
            let candidate = nextCandidate.withLock { port in
                defer { port = port >= 32_000 ? 20_000 : port + 1 }
                return port
            }
            if canBind(candidate) { return candidate }
        }
        throw POSIXError(.EADDRINUSE)
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
