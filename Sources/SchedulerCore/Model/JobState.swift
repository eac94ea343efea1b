/// The state of a job, with Radix's names for it.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Accepted, its container exists, but it has not started (or waits to be retried).
    case waiting = "Waiting"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
    /// A stop was requested and the container still runs its grace period.
    case stopping = "Stopping"
    case stopped = "Stopped"

    /// The job will not change state again on its own.
    public var isTerminal: Bool { self == .succeeded || self == .failed || self == .stopped }

    /// The job's container runs now (through a stop's grace period too).
    var runsNow: Bool { self == .running || self == .stopping }
}

/// The state of one container attempt, with Radix's replica status names.
public enum ReplicaState: String, Sendable, Codable {
    case pending = "Pending", starting = "Starting", running = "Running", succeeded = "Succeeded"
    case failing = "Failing", failed = "Failed", terminated = "Terminated", stopped = "Stopped"
}
