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

    // MARK: - Requests

    /// Reserves `name` for a new submission; false when it is taken (draw another).
    public mutating func beginSubmission(_ name: String) -> Bool {
        guard records[name] == nil, !launching.contains(name), !forgotten.contains(name) else { return false }
        launching.insert(name)
        return true
    }

    /// The runtime could not create the job: nothing of it exists.
    public mutating func submissionFailed(_ name: String) {
        launching.remove(name)
        releaseKey(of: name)
    }

    /// The job's container exists with its payload: the job is accepted (it would run even if the
    /// process died now), and it is started.
    public mutating func submissionCreated(_ observation: JobObservation, now: Date) -> (JobStatus, SchedulerEffects) {
        var effects = SchedulerEffects()
        // A ticket taken now, not before the creation: a reconcile that listed the runtime while the
        // creation was under way must not count this job as gone.
        apply(observation, ticket: takeTicket(), now: now, &effects)
        launching.remove(observation.name)
        releaseKey(of: observation.name)
        startIfAccepted(observation.name, &effects)
        finish(&effects)
        return (records[observation.name]?.status ?? JobStatusDerivation.status(of: observation), effects)
    }

    /// What a stop request needs: nothing when it was requested already (the job's status), else the
    /// request recorded in the runtime, then `stopRecorded`.
    public func stopNeedsRecording(_ name: String) throws(SchedulerError) -> JobStatus? {
        guard let record = records[name] else { throw .jobNotFound(name) }
        if record.status.state.isTerminal { throw .jobAlreadyEnded(name) }
        return record.observation.stopRequested ? record.status : nil
    }

    /// The stop request is recorded in the runtime: carry it out.
    public mutating func stopRecorded(_ name: String, now: Date) throws(SchedulerError) -> (JobStatus, SchedulerEffects) {
        guard var observation = records[name]?.observation else { throw .jobNotFound(name) }
        var effects = SchedulerEffects()
        observation.stopRequested = true
        // The newest observation with the request added, under a ticket taken now: nothing applied
        // while the request was being recorded may make this one look stale (and skip ending the job).
        apply(observation, ticket: takeTicket(), now: now, &effects)
        effects.reports.append(.stopRequested(name: name))
        finish(&effects)
        return (records[name]?.status ?? JobStatusDerivation.status(of: observation), effects)
    }

    /// The names of the jobs a "stop all" stops: those that have not ended.
    public func activeJobNames() -> [String] {
        records.values.filter { !$0.status.state.isTerminal }.map(\.status.name).sorted()
    }

    /// Begins a job's deletion, and tells how it counts in the runs' summary: the runtime then folds
    /// it into its tally and removes it, and `deleted` forgets it (or `deletionFailed` keeps it).
    public mutating func beginDeletion(_ name: String) throws(SchedulerError) -> RunOutcome {
        guard let record = records[name] else { throw .jobNotFound(name) }
        // A batch is kept or removed whole.
        if let batch = record.observation.batchName { throw .badRequest("job \(name) belongs to batch \(batch): delete the batch") }
        jobsBeingDeleted.insert(name)
        return RunOutcome(of: record.status)
    }

    public mutating func deleted(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        jobsBeingDeleted.remove(name)
        if records[name] != nil { forget(name, .deleted, &effects) } else { forgotten.insert(name) }
        finish(&effects)
        return effects
    }

    /// The deletion failed: the job stays (and counts in the history again).
    public mutating func deletionFailed(_ name: String) {
        jobsBeingDeleted.remove(name)
    }

    // MARK: - Runtime

    /// A ticket for an observation about to be made: whatever is applied after it was taken is newer.
    public mutating func takeTicket() -> UInt64 {
        lastTicket += 1
        return lastTicket
    }

    /// Every job the runtime has, read under `ticket`: rebuilds the index, and carries out what a
    /// previous process left undone (starts accepted jobs, removes half-made submissions, resumes
    /// stops, enforces deadlines and the history).
    public mutating func reconciled(_ observations: [JobObservation], batches found: [BatchObservation] = [], tally: RunTally? = nil,
                                    ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        runTallyFound(tally)
        reconcileBatches(found, ticket: ticket, &effects)
        let seen = Set(observations.map(\.name))
        for (name, record) in records where !seen.contains(name) && !launching.contains(name) && record.ticket < ticket {
            forget(name, .containerRemoved, &effects)
        }
        for observation in observations {
            let name = observation.name
            if observation.batchName == nil, records[name] == nil, isFolded(name) {
                // Counted in the tally before its removal, which a death cut short (a batch's jobs go
                // with their batch, whose record the history still removes).
                if runTally.hasFolded(name) { effects.actions.append(.remove(name: name)) }
                continue
            }
            if let batch = observation.batchName, batches[batch] == nil, !launchingBatches.contains(batch) {
                // A job of a batch whose submission never completed (or whose deletion did not finish).
                effects.actions.append(.remove(name: name))
                effects.reports.append(.unfinishedSubmissionDiscarded(name: name))
                continue
            }
            if observation.runState == .created && !observation.submissionComplete {
                // A submission that died before it was answered: nobody knows of this job.
                // (Unless this process made or started it: then it was complete.)
                if !launching.contains(name) && !startsIssued.contains(name) && records[name] == nil {
                    effects.actions.append(.remove(name: name))
                    effects.reports.append(.unfinishedSubmissionDiscarded(name: name))
                }
                continue
            }
            apply(observation, ticket: ticket, now: now, &effects)
            if !launching.contains(name) && !deferOrphanedRun(name, now: now) { startIfAccepted(name, &effects) }
        }
        if let pending = pendingReconcile, ticket >= pending { pendingReconcile = nil }
        armSchedules(now: now, &effects)
        effects.reports.append(.reconciled(jobs: records.count))
        finish(&effects)
        return effects
    }

    /// One job read from the runtime under `ticket`; nil when the runtime has no such job.
    public mutating func observed(_ name: String, _ observation: JobObservation?, ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if let observation {
            apply(observation, ticket: ticket, now: now, &effects)
            retryStartIfDue(observation, &effects)
        } else if !launching.contains(name), let record = records[name], record.ticket < ticket {
            forget(name, .containerRemoved, &effects)
        }
        finish(&effects)
        return effects
    }

    /// The runtime could not be read for one job: a start retry waiting for this reading is given up.
    public mutating func observationFailed(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if records[name]?.startRetry != nil { records[name]?.startRetry = nil }
        finish(&effects)
        return effects
    }

    public mutating func handle(_ event: RuntimeEvent, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        switch event {
        case .connected, .reconnected:
            // Changes made while no events flowed are only seen in a fresh list.
            eventsFlow = true
            askForReconcile(&effects)
        case .disconnected(let reason):
            if eventsFlow { effects.reports.append(.engineLost(reason: reason)) }
            eventsFlow = false
            pendingReconcile = nil
            reconcileRetry = nil
        case .jobChanged(let name):
            effects.actions.append(.observe(name: name, ticket: takeTicket()))
        case .jobStarted(let name, let time):
            // A first start's facts are all in the event once an inspection has given the image ID:
            // then no inspection is sent, sparing the runtime while it starts other jobs.
            if !started(name, at: time, now: now, &effects) {
                effects.actions.append(.observe(name: name, ticket: takeTicket()))
            }
        case .jobExited(let name, let exitCode, let time):
            exited(name, exitCode: exitCode, at: time, now: now, &effects)
            effects.actions.append(.observe(name: name, ticket: takeTicket()))
        case .jobRemoved(let name):
            if !launching.contains(name), records[name] != nil { forget(name, .containerRemoved, &effects) }
        }
        finish(&effects)
        return effects
    }

    /// A start failed; `transient` when the runtime may not have received it (a transport failure).
    /// Such a start is tried again, but only while the job has never started: one whose answer was
    /// lost must not run the job a second time.
    public mutating func startFailed(_ name: String, attempt: Int, transient: Bool, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        startsInFlight.remove(name)
        // A retry's start is sent again once a reading shows the job still waiting for it.
        if case .started = retries[name], transient { retries[name] = nil }
        if transient, attempt + 1 < Self.startAttempts, records[name] != nil {
            let due = now.addingTimeInterval(Self.firstStartRetryDelay * Double(1 << attempt))
            records[name]?.startRetry = JobRecord.StartRetry(attempt: attempt + 1, due: due)
            effects.reports.append(.startRetryScheduled(name: name, attempt: attempt + 1, at: due))
        } else {
            // The runtime's refusal (no such executable) shows in the job's state.
            effects.actions.append(.observe(name: name, ticket: takeTicket()))
        }
        finish(&effects)
        return effects
    }

    /// A failed attempt is recorded in the runtime: the job is started again (unless something changed meanwhile).
    public mutating func attemptRecorded(_ attempt: JobAttempt, name: String, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if var observation = records[name]?.observation {
            observation.attempts = JobRecord.merged(observation.attempts, [attempt])
            apply(observation, ticket: takeTicket(), now: now, &effects)
        }
        finish(&effects)
        return effects
    }

    /// A failed attempt could not be recorded: read the job again, and decide anew.
    public mutating func attemptRecordFailed(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        retries[name] = nil
        if records[name] != nil { effects.actions.append(.observe(name: name, ticket: takeTicket())) }
        finish(&effects)
        return effects
    }

    /// The runtime could not be listed for a reconcile: it is tried again shortly, while events flow.
    public mutating func reconcileFailed(ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if eventsFlow, pendingReconcile == ticket { reconcileRetry = now.addingTimeInterval(Self.reconcileRetryDelay) }
        finish(&effects)
        return effects
    }

    /// A stop or kill returned (done or failed): the job's state tells which.
    public mutating func endFinished(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        ending[name] = nil
        if let batch = records[name]?.observation.batchName { outcomesToCheck.insert(batch) }  // it held the outcome back
        if records[name] != nil { effects.actions.append(.observe(name: name, ticket: takeTicket())) }
        finish(&effects)
        return effects
    }

    // MARK: - Clock

    /// The time is `now`: kills the jobs past their deadline, and reads the jobs whose start is to be retried.
    public mutating func tick(now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        armedWakeUp = nil
        if let retry = reconcileRetry, retry <= now {
            reconcileRetry = nil
            askForReconcile(&effects)
        }
        runDueTicks(now: now, &effects)
        claimOrphanedRuns(now: now, &effects)
        retryDueFolds(now: now, &effects)
        for (name, record) in records {
            if let deadline = record.deadline, deadline <= now { deadlineReached(name, &effects) }
            if let retry = record.startRetry, !retry.awaitingObservation, retry.due <= now {
                records[name]?.startRetry?.awaitingObservation = true
                effects.actions.append(.observe(name: name, ticket: takeTicket()))
            }
        }
        finish(&effects)
        return effects
    }

    /// When the clock next matters: the earliest deadline, start retry, reconcile retry, tick or
    /// orphaned run's start.
    public var nextWakeUp: Date? {
        var earliest = reconcileRetry
        for date in schedules.compactMap(\.nextTick) + orphanedRuns.values + [nextFoldRetry].compactMap({ $0 }) where earliest == nil || date < earliest! { earliest = date }
        for record in records.values {
            for date in [record.deadline, record.startRetry.flatMap { $0.awaitingObservation ? nil : $0.due }] {
                if let date, earliest == nil || date < earliest! { earliest = date }
            }
        }
        return earliest
    }
}
