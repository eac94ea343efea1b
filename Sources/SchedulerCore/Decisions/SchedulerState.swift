import Foundation

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
/// - the `historyLimit` latest succeeded and failed jobs are kept, older ones removed;
/// - a half-made submission (the scheduler died before answering) is removed;
/// - an observation made before a newer one was applied never overwrites it (tickets).
public struct SchedulerState: Sendable {
    /// How many succeeded (stopped included) and how many failed jobs are kept, each.
    public let historyLimit: Int
    /// Between the SIGTERM of a stop and the SIGKILL.
    public let stopGracePeriod: Duration

    /// Whether the runtime's events flow (so the statuses follow the runtime).
    public private(set) var engineConnected = false
    /// Changes whenever any job's status does: what a reader made of the statuses can be kept until then.
    public private(set) var revision: UInt64 = 0

    var records: [String: JobRecord] = [:]
    /// Jobs whose submission is under way: their container may exist half-made.
    var launching: Set<String> = []
    /// Jobs this process has asked the runtime to start: a job is started at most once, even if a
    /// stale observation still shows it as never started.
    var startsIssued: Set<String> = []
    /// Jobs with a stop or a kill in flight, so they are not sent twice.
    var ending: [String: Ending] = [:]
    /// Jobs deleted, dropped from history or seen removed: names are never reused, so no later
    /// observation (of a container still being removed) may bring one back.
    var forgotten = RecentNames(limit: 100_000)
    var lastTicket: UInt64 = 0
    /// The time the executor was last asked to deliver a tick at.
    var armedWakeUp: Date?

    enum Ending: Sendable, Equatable { case stop, kill }

    /// Transport failures of one start that are retried, and the wait before the first retry (doubled each time).
    static let startAttempts = 5
    static let firstStartRetryDelay: TimeInterval = 0.5

    public init(historyLimit: Int, stopGracePeriod: Duration) {
        self.historyLimit = historyLimit
        self.stopGracePeriod = stopGracePeriod
    }

    // MARK: - Reading

    public func status(of name: String) -> JobStatus? { records[name]?.status }

    /// Every job's status, newest first (by creation time: names carry it only to the second).
    public func jobsNewestFirst() -> [JobStatus] {
        records.values.map(\.status).sorted { ($0.created ?? .distantPast, $0.name) > ($1.created ?? .distantPast, $1.name) }
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
    }

