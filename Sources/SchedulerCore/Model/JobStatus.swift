import Foundation

/// What the scheduler reports about a job; the fields of Radix's JobStatus.
public struct JobStatus: Sendable, Equatable {
    /// `<job>-<yyyyMMddHHmmss>-<8 random [a-z0-9]>`: the container's name and hostname too.
    public var name: String
    /// The caller's own ID for the job, if it gave one.
    public var jobId: String?
    /// For a job of a batch: the batch's name, and the caller's ID for it.
    public var batchName: String?
    public var batchId: String?
    public var created: Date?
    /// When the first attempt started.
    public var started: Date?
    /// When the job reached its final state.
    public var ended: Date?
    /// When anything in this status last changed.
    public var updated: Date?
    public var state: JobState
    /// Why the job is in its state, when there is more to say (exit codes, deadline, stop).
    public var message: String?
    /// How many attempts failed.
    public var failed: Int
    /// One entry per container attempt.
    public var podStatuses: [PodStatus]
    /// For a run a schedule started: the schedule's expression, and the tick it ran for.
    public var schedule: String?
    public var scheduledAt: Date?
    /// When the job was last restarted through the API (Radix's `restart`).
    public var restarted: Date?

    public init(name: String, jobId: String? = nil, batchName: String? = nil, batchId: String? = nil, created: Date? = nil,
                started: Date? = nil, ended: Date? = nil, updated: Date? = nil, state: JobState, message: String? = nil,
                failed: Int = 0, podStatuses: [PodStatus] = []) {
        self.name = name
        self.jobId = jobId
        self.batchName = batchName
        self.batchId = batchId
        self.created = created
        self.started = started
        self.ended = ended
        self.updated = updated
        self.state = state
        self.message = message
        self.failed = failed
        self.podStatuses = podStatuses
    }
}

/// The container behind a job, as Radix describes a job's pod.
public struct PodStatus: Sendable, Equatable {
    /// The container's name (the job's name).
    public var name: String
    public var created: Date?
    /// When the current (last) attempt started.
    public var startTime: Date?
    /// When the last attempt ended.
    public var endTime: Date?
    public var containerStarted: Date?
    public var replicaState: ReplicaState
    public var statusMessage: String?
    /// How many times the engine restarted the container after a failure.
    public var restartCount: Int
    public var image: String
    public var imageId: String
    public var podIndex: Int
    public var exitCode: Int?
    /// CamelCase cause: `Completed`, `Error`, `OOMKilled`, `DeadlineExceeded`, `Stopped`.
    public var reason: String?

    public init(name: String, created: Date? = nil, startTime: Date? = nil, endTime: Date? = nil, containerStarted: Date? = nil,
                replicaState: ReplicaState, statusMessage: String? = nil, restartCount: Int = 0, image: String, imageId: String = "",
                podIndex: Int = 0, exitCode: Int? = nil, reason: String? = nil) {
        self.name = name
        self.created = created
        self.startTime = startTime
        self.endTime = endTime
        self.containerStarted = containerStarted
        self.replicaState = replicaState
        self.statusMessage = statusMessage
        self.restartCount = restartCount
        self.image = image
        self.imageId = imageId
        self.podIndex = podIndex
        self.exitCode = exitCode
        self.reason = reason
    }
}
