import DockerEngine
import Foundation
import RadixConfig

/// Which jobs a scheduler owns: those of one job of one application. Several schedulers can share an
/// engine because each sees only its own.
public struct JobSelector: Sendable, Hashable {
    public var applicationName: String
    public var jobComponent: String

    public init(applicationName: String, jobComponent: String) {
        self.applicationName = applicationName
        self.jobComponent = jobComponent
    }
}

/// Everything needed to create one job's container.
public struct JobLaunch: Sendable, Equatable {
    public var name: String
    public var selector: JobSelector
    public var environmentName: String?
    public var jobId: String?
    /// The batch the job belongs to; nil for a single job.
    public var batchName: String?
    /// Its place in the batch's list of jobs.
    public var batchIndex: Int = 0
    public var image: String
    public var environment: [String: String]
    public var command: [String]?
    public var args: [String]?
    public var nanoCPUs: Int64?
    public var cpuShares: Int64?
    public var memoryBytes: Int64?
    public var memoryReservationBytes: Int64?
    public var network: String?
    public var exposedPorts: [Int]
    public var timeLimitSeconds: Int
    public var backoffLimit: Int
    /// How a failed attempt's exit code counts against `backoffLimit`; nil counts every one.
    public var failurePolicy: FailurePolicy?
    /// The payload file to put in place before the job starts.
    public var payload: PayloadFile?
    /// For a run a schedule started: which schedule, and its tick.
    public var scheduledRun: ScheduledRun?
    /// The key a repeated request is known by (recorded with the job).
    public var submissionKey: SubmissionKey?
    /// The user the container runs as (a user ID); nil: the image's user.
    public var user: String?
    /// The root filesystem is read-only; the payload is then on a volume of its own.
    public var readOnlyRootFilesystem = false
    /// Where the job may run, on a swarm: nodes labelled `nodetype=<nodeType>`, of this CPU architecture.
    public var nodeType: String?
    public var architecture: NodeArchitecture?
    /// GPUs the job needs, on a swarm; nil for none.
    public var gpus: GPURequest?
}

/// A job's payload: written to `<directory>/payload` in the job's filesystem.
public struct PayloadFile: Sendable, Equatable {
    public var directory: String
    public var bytes: [UInt8]

    public init(directory: String, bytes: [UInt8]) {
        self.directory = directory
        self.bytes = bytes
    }
}

/// What the runtime can tell about a job: all of it read back from the engine, so a fresh scheduler
/// rebuilds exactly what an old one knew.
public struct JobObservation: Sendable, Equatable {
    public enum RunState: String, Sendable {
        /// Created, never started.
        case created
        /// Started, and waiting for the runtime to place it somewhere it fits (a swarm's nodes);
        /// `engineError` says why it has not been placed yet, if the runtime says.
        case pending
        case running
        /// Between a failed attempt and the engine's retry.
        case restarting
        case paused
        case exited
        /// The engine could not finish or remove it.
        case dead
    }

    public var name: String
    public var jobId: String?
    /// The batch the job belongs to; nil for a single job.
    public var batchName: String?
    /// Its place in the batch's list of jobs.
    public var batchIndex: Int
    public var image: String
    public var imageID: String
    public var created: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var runState: RunState
    public var exitCode: Int
    public var oomKilled: Bool
    /// The engine's error for a start that failed (`exec: "x": executable file not found`).
    public var engineError: String
    public var restartCount: Int
    public var timeLimitSeconds: Int
    public var backoffLimit: Int
    public var failurePolicy: FailurePolicy?
    /// The attempts that failed and were tried again, as recorded before each retry. May be empty in
    /// `observe` (like `stopRequested`): the scheduler keeps the ones it recorded or found in `observeAll`.
    public var attempts: [JobAttempt]
    /// A stop was requested through the API (recorded in the engine, so it survives restarts).
    public var stopRequested: Bool
    /// For a job that was never started: whether its submission completed (payload fully in place).
    public var submissionComplete: Bool
    /// For a run a schedule started: which schedule, and its tick.
    public var scheduledRun: ScheduledRun?
    /// The key a repeated request is known by.
    public var submissionKey: SubmissionKey?
    /// Where the payload file is in the job's container, and its size; nil for a job without payload.
    public var payloadPath: String?
    public var payloadBytes: Int?

