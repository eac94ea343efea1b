import Foundation

/// What the decisions ask the executor to do against the runtime. Each is carried out on its own, and
/// its result comes back as an input (`SchedulerState.observed`, `.startFailed`, `.endFinished`, ...).
public enum SchedulerAction: Sendable, Hashable {
    /// Start an accepted job's container. `attempt` counts starts lost to a transport failure.
    case start(name: String, attempt: Int)
    /// Ask the job to end (SIGTERM), and kill it after the grace period.
    case stop(name: String, gracePeriod: Duration)
    /// End the job at once, with no retry after (its deadline passed).
    case kill(name: String)
    /// Record a failed attempt in the runtime; once it is recorded, the container is started again.
    case recordAttempt(name: String, attempt: JobAttempt)
    /// Remove the job and everything recorded for it.
    case remove(name: String)
    /// Count runs in the runtime's tally of removed runs (`RunTally`), before their removal.
    case foldRuns(id: UInt64, runs: [RunOutcome])
    /// Remove a batch: its record first, then its jobs.
    case removeBatch(name: String, jobs: [String])
    /// Record the final facts of an ended batch's jobs (so a reconcile need not read each job).
    case recordBatchOutcome(name: String, jobs: [String])
    /// Make and start the run of a schedule's tick (unless the runtime has it already: then it ran).
    case launchScheduledRun(ScheduledRun)
    /// Claim the start of a run another process made and left unstarted; the winner of the claim starts it.
    case claimStart(name: String)
    /// Record a stop of the job, then carry it out (a scheduled run replaced by the next).
    case recordStop(name: String)
    /// Read one job from the runtime; the observation comes back under `ticket`.
    case observe(name: String, ticket: UInt64)
    /// Read every batch and job from the runtime (reconcile); the observations come back under `ticket`.
    case observeAll(ticket: UInt64)
    /// Deliver a `tick` at this time (replacing any earlier request); nil when nothing waits for the clock.
    case armTimer(at: Date?)
}

/// What the decisions tell the world about: the executor logs these and counts them in metrics (and a
/// webhook or an event stream can follow them). Nothing in the scheduler's own behaviour depends on them.
public enum SchedulerReport: Sendable, Equatable {
    /// A job's state changed, or a job became known (`previous` nil).
    case jobChanged(name: String, previous: JobState?, status: JobStatus, observation: JobObservation, activeJobs: Int)
    /// A job is no longer known.
    case jobForgotten(name: String, reason: ForgetReason)
    /// A batch was recorded with its jobs.
    case batchCreated(name: String, jobs: Int)
    /// A stop was recorded for a whole batch.
    case batchStopRequested(name: String)
    /// A batch (and its jobs) is no longer known.
    case batchForgotten(name: String, reason: ForgetReason)
    /// A stop was recorded for the job.
    case stopRequested(name: String)
    /// The job ran into its time limit and is being killed.
    case deadlineReached(name: String, timeLimitSeconds: Int)
    /// A failed attempt is tried again (`counted` against the backoff limit, or ignored by the failure policy).
    case retryDecided(name: String, attempt: JobAttempt)
    /// A start lost to a transport failure will be tried again at `at`.
    case startRetryScheduled(name: String, attempt: Int, at: Date)
    /// A container whose submission never completed is being removed.
    case unfinishedSubmissionDiscarded(name: String)
    /// A schedule's tick is run late, for a tick missed while no scheduler ran (within the starting deadline).
    case scheduledRunCaughtUp(run: ScheduledRun)
    /// Ticks that passed without a run (the scheduler was held up, or past the starting deadline).
    case scheduledTicksMissed(index: Int, count: Int)
    /// A tick not run: concurrency Forbid, and these scheduled runs had not ended.
    case scheduledRunSkipped(run: ScheduledRun, running: [String])
    /// A scheduled run is stopped for the next (concurrency Replace).
    case scheduledRunReplaced(name: String, by: ScheduledRun)
    /// A tick's run exists already: another process (or this one before a restart) made it.
    case scheduledRunTakenElsewhere(run: ScheduledRun)
    /// Another scheduler claimed the start of an orphaned run (and starts it).
    case startClaimedElsewhere(name: String)
    /// A tick's run could not be made (the engine refused or was unreachable); the tick is missed.
    case scheduledRunFailed(run: ScheduledRun)
    /// The index was rebuilt from the runtime.
    case reconciled(jobs: Int)
    /// The runtime's events stopped while they flowed.
    case engineLost(reason: String)

    public enum ForgetReason: String, Sendable, Equatable {
        /// Deleted through the API.
        case deleted
        /// Dropped from the history (older than the history limit).
        case removedFromHistory
        /// Its container went away.
        case containerRemoved
    }
}

/// Everything one input leads to.
public struct SchedulerEffects: Sendable, Equatable {
    public var actions: [SchedulerAction] = []
    public var reports: [SchedulerReport] = []
    /// What the webhook tells, in order (only when the state `notifies`).
    public var notifications: [StatusNotification] = []

    public init(actions: [SchedulerAction] = [], reports: [SchedulerReport] = [], notifications: [StatusNotification] = []) {
        self.actions = actions
        self.reports = reports
        self.notifications = notifications
    }
}
