import Foundation

/// Which part of a container's output to read.
public struct LogOptions: Sendable, Equatable {
    public var stdout: Bool
    public var stderr: Bool
    /// Only the last N lines (nil: all).
    public var tail: Int?
    /// Only output after this moment.
    public var since: Date?
    /// Prefix each line with the engine's RFC 3339 timestamp.
    public var timestamps: Bool

    public init(stdout: Bool = true, stderr: Bool = true, tail: Int? = nil, since: Date? = nil, timestamps: Bool = false) {
        self.stdout = stdout
        self.stderr = stderr
        self.tail = tail
        self.since = since
        self.timestamps = timestamps
    }
}

/// A container's output so far, with stdout and stderr kept apart.
public struct ContainerLogs: Sendable, Equatable {
    /// In the order the engine sent them.
    public var chunks: [LogChunk]

    public var stdout: String { text(of: .stdout) }
    public var stderr: String { text(of: .stderr) }

    private func text(of stream: LogStream) -> String {
        String(decoding: chunks.filter { $0.stream == stream }.flatMap(\.bytes), as: UTF8.self)
    }
}

extension DockerEngineClient {
    /// Reads the output a container has written so far.
    /// `tty` says how the engine frames it; nil looks it up from the container.
    public func logs(_ id: String, options: LogOptions = LogOptions(), tty: Bool? = nil) async throws -> ContainerLogs {
        var chunks: [LogChunk] = []
        for try await chunk in try await streamLogs(id, options: options, follow: false, tty: tty) { chunks.append(chunk) }
        return ContainerLogs(chunks: chunks)
    }

    /// Streams a container's output as it is written, until the container stops (or the caller stops
    /// iterating, which closes the connection).
    public func followLogs(_ id: String, options: LogOptions = LogOptions(), tty: Bool? = nil) async throws -> AsyncThrowingStream<LogChunk, any Error> {
        try await streamLogs(id, options: options, follow: true, tty: tty)
    }

    /// A container's output as a stream of chunks: what it has written so far, or with `follow`
    /// everything until it stops.
    public func streamLogs(_ id: String, options: LogOptions, follow: Bool, tty: Bool? = nil) async throws -> AsyncThrowingStream<LogChunk, any Error> {
        let isTTY: Bool
        if let tty { isTTY = tty } else { isTTY = try await inspectContainer(id).config.tty }
        return try await streamLogs(at: "/containers/\(percentEncoded(id))/logs", options: options, follow: follow, tty: isTTY)
    }

    /// A swarm service's output (all its tasks', on whichever nodes they ran), framed as a container's.
    public func streamServiceLogs(_ id: String, options: LogOptions, follow: Bool) async throws -> AsyncThrowingStream<LogChunk, any Error> {
        try await streamLogs(at: "/services/\(percentEncoded(id))/logs", options: options, follow: follow, tty: false)
    }

    private func streamLogs(at path: String, options: LogOptions, follow: Bool, tty isTTY: Bool) async throws -> AsyncThrowingStream<LogChunk, any Error> {
        var query: [(String, String?)] = [
            ("stdout", options.stdout ? "true" : "false"),
            ("stderr", options.stderr ? "true" : "false"),
            ("follow", follow ? "true" : "false"),
            ("timestamps", options.timestamps ? "true" : "false"),
            ("tail", options.tail.map(String.init) ?? "all"),
        ]
        if let since = options.since { query.append(("since", String(format: "%.9f", since.timeIntervalSince1970))) }
        let response = try await openStream(request(.get, path, query: query, timeout: follow ? nil : .seconds(60)))
        // Newer engines name the framing in Content-Type; older ones (API 1.41) always say raw-stream,
        // so the container's TTY setting decides.
        let multiplexed = response.head.header("content-type") == "application/vnd.docker.multiplexed-stream" || !isTTY
        var decoder = LogFrameDecoder(framing: multiplexed ? .multiplexed : .raw)
        let (stream, continuation) = AsyncThrowingStream<LogChunk, any Error>.makeStream()
        // The stream owns this task (it carries the frame decoder's state between transfers' chunks), and
        // cancels it in `onTermination` as soon as the consumer stops reading.
        let pump = Task {
            do {
                for try await bytes in response.body {
                    for chunk in decoder.decode(bytes) { continuation.yield(chunk) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }
}