    public init(name: String, jobId: String? = nil, batchName: String? = nil, batchIndex: Int = 0, image: String, imageID: String = "", created: Date? = nil,
                startedAt: Date? = nil, finishedAt: Date? = nil, runState: RunState, exitCode: Int = 0, oomKilled: Bool = false,
                engineError: String = "", restartCount: Int = 0, timeLimitSeconds: Int, backoffLimit: Int = 0,
                failurePolicy: FailurePolicy? = nil, attempts: [JobAttempt] = [],
                stopRequested: Bool = false, submissionComplete: Bool = true, scheduledRun: ScheduledRun? = nil,
                submissionKey: SubmissionKey? = nil) {
        self.scheduledRun = scheduledRun
        self.submissionKey = submissionKey
        self.name = name
        self.jobId = jobId
        self.batchName = batchName
        self.batchIndex = batchIndex
        self.image = image
        self.imageID = imageID
        self.created = created
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runState = runState
        self.exitCode = exitCode
        self.oomKilled = oomKilled
        self.engineError = engineError
        self.restartCount = restartCount
        self.timeLimitSeconds = timeLimitSeconds
        self.backoffLimit = backoffLimit
        self.failurePolicy = failurePolicy
        self.attempts = attempts
        self.stopRequested = stopRequested
        self.submissionComplete = submissionComplete
    }

    /// A job just created from `launch` (payload in place, not started), as the runtime would report it.
    public init(accepted launch: JobLaunch, at created: Date) {
        self.init(name: launch.name, jobId: launch.jobId, batchName: launch.batchName, batchIndex: launch.batchIndex, image: launch.image,
                  created: created, runState: .created, timeLimitSeconds: launch.timeLimitSeconds, backoffLimit: launch.backoffLimit,
                  failurePolicy: launch.failurePolicy, scheduledRun: launch.scheduledRun, submissionKey: launch.submissionKey)
        payloadPath = launch.payload?.directory
        payloadBytes = launch.payload?.bytes.count
    }

    /// When the job's time is up: its time limit counts from creation (or its latest restart) and covers every attempt.
    public var deadline: Date? { (lastRestart ?? created).map { $0.addingTimeInterval(TimeInterval(timeLimitSeconds)) } }

    /// When the job was last restarted through the API; nil if never.
    public var lastRestart: Date? { attempts.compactMap(\.restartedAt).max() }
}

/// A batch as recorded in the runtime: the record is made once every job of the batch exists, so a
/// batch job without its batch's record belongs to a submission that never completed.
public struct BatchObservation: Sendable, Equatable {
    public var name: String
    /// The caller's own ID for the batch.
    public var batchId: String?
    public var created: Date
    /// When a stop of the whole batch was recorded: jobs that had not ended by then are stopped.
    public var stopRequestedAt: Date?
    /// Every job had ended and their final facts are recorded (`recordBatchOutcome`).
    public var outcomeRecorded: Bool
    /// The key a repeated request is known by (recorded with the batch).
    public var submissionKey: SubmissionKey?

    public init(name: String, batchId: String? = nil, created: Date, stopRequestedAt: Date? = nil, outcomeRecorded: Bool = false,
                submissionKey: SubmissionKey? = nil) {
        self.submissionKey = submissionKey
        self.name = name
        self.batchId = batchId
        self.created = created
        self.stopRequestedAt = stopRequestedAt
        self.outcomeRecorded = outcomeRecorded
    }
}

/// What happens in the runtime that may change a job.
public enum RuntimeEvent: Sendable, Equatable {
    /// Events flow; nothing was missed before this.
    case connected
    /// Events flow again after a loss: changes may have been missed, reconcile.
    case reconnected
    case disconnected(String)
    /// Something happened to this job's container.
    case jobChanged(name: String)
    /// The job's container started (first start or a retry), at `at` by the engine's clock.
    case jobStarted(name: String, at: Date)
    /// The job's container exited with `exitCode`, at `at` by the engine's clock.
    case jobExited(name: String, exitCode: Int, at: Date)
    /// This job's container is gone.
    case jobRemoved(name: String)
}