    /// The job's container exists with its payload: the job is accepted (it would run even if the
    /// process died now), and it is started.
    public mutating func submissionCreated(_ observation: JobObservation, now: Date) -> (JobStatus, SchedulerEffects) {
        var effects = SchedulerEffects()
        // A ticket taken now, not before the creation: a reconcile that listed the runtime while the
        // creation was under way must not count this job as gone.
        apply(observation, ticket: takeTicket(), now: now, &effects)
        launching.remove(observation.name)
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

    /// Checks that a job can be deleted; the runtime then removes it, and `deleted` forgets it.
    public func checkDeletable(_ name: String) throws(SchedulerError) {
        guard records[name] != nil else { throw .jobNotFound(name) }
    }

    public mutating func deleted(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if records[name] != nil { forget(name, .deleted, &effects) } else { forgotten.insert(name) }
        finish(&effects)
        return effects
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
    public mutating func reconciled(_ observations: [JobObservation], ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        let seen = Set(observations.map(\.name))
        for (name, record) in records where !seen.contains(name) && !launching.contains(name) && record.ticket < ticket {
            forget(name, .containerRemoved, &effects)
        }
        for observation in observations {
            let name = observation.name
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
            if !launching.contains(name) { startIfAccepted(name, &effects) }
        }
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
            engineConnected = true
            effects.actions.append(.observeAll(ticket: takeTicket()))
        case .disconnected(let reason):
            if engineConnected { effects.reports.append(.engineLost(reason: reason)) }
            engineConnected = false
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

    /// A stop or kill returned (done or failed): the job's state tells which.
    public mutating func endFinished(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        ending[name] = nil
        if records[name] != nil { effects.actions.append(.observe(name: name, ticket: takeTicket())) }
        finish(&effects)
        return effects
    }

    // MARK: - Clock

    /// The time is `now`: kills the jobs past their deadline, and reads the jobs whose start is to be retried.
    public mutating func tick(now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        armedWakeUp = nil
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

    /// When the clock next matters: the earliest deadline or start retry.
    public var nextWakeUp: Date? {
        var earliest: Date?
        for record in records.values {
            for date in [record.deadline, record.startRetry.flatMap { $0.awaitingObservation ? nil : $0.due }] {
                if let date, earliest == nil || date < earliest! { earliest = date }
            }
        }
        return earliest
    }
}

// MARK: - Rules

extension SchedulerState {
    /// Applies what the runtime says of a job, unless something newer was applied since `ticket` was
    /// taken; then acts on the job's new state.
    mutating func apply(_ observation: JobObservation, ticket: UInt64, now: Date, _ effects: inout SchedulerEffects) {
        let name = observation.name
        if forgotten.contains(name) { return }
        if var existing = records[name], existing.ticket > ticket {
            // Too old to say what state the job is in; but what never changes still fills a gap that
            // an event's facts (applied meanwhile) left.
            if existing.observation.imageID.isEmpty && !observation.imageID.isEmpty {
                existing.observation.imageID = observation.imageID
                store(existing)
            }
            return
        }
        let previous = records[name]
        var record = previous ?? JobRecord(observation: observation, ticket: ticket)
        var observation = observation
        // A stop request is only ever added, and our own record of it may be ahead of an observation made earlier.
        observation.stopRequested = observation.stopRequested || (previous?.observation.stopRequested ?? false)
        record.observation = observation
        record.ticket = ticket
        store(record)
        guard let status = records[name]?.status else { return }

        if previous?.status.state != status.state {
            effects.reports.append(.jobChanged(name: name, previous: previous?.status.state, status: status,
                                               observation: observation, activeJobs: runningCount))
        }
        if status.state.isTerminal {
            records[name]?.deadline = nil
            records[name]?.startRetry = nil
            if previous?.status.state != status.state { enforceHistoryLimit(&effects) }
        } else {
            // Armed once per job; re-armed only after it fired, while the job goes on.
            if record.deadline == nil && ending[name] != .kill { records[name]?.deadline = observation.deadline }
            if observation.stopRequested && [.running, .restarting, .paused].contains(observation.runState) {
                end(name, .stop, &effects)
            }
        }
    }

    /// An engine event says the job's first start happened at `time`. Returns whether that is all
    /// there is to know (an inspection had already filled in the rest).
    mutating func started(_ name: String, at time: Date, now: Date, _ effects: inout SchedulerEffects) -> Bool {
        guard let record = records[name], record.observation.runState == .created, record.observation.engineError.isEmpty,
              !record.observation.stopRequested else { return false }
        var observation = record.observation
        observation.runState = .running
        observation.startedAt = time
        apply(observation, ticket: takeTicket(), now: now, &effects)
        return !observation.imageID.isEmpty
    }

    // The runtime answers an inspection of a container that just exited only once it has cleaned it
    // up (a hundred milliseconds and more), and an exit is all most ends are: so the event's own facts
    // are applied at once where they alone decide the status; the inspection follows and has the last word.

    /// An engine event says the job's container exited: after which, if no retry follows, the job has ended.
    mutating func exited(_ name: String, exitCode: Int, at time: Date, now: Date, _ effects: inout SchedulerEffects) {
        // Only once an inspection has filled in what events do not carry: a finished job's status is complete.
        guard let record = records[name], record.observation.runState == .running, !record.observation.imageID.isEmpty else { return }
        var observation = record.observation
        // The runtime retries a non-zero exit while retries are left, unless the job was stopped or
        // killed at its deadline (the restart policy is removed first).
        let retryPossible = exitCode != 0 && observation.restartCount < observation.backoffLimit
            && !observation.stopRequested && !record.deadlineKilled
        guard !retryPossible else { return }
        observation.runState = .exited
        observation.exitCode = exitCode
        observation.finishedAt = time
        apply(observation, ticket: takeTicket(), now: now, &effects)
    }

    /// Starts an accepted job: created, complete, not stopped, and not started by this process before.
    mutating func startIfAccepted(_ name: String, _ effects: inout SchedulerEffects) {
        guard let record = records[name], record.observation.runState == .created, record.observation.engineError.isEmpty,
              record.observation.submissionComplete, !record.observation.stopRequested,
              !startsIssued.contains(name) else { return }
        startsIssued.insert(name)
        effects.actions.append(.start(name: name, attempt: 0))
    }

    /// A reading taken for a due start retry: start again only if the job has still never started.
    mutating func retryStartIfDue(_ observation: JobObservation, _ effects: inout SchedulerEffects) {
        let name = observation.name
        guard let retry = records[name]?.startRetry, retry.awaitingObservation else { return }
        records[name]?.startRetry = nil
        guard observation.runState == .created, observation.engineError.isEmpty,
              records[name]?.observation.stopRequested == false else { return }
        effects.actions.append(.start(name: name, attempt: retry.attempt))
    }

    mutating func deadlineReached(_ name: String, _ effects: inout SchedulerEffects) {
        records[name]?.deadline = nil
        guard let record = records[name], !record.status.state.isTerminal, record.observation.runState != .created,
              ending[name] != .kill else { return }
        records[name]?.deadlineKilled = true
        effects.reports.append(.deadlineReached(name: name, timeLimitSeconds: record.observation.timeLimitSeconds))
        end(name, .kill, &effects)
    }

    /// Sends the stop (grace period, then kill) or the deadline kill, once; a kill overrides a stop in flight.
    mutating func end(_ name: String, _ how: Ending, _ effects: inout SchedulerEffects) {
        switch (ending[name], how) {
        case (nil, _), (.stop, .kill): break
        default: return
        }
        ending[name] = how
        effects.actions.append(how == .kill ? .kill(name: name) : .stop(name: name, gracePeriod: stopGracePeriod))
    }

    /// Keeps the latest `historyLimit` succeeded and failed jobs; removes older ones from the runtime.
    mutating func enforceHistoryLimit(_ effects: inout SchedulerEffects) {
        for name in HistoryRetention.jobsToRemove(from: records.values.map(\.status), limit: historyLimit) {
            forget(name, .removedFromHistory, &effects)
            // Should the removal fail, the job is still in the runtime: the next reconcile removes it again.
            effects.actions.append(.remove(name: name))
        }
    }

    mutating func forget(_ name: String, _ reason: SchedulerReport.ForgetReason, _ effects: inout SchedulerEffects) {
        if records.removeValue(forKey: name) != nil { revision &+= 1 }
        startsIssued.remove(name)
        forgotten.insert(name)
        effects.reports.append(.jobForgotten(name: name, reason: reason))
    }

    /// Stores a record with its status derived anew; the revision moves when the status changed.
    mutating func store(_ record: JobRecord) {
        var record = record
        record.status = JobStatusDerivation.status(of: record.observation, deadlineKilled: record.deadlineKilled)
        let name = record.observation.name
        if records[name]?.status != record.status { revision &+= 1 }
        records[name] = record
    }

    /// Jobs whose container runs now (stopping ones included).
    var runningCount: Int {
        records.values.reduce(0) { $0 + ($1.status.state == .running || $1.status.state == .stopping ? 1 : 0) }
    }

    /// Completes an input's effects: asks for the clock when the earliest wake-up changed.
    mutating func finish(_ effects: inout SchedulerEffects) {
        let next = nextWakeUp
        if next != armedWakeUp {
            armedWakeUp = next
            effects.actions.append(.armTimer(at: next))
        }
    }
}

/// One job as the scheduler knows it.
struct JobRecord: Sendable {
    var observation: JobObservation
    var status: JobStatus
    /// The ticket of the observation applied last.
    var ticket: UInt64
    /// The scheduler killed this job at its deadline.
    var deadlineKilled = false
    /// When the job's time is up, while that is still to be acted on.
    var deadline: Date?
    /// A start lost to a transport failure, to be tried again.
    var startRetry: StartRetry?

    struct StartRetry: Sendable {
        var attempt: Int
        var due: Date
        /// The job is being read to see whether it has still never started.
        var awaitingObservation = false
    }

    init(observation: JobObservation, ticket: UInt64) {
        self.observation = observation
        self.status = JobStatusDerivation.status(of: observation)
        self.ticket = ticket
    }
}

/// A set of names that forgets all of them once it holds `limit`: only recent names still have
/// containers that could be observed again.
struct RecentNames: Sendable {
    let limit: Int
    private var names: Set<String> = []

    init(limit: Int) { self.limit = limit }

    func contains(_ name: String) -> Bool { names.contains(name) }

    mutating func insert(_ name: String) {
        if names.count >= limit { names.removeAll() }
        names.insert(name)
    }
}
