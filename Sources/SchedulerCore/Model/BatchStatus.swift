import Foundation

/// A batch's state: Radix's job states, and the two only a batch has (`Active`, `Completed`). A
/// string, because radixconfig's `batchStatusRules` may give a batch any of them.
public struct BatchState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every job waits.
    public static let waiting = BatchState(rawValue: "Waiting")
    /// Some jobs have started and not all have ended.
    public static let active = BatchState(rawValue: "Active")
    /// Every job has ended (succeeded, failed or stopped).
    public static let completed = BatchState(rawValue: "Completed")

    public var description: String { rawValue }
}

/// What the scheduler reports about a batch: a job status's fields for the batch as a whole, and each
/// of its jobs' statuses.
public struct BatchStatus: Sendable, Equatable {
    /// `batch-<job, 16 characters>-<yyyyMMddHHmmss>-<8 random>`.
    public var name: String
    public var batchId: String?
    public var created: Date?
    /// When its first job started.
    public var started: Date?
    /// When its last job ended, once all have.
    public var ended: Date?
    public var updated: Date?
    public var state: BatchState
    public var message: String?
    /// Every failed attempt of its jobs.
    public var failed: Int
    /// Its jobs, in the order they were given.
    public var jobStatuses: [JobStatus]
    /// Whether the batch will not change state again on its own (every job has ended).
    public var isFinished: Bool
    /// A finished batch all of whose jobs succeeded or were stopped: kept in the succeeded history.
    public var succeeded: Bool

    public init(name: String, batchId: String? = nil, created: Date? = nil, started: Date? = nil, ended: Date? = nil,
                updated: Date? = nil, state: BatchState, message: String? = nil, failed: Int = 0, jobStatuses: [JobStatus],
                isFinished: Bool, succeeded: Bool) {
        self.name = name
        self.batchId = batchId
        self.created = created
        self.started = started
        self.ended = ended
        self.updated = updated
        self.state = state
        self.message = message
        self.failed = failed
        self.jobStatuses = jobStatuses
        self.isFinished = isFinished
        self.succeeded = succeeded
    }
}