/// The seam between the scheduler and what runs its jobs: the Docker engine today, a swarm later.
/// Everything is keyed by job name; errors are thrown as they come (the scheduler maps them).
public protocol JobRuntime: Sendable {
    /// Makes sure what jobs need exists (their network).
    func prepare(network: String?, selector: JobSelector) async throws
    /// Creates the job with its payload in place, not started.
    func create(_ launch: JobLaunch) async throws
    /// Starts the job's container: its first run, or a retry of an exited one (same name, filesystem and payload).
    func start(name: String) async throws
    /// nil when the job does not exist (anymore). May leave `stopRequested` false: the scheduler
    /// keeps the stop requests it made or found in `observeAll`.
    func observe(name: String, selector: JobSelector) async throws -> JobObservation?
    func observeAll(selector: JobSelector) async throws -> [JobObservation]
    /// Records a batch whose jobs all exist: the commit point of its submission.
    func recordBatch(_ batch: BatchObservation, selector: JobSelector) async throws
    /// Every recorded batch.
    func observeBatches(selector: JobSelector) async throws -> [BatchObservation]
    /// Records the final facts of an ended batch's jobs, read from the runtime now, so that
    /// `observeAll` can answer for them without reading each one (their containers stay the truth: a
    /// job no longer as recorded is read anew). Throws, recording nothing, when a job has not ended.
    func recordBatchOutcome(name: String, jobs: [String], selector: JobSelector) async throws
    /// Claims durably the start of a job another process made: true for the one claim that wins.
    func claimStart(name: String, selector: JobSelector) async throws -> Bool
    /// Records durably whether a schedule is suspended (replacing what was recorded, and the config's `suspend`).
    func recordSuspension(index: Int, suspended: Bool, selector: JobSelector) async throws
    /// The schedules' recorded suspensions, by their place in the cron's list.
    func observeSuspensions(selector: JobSelector) async throws -> [Int: Bool]
    /// Counts `runs` (about to be removed) in the durable tally of removed runs, unless counted there
    /// already, and returns the tally as recorded (`RunTally.folding`, onto the newest recorded: other
    /// processes fold into the same tally).
    func foldRuns(_ runs: [RunOutcome], at time: Date, selector: JobSelector) async throws -> RunTally
    /// The newest recorded tally of removed runs; nil when none was recorded.
    func observeRunTally(selector: JobSelector) async throws -> RunTally?
    /// Records durably that a batch is to stop, at `time`, before its jobs are stopped.
    func recordBatchStop(name: String, at time: Date, selector: JobSelector) async throws
    /// Removes a batch's records (its jobs are removed one by one after: without the record they are
    /// leftovers a reconcile removes, should this process die first).
    func removeBatchRecord(name: String, selector: JobSelector) async throws
    /// Records durably a failed attempt that is to be tried again, before the retry's start; recording
    /// the same attempt twice is not an error.
    func recordAttempt(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws
    /// Records durably that the job is restarted: its stop request is taken back, and the run that
    /// ended is recorded as `attempt` (its `restartedAt` set); the container is started after.
    func recordRestart(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws
    /// Takes back a batch's stop, and removes its outcome record (its jobs run again).
    func takeBackBatchStop(name: String, selector: JobSelector) async throws
    /// Records durably that a stop was asked for, before stopping.
    func recordStopRequest(name: String, selector: JobSelector) async throws
    /// Asks the job to end (SIGTERM), and kills it after `gracePeriod`; returns once it has ended.
    func stop(name: String, gracePeriod: Duration) async throws
    /// Ends the job at once (its deadline passed), with no retry after.
    func kill(name: String) async throws
    /// Removes the job and everything recorded for it.
    func remove(name: String, selector: JobSelector) async throws
    /// Never ends on its own: a lost connection is reported (`disconnected`) and retried (`reconnected`).
    func events(selector: JobSelector) -> any AsyncSequence<RuntimeEvent, Never> & Sendable
    /// The job's output so far, or as it comes with `options.follow`.
    func logs(name: String, options: JobLogOptions) async throws -> any AsyncSequence<JobLogChunk, any Error> & Sendable
}

/// A runtime on a Docker engine: the engine itself can be asked whether it answers (`GET /health`).
public protocol EngineBackedRuntime: JobRuntime {
    var client: DockerEngineClient { get }
}

/// A CPU architecture a job may ask its node to have, as Radix names it.
public enum NodeArchitecture: String, Sendable, CaseIterable {
    case amd64, arm64

    /// As a swarm node reports it (`node.platform.arch`).
    public var platformName: String {
        switch self {
        case .amd64: "x86_64"
        case .arm64: "aarch64"
        }
    }
}

/// GPUs a job needs (Radix's `node`): how many, and which types its node may have.
public struct GPURequest: Sendable, Equatable {
    public var count: Int
    /// The one type the node must have (its `gpu` label); nil for any.
    public var type: String?
    /// Types the node must not have.
    public var excludedTypes: [String]

    public init(count: Int, type: String? = nil, excludedTypes: [String] = []) {
        self.count = count
        self.type = type
        self.excludedTypes = excludedTypes
    }
}
