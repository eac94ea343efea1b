import Foundation
import RadixConfig

/// What one scheduler knows of its jobs, and every rule that decides what happens to them. A plain
/// value: no I/O, no tasks, no clock (the time is an argument), no locks. Each input (a request, an
/// observation or event from the runtime, a tick of the clock) changes the state and returns the
/// actions to carry out and what to report; `JobScheduler` carries them out and feeds their results
/// back in.
///
/// The rules, each kept here and nowhere else:
/// - a job is started at most once per process, and only once its submission is complete;
/// - a stop is recorded in the runtime before it is carried out, and a recorded stop is never lost;
/// - a job's time limit counts from its creation and covers every attempt;
/// - the `historyLimit` latest of each history group are kept (succeeded and other single jobs,
///   succeeded and other batches), older ones removed, a batch with all its jobs;
/// - a half-made submission (the scheduler died before answering) is removed, a batch's included: its
///   jobs start only once the batch is recorded, and jobs whose batch has no record are removed;
/// - an observation made before a newer one was applied never overwrites it (tickets).
public struct SchedulerState: Sendable {
    /// How many succeeded (stopped included) and how many failed jobs are kept, each.
    public let historyLimit: Int
    /// Between the SIGTERM of a stop and the SIGKILL.
    public let stopGracePeriod: Duration
    /// radixconfig's rules for a batch's status; the first that holds decides.
    public let batchStatusRules: [BatchStatusRule]
    /// How many jobs may run at once; nil for no limit. Jobs over it wait, created and not started
    /// (so the queue is in the runtime), and start in the order they were submitted.
    public let maxRunning: Int?
    /// Whether status notifications are decided (`SchedulerEffects.notifications`): a webhook listens.
    public let notifies: Bool
    /// The cron's schedules, what a tick does while scheduled runs have not ended, and how late a
    /// tick may still run.
    var schedules: [ScheduleEntry] = []
    let concurrency: JobCron.Concurrency
    let timeZoneName: String
    /// The cron's `suspend`: what a schedule is without a suspension recorded through the API.
    let suspendedByConfig: Bool
    let startingDeadlineSeconds: Int?

    /// Whether the runtime's events flow, and the index was rebuilt after they (re)connected: only
    /// then do the statuses follow the runtime.
    public var engineConnected: Bool { eventsFlow && pendingReconcile == nil }
    var eventsFlow = false
    /// The reconcile asked for when events (re)connected, until it is applied: changes made while no
    /// events flowed are missing from the index until then.
    var pendingReconcile: UInt64?
    /// When a reconcile that failed is tried again.
    var reconcileRetry: Date?
    /// Changes whenever any job's status does: what a reader made of the statuses can be kept until then.
    public internal(set) var revision: UInt64 = 0

