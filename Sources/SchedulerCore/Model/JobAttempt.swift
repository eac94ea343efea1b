import Foundation

/// One run of a job's container that failed and was tried again, or that a restart ended (or followed):
/// recorded in the runtime before the next run starts, so that what it was and how it counted outlive
/// the scheduler.
public struct JobAttempt: Sendable, Hashable {
    /// 0 for the first run.
    public var index: Int
    public var exitCode: Int
    public var startedAt: Date?
    /// The runtime's own time of the exit: it tells a recorded exit from a later one.
    public var finishedAt: Date?
    public var oomKilled: Bool
    /// Whether it counts against the backoff limit (a failure policy's `Ignore` does not, nor a restart).
    public var counted: Bool
    /// When a restart was asked for, for the run it ended (or that had ended before it); nil for a retry.
    public var restartedAt: Date?
    /// What the runtime said of how it ended, when the exit code is not all (a swarm node that went
    /// down); empty otherwise.
    public var engineError: String

    public init(index: Int, exitCode: Int, startedAt: Date?, finishedAt: Date?, oomKilled: Bool = false, counted: Bool,
                restartedAt: Date? = nil, engineError: String = "") {
        self.restartedAt = restartedAt
        self.engineError = engineError
        self.index = index
        self.exitCode = exitCode
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.oomKilled = oomKilled
        self.counted = counted
    }
}
