import Foundation

/// A container's stdin, as an attach stream: what is written reaches the container's process. Opened
/// on a created container (made with `openStdin`) before its start, nothing written is lost.
public final class ContainerStdin: Sendable {
    private let connection: CurlRawConnection

    init(connection: CurlRawConnection) { self.connection = connection }

    /// Writes `bytes` to the container's stdin; returns once they are on their way (in the socket).
    public func write(_ bytes: [UInt8]) async throws {
        try await connection.write(bytes)
    }

    /// Ends the stream (the container's stdin stays open: it is made without `StdinOnce`).
    public func close() async {
        await connection.close()
    }
}

extension DockerEngineClient {
    /// Attaches to a container's stdin (`POST /containers/{id}/attach?stream=1&stdin=1`, upgraded to a
    /// raw stream). Nothing of the container's output comes back on it: its logs stay where they are.
    public func attachStdin(_ id: String) async throws -> ContainerStdin {
        let connection = try await CurlRawConnection.connect(socketPath: host.socketPath)
        let path = "/v\(apiVersion)/containers/\(percentEncoded(id))/attach?stream=1&stdin=1&stdout=0&stderr=0"
        let head = "POST \(path) HTTP/1.1\r\nHost: docker\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
            + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
        do {
            try await connection.write(Array(head.utf8))
            let answer = String(decoding: try await connection.read(until: Array("\r\n\r\n".utf8)), as: UTF8.self)
            let statusLine = answer.prefix { $0 != "\r" }
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            switch status {
            case 101, 200: return ContainerStdin(connection: connection)
            case 404: throw DockerEngineError.notFound(message: "no such container: \(id)")
            case 409: throw DockerEngineError.conflict(message: String(statusLine))
            default: throw DockerEngineError.engine(status: status, message: String(statusLine))
            }
        } catch {
            await connection.close()
            throw error
        }
    }
}