    var records: [String: JobRecord] = [:]
    /// How many of the records' jobs run now (stopping ones included): kept as they change, as it is
    /// reported with every change.
    var runningCount = 0
    /// The recorded batches, and the names of each batch's jobs (recorded or not yet).
    var batches: [String: BatchRecord] = [:]
    var jobsOfBatch: [String: Set<String>] = [:]
    /// Batches whose submission is under way: their jobs may exist, the batch is not recorded yet.
    var launchingBatches: Set<String> = []
    /// Batches one of whose jobs ended in the current input (their outcome may be recordable), and
    /// those whose outcome is being recorded.
    var outcomesToCheck: Set<String> = []
    var outcomesRecording: Set<String> = []
    /// How many times each batch's outcome failed to be recorded in this process.
    var outcomeFailures: [String: Int] = [:]
    /// Jobs whose deletion through the API is under way: killed on the way, they must not push an
    /// older job out of the history.
    var jobsBeingDeleted: Set<String> = []
    /// Jobs whose restart is under way: ended on the way (killed), they are neither retried nor counted
    /// in the history until it is recorded.
    var restarting: Set<String> = []
    /// Batches whose deletion through the API is under way.
    var batchesBeingDeleted: Set<String> = []
    /// Which history groups to trim when the input's effects are complete.
    var historyToCheck = HistoryCheck()
    /// Jobs whose submission is under way: their container may exist half-made.
    var launching: Set<String> = []
    /// The kept jobs made by keyed requests, by recorded key; and the keys whose submission is under
    /// way, with the name reserved for their job.
    var jobsByKey: [String: String] = [:]
    var keysBeingSubmitted: [String: String] = [:]
    /// The same for batches.
    var batchesByKey: [String: String] = [:]
    var batchKeysBeingSubmitted: [String: String] = [:]
    /// Jobs this process has asked the runtime to start: a job is started at most once, even if a
    /// stale observation still shows it as never started.
    var startsIssued: Set<String> = []
    /// Starts asked for and not seen yet (the job still shows as never started, and no failure came back).
    var startsInFlight: Set<String> = []
    /// Accepted jobs waiting for a place under `maxRunning`.
    var queued: Set<String> = []
    /// Retries under way: the attempt being recorded, or whose retry was started, per job (each sent once).
    var retries: [String: RetryProgress] = [:]
    /// Jobs with a stop or a kill in flight, so they are not sent twice.
    var ending: [String: Ending] = [:]
    /// Jobs deleted, dropped from history or seen removed: names are never reused, so no later
    /// observation (of a container still being removed) may bring one back.
    var forgotten = RecentNames(limit: 100_000)
    var lastTicket: UInt64 = 0
    /// The time the executor was last asked to deliver a tick at.
    var armedWakeUp: Date?
    /// The schedules tick once the first reconcile has shown what ran before.
    var schedulesArmed = false
    /// Scheduled runs whose container is being made.
    var launchingRuns: Set<ScheduledRun> = []
    /// Scheduled runs another process made and did not start (yet), with when this one may start them.
    var orphanedRuns: [String: Date] = [:]
    /// Orphaned runs whose start is being claimed.
    var claimingStarts: Set<String> = []
    /// Changes of the current input not yet told as notifications.
    var notices = PendingNotices()
    /// Batches being deleted, as they were when the deletion began: told so in their `Delete` (their
    /// jobs go away one by one before the batch is forgotten).
    var deletingBatches: [String: BatchStatus] = [:]
    /// The runtime's newest tally of the runs removed, and the folds into it under way (by ID), whose
    /// removals wait for them.
    var runTally = RunTally()
    var foldsInFlight: [UInt64: PendingFold] = [:]
    var namesBeingFolded: Set<String> = []
    var nextFoldID: UInt64 = 0

    enum Ending: Sendable, Equatable { case stop, kill }
    enum RetryProgress: Sendable, Equatable { case recording(attempt: Int), started(attempt: Int) }

    /// Transport failures of one start that are retried, and the wait before the first retry (doubled each time).
    static let startAttempts = 5
    static let firstStartRetryDelay: TimeInterval = 0.5
    /// How long after a failed reconcile it is tried again.
    static let reconcileRetryDelay: TimeInterval = 1

    struct HistoryCheck: Sendable { var jobs = false, batches = false }

    public init(historyLimit: Int, stopGracePeriod: Duration, batchStatusRules: [BatchStatusRule] = [], maxRunning: Int? = nil, notifies: Bool = false,
                cron: JobCron? = nil) {
        self.notifies = notifies
        schedules = (cron?.schedules ?? []).enumerated().map { ScheduleEntry(index: $0.offset, schedule: $0.element, suspended: cron?.suspend ?? false) }
        concurrency = cron?.concurrency ?? .allow
        timeZoneName = cron?.timeZoneName ?? "UTC"
        suspendedByConfig = cron?.suspend ?? false
        startingDeadlineSeconds = cron?.startingDeadlineSeconds
        self.historyLimit = historyLimit
        self.stopGracePeriod = stopGracePeriod
        self.batchStatusRules = batchStatusRules
        self.maxRunning = maxRunning
    }

    // MARK: - Reading

    public func status(of name: String) -> JobStatus? { records[name]?.status }

    /// Every single job's status (not those of batches), newest first (by creation time: names carry
    /// it only to the second).
    public func jobsNewestFirst() -> [JobStatus] {
        records.values.filter { $0.observation.batchName == nil }.map(\.status).sorted { ($0.created ?? .distantPast, $0.name) > ($1.created ?? .distantPast, $1.name) }
    }

    public var jobCount: Int { records.count }
}
