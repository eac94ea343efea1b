import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response as the benchmark needs it.
struct HTTPResult: Sendable {
    var status: Int
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum HTTPError: Error, CustomStringConvertible {
    case connect(Int32)
    case io(String, Int32)
    case closed
    case malformed(String)

    var description: String {
        switch self {
        case .connect(let code): "connect: \(String(cString: strerror(code)))"
        case .io(let what, let code): "\(what): \(String(cString: strerror(code)))"
        case .closed: "the server closed the connection"
        case .malformed(let what): "malformed response: \(what)"
        }
    }
}

/// A blocking HTTP/1.1 client on one kept-alive loopback TCP connection. Deliberately minimal, so the
/// client costs next to nothing between two polls: one `send` and one or two `recv` per request, no
/// event loop, no allocation beyond the response. Use it from a dedicated thread (`onThread`), never
/// on Swift's cooperative pool.
final class HTTPConnection {
    let port: Int
    let timeoutSeconds: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(port: Int, timeoutSeconds: Int = 30) {
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        buffer.removeAll(keepingCapacity: true)
    }

    /// Opens the connection now (otherwise the first request does).
    func connect() throws {
        guard fd < 0 else { return }
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw HTTPError.io("socket", errno) }
        var one: Int32 = 1
        setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = Glibc.close(socketFD)
            throw HTTPError.connect(code)
        }
        fd = socketFD
    }

    /// Sends one request and reads its whole answer. A GET on a kept-alive connection the server has
    /// closed meanwhile is retried once on a new one; nothing else is retried (a POST must not run twice).
    func request(_ method: String, _ path: String, json body: String? = nil) throws -> HTTPResult {
        let reused = fd >= 0
        do {
            return try exchange(method, path, body: body.map { Array($0.utf8) })
        } catch {
            close()
            guard reused, method == "GET" else { throw error }
            return try exchange(method, path, body: body.map { Array($0.utf8) })
        }
    }

    private func exchange(_ method: String, _ path: String, body: [UInt8]?) throws -> HTTPResult {
        try connect()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if let body { bytes += body }
        try sendAll(bytes)
        return try readResponse(method: method)
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw HTTPError.io("send", errno)
            }
            offset += sent
        }
    }

    /// Reads more bytes into `buffer`.
    private func fill() throws {
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return
            }
            if count == 0 { throw HTTPError.closed }
            if errno == EINTR { continue }
            throw HTTPError.io("recv", errno)
        }
    }

    private func take(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let taken = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return taken
    }

    /// The bytes up to the next CRLF, without it.
    private func line() throws -> [UInt8] {
        var searched = 0
        while true {
            if buffer.count >= 2 {
                for index in max(0, searched - 1)..<(buffer.count - 1) where buffer[index] == 13 && buffer[index + 1] == 10 {
                    let line = Array(buffer[0..<index])
                    buffer.removeFirst(index + 2)
                    return line
                }
                searched = buffer.count
            }
            try fill()
        }
    }

    private func readResponse(method: String) throws -> HTTPResult {
        let statusLine = String(decoding: try line(), as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw HTTPError.malformed("status line \(statusLine)")
        }
        var headers: [String: String] = [:]
        while true {
            let raw = try line()
            if raw.isEmpty { break }
            let text = String(decoding: raw, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            headers[text[..<colon].lowercased()] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status) {
            // no body
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = String(decoding: try line(), as: UTF8.self)
                guard let size = Int(sizeLine.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "", radix: 16) else {
                    throw HTTPError.malformed("chunk size \(sizeLine)")
                }
                if size == 0 {
                    while try !line().isEmpty {}  // trailers, then the empty line
                    break
                }
                body += try take(size)
                _ = try line()
            }
        } else if let length = headers["content-length"].flatMap(Int.init) {
            body = try take(length)
        } else {
            // Delimited by the end of the connection.
            do { while true { try fill() } } catch HTTPError.closed {}
            body = buffer
            buffer.removeAll()
            close()
        }
        if headers["connection"]?.lowercased() == "close" { close() }
        return HTTPResult(status: status, body: body)
    }
}

/// Runs blocking work on a thread of its own, off Swift's cooperative pool (two threads on two cores:
/// a blocked one would stall every async task of the benchmark, the engine client's included).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Runs `count` blocking bodies at once, one thread each, and returns their results in order.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
        for index in 0..<count {
            group.addTask { (index, try await onThread { try body(index) }) }
        }
        var results = [T?](repeating: nil, count: count)
        for try await (index, value) in group { results[index] = value }
        return results.map { $0! }
    }
}
