import CCurl
import Foundation

/// A connection to the engine's socket that libcurl opens (`CURLOPT_CONNECT_ONLY`) and then leaves to
/// us: for the one exchange libcurl cannot carry, an HTTP upgrade (`attach`) after which the socket is a
/// raw byte stream. The socket is non-blocking; every wait for it runs on `queue`, a thread of its
/// own, never on Swift's cooperative pool.
final class CurlRawConnection: @unchecked Sendable {
    // @unchecked: `easy` is used only on `queue`, one call at a time.
    private let easy: UnsafeMutableRawPointer
    private let queue = DispatchQueue(label: "docker-engine-raw-connection")
    private var closed = false

    private init(easy: UnsafeMutableRawPointer) { self.easy = easy }

    deinit { curl_easy_cleanup(easy) }

    /// Connects to the socket at `socketPath`.
    static func connect(socketPath: String) async throws -> CurlRawConnection {
        CurlGlobal.initializeOnce()
        guard let easy = curl_easy_init() else { throw DockerEngineError.transport(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed") }
        let connection = CurlRawConnection(easy: easy)
        try await connection.onQueue {
            let easy = connection.easy
            ccurl_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, socketPath)
            ccurl_setopt_string(easy, CURLOPT_URL, "http://docker/")
            ccurl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1)
            ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
            ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
            let code = curl_easy_perform(easy)
            guard code == CURLE_OK else { throw Self.error(code, "cannot connect to \(socketPath)") }
        }
        return connection
    }

    /// Writes all of `bytes`, waiting for the socket as needed (at most `timeout` for each wait).
    func write(_ bytes: [UInt8], timeout: Duration = .seconds(30)) async throws {
        try await onQueue { try self.writeAll(bytes, timeout: timeout) }
    }

    /// Reads until `terminator` has been read (an HTTP head's blank line); returns what was read.
    func read(until terminator: [UInt8], limit: Int = 16_384, timeout: Duration = .seconds(30)) async throws -> [UInt8] {
        try await onQueue {
            var received: [UInt8] = []
            var byte: UInt8 = 0
            while !received.ends(with: terminator) {
                guard received.count < limit else { throw DockerEngineError.invalidResponse("no end of the response head in \(limit) bytes") }
                var count = 0
                let code = curl_easy_recv(self.easy, &byte, 1, &count)
                if code == CURLE_AGAIN {
                    try self.wait(for: Int16(POLLIN), timeout: timeout)
                    continue
                }
                guard code == CURLE_OK, count == 1 else { throw Self.error(code, "the engine closed the connection") }
                received.append(byte)
            }
            return received
        }
    }

    /// Closes the socket (the engine sees the end of the stream).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if !self.closed {
                    self.closed = true
                    // Resetting the handle closes its connection; the handle itself goes in deinit.
                    curl_easy_reset(self.easy)
                }
                continuation.resume()
            }
        }
    }

    private func writeAll(_ bytes: [UInt8], timeout: Duration) throws {
        guard !closed else { throw DockerEngineError.invalidResponse("the connection is closed") }
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { buffer in
                curl_easy_send(easy, buffer.baseAddress! + offset, bytes.count - offset, &sent)
            }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLOUT), timeout: timeout)
                continue
            }
            guard code == CURLE_OK else { throw Self.error(code, "the write to the engine failed") }
            offset += sent
        }
    }

    private func wait(for events: Int16, timeout: Duration) throws {
        var socket: curl_socket_t = -1
        guard ccurl_getinfo_socket(easy, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else {
            throw DockerEngineError.invalidResponse("the connection to the engine is gone")
        }
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { throw DockerEngineError.transport(code: Int(CURLE_OPERATION_TIMEDOUT.rawValue), message: "the engine's socket did not become ready") }
    }

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func error(_ code: CURLcode, _ message: String) -> DockerEngineError {
        .transport(code: Int(code.rawValue), message: "\(message): \(String(cString: curl_easy_strerror(code)))")
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
