import Foundation

/// Which part of a job's output to read.
public struct JobLogOptions: Sendable, Equatable {
    /// Only the last N lines.
    public var tail: Int?
    /// Only output written after this moment.
    public var since: Date?
    /// Prefix every line with its RFC 3339 time.
    public var timestamps: Bool
    /// Keep streaming until the job ends.
    public var follow: Bool

    public init(tail: Int? = nil, since: Date? = nil, timestamps: Bool = false, follow: Bool = false) {
        self.tail = tail
        self.since = since
        self.timestamps = timestamps
        self.follow = follow
    }
}

/// A piece of a job's output, from stdout or stderr.
public struct JobLogChunk: Sendable, Equatable {
    public enum Stream: String, Sendable { case stdout, stderr }

    public var stream: Stream
    public var bytes: [UInt8]

    public init(stream: Stream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }
}
