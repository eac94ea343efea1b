/// Which of a container's output streams a piece of log came from.
public enum LogStream: Int, Sendable, Equatable {
    case stdin = 0, stdout = 1, stderr = 2
}

/// A piece of a container's output. Chunks carry raw bytes: they end wherever the engine's frames
/// or the transport's reads end, not at line boundaries.
public struct LogChunk: Sendable, Equatable {
    public var stream: LogStream
    public var bytes: [UInt8]

    public init(stream: LogStream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Splits the engine's log body into chunks. Without a TTY the engine multiplexes stdout and stderr
/// in frames (an 8-byte header: stream, three zero bytes, big-endian length); with a TTY the bytes
/// are raw and all count as stdout. Frames may be cut anywhere by the transport, so bytes are
/// buffered until a frame is whole.
public struct LogFrameDecoder: Sendable {
    public enum Framing: Sendable { case multiplexed, raw }

    public let framing: Framing
    private var buffer: [UInt8] = []

    public init(framing: Framing) { self.framing = framing }

    public mutating func decode(_ bytes: [UInt8]) -> [LogChunk] {
        guard framing == .multiplexed else {
            return bytes.isEmpty ? [] : [LogChunk(stream: .stdout, bytes: bytes)]
        }
        buffer += bytes
        var chunks: [LogChunk] = []
        var offset = 0
        while buffer.count - offset >= 8 {
            let length = buffer[(offset + 4)..<(offset + 8)].reduce(0) { $0 << 8 | Int($1) }
            guard buffer.count - offset - 8 >= length else { break }
            let stream = LogStream(rawValue: Int(buffer[offset])) ?? .stdout
            chunks.append(LogChunk(stream: stream, bytes: Array(buffer[(offset + 8)..<(offset + 8 + length)])))
            offset += 8 + length
        }
        buffer.removeFirst(offset)
        return chunks
    }

    /// Bytes of an unfinished frame left when the body ended.
    public var leftover: Int { buffer.count }
}
