import DockerEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One job's scheduler: holds the decisions (`SchedulerState`) and carries out what they ask against a
/// `JobRuntime`. A request's own I/O (creating a job, recording a stop, removing a job) runs in the
/// request's task; everything else the decisions ask for (starts, stops, kills, removals, readings, the
/// clock) runs in tasks owned by `run()`, which follows the runtime's events until its service shuts down.
///
/// Reads (`jobs()`, `job(named:)`, `engineConnected`) come straight from the decisions' state under a
/// lock, never waiting for an engine call: every reader sees the same published state.
public final class JobScheduler: Service, Sendable {
    public let configuration: SchedulerConfiguration
    let runtime: any JobRuntime
    let clock: any SchedulerClock
    let logger: Logger
    let selector: JobSelector
    let metrics: SchedulerMetrics
    let state: Mutex<SchedulerState>
    /// Actions waiting for `run()` to carry them out, in the order they were decided.
    private let actions: AsyncStream<SchedulerAction>
    private let actionQueue: AsyncStream<SchedulerAction>.Continuation
    private let timer = WakeUpTimer()
    /// Takes the status notifications (a webhook's outbox), in the order decided: called under the
    /// state's lock, so it must only queue them.
    private let notificationSink: NotificationSink?
    /// Every change, numbered, for the clients that follow them (`follow(from:)`).
    public let feed: StatusFeed
    /// How long a follower waits, when nothing happens, before it is woken to tell its client it is still there.
    private let heartbeatInterval: Duration

    public typealias NotificationSink = @Sendable ([StatusNotification]) -> Void

    public init(configuration: SchedulerConfiguration, runtime: any JobRuntime, clock: any SchedulerClock = WallClock(), logger: Logger,
                notificationSink: NotificationSink? = nil, feed: StatusFeed = StatusFeed(), heartbeatInterval: Duration = .seconds(15)) {
        self.notificationSink = notificationSink
        self.feed = feed
        self.heartbeatInterval = heartbeatInterval
        self.configuration = configuration
        self.runtime = runtime
        self.clock = clock
        self.selector = configuration.selector
        self.metrics = SchedulerMetrics(job: configuration.job.name)
        self.state = Mutex(SchedulerState(historyLimit: configuration.historyLimit, stopGracePeriod: configuration.stopGracePeriod,
                                          batchStatusRules: configuration.job.batchStatusRules, maxRunning: configuration.maxRunning,
                                          notifies: true, cron: configuration.job.cron))
        (actions, actionQueue) = AsyncStream.makeStream()
        var logger = logger
        logger[metadataKey: "job"] = "\(configuration.job.name)"
        self.logger = logger
    }

    // MARK: - Reading

    /// Every run of the job definition ever made, counted by how it ended.
    public func runSummary() -> RunSummary {
        state.withLock { $0.runSummary() }
    }

    /// Every job, newest first.
    public func jobs() -> [JobStatus] {
        state.withLock { $0.jobsNewestFirst() }
    }

    /// Every job, newest first, with the revision they are of; nil jobs when the revision is still `known`.
    public func jobs(unlessRevision known: UInt64?) -> (revision: UInt64, jobs: [JobStatus]?) {
        state.withLock { state in (state.revision, state.revision == known ? nil : state.jobsNewestFirst()) }
    }

    public func job(named name: String) throws(SchedulerError) -> JobStatus {
        guard let status = currentStatus(named: name) else { throw .jobNotFound(name) }
        return status
    }

    /// One job's status; nil when there is no such job.
    public func currentStatus(named name: String) -> JobStatus? {
        state.withLock { $0.status(of: name) }
    }

    /// A job's settings (a single job or a batch's), from what the scheduler knows: no engine call.
    public func settings(named name: String) throws(SchedulerError) -> JobSettings {
        guard let observation = state.withLock({ $0.records[name]?.observation }) else { throw .jobNotFound(name) }
        return JobSettings(observation)
    }

    /// Each schedule of the job's cron, in its order, with its next `runs` ticks and its latest run.
    public func schedules(runs: Int = 5) -> [ScheduleStatus] {
        let now = clock.now
        return state.withLock { $0.scheduleStatuses(now: now, runs: runs) }
    }

    /// Whether the scheduler follows the runtime: its events flow, and the index was rebuilt since they
    /// (re)connected.
    public var engineConnected: Bool {
        state.withLock { $0.engineConnected }
    }

    /// A job's output: stdout and stderr apart, whole or followed until the job ends.
    public func logs(named name: String, options: JobLogOptions) async throws(SchedulerError) -> any AsyncSequence<JobLogChunk, any Error> & Sendable {
        _ = try job(named: name)
        do {
            return try await runtime.logs(name: name, options: options)
        } catch DockerEngineError.notFound {
            throw .jobNotFound(name)
        } catch {
            throw Self.schedulerError(from: error)
        }
    }

    // MARK: - Requests

    /// Makes and starts a job. With an `idempotencyKey` (or, where radixconfig's `uniqueJobIds` asks for
    /// it, a `jobId`), a request that repeats one made before is answered with the job that one made.
    public func submit(_ request: JobRequest, idempotencyKey: String? = nil) async throws(SchedulerError) -> JobStatus {
        let key = submissionKey(header: idempotencyKey, callerID: request.jobId) { RequestFingerprint.of(request) }
        var name = JobNaming.newName(for: configuration.job.name, at: clock.now)
        if let key, let made = try state.withLock({ state throws(SchedulerError) in try state.jobMade(under: key) }) { return made }
        var launch = try JobLaunchFactory.launch(for: request, name: name, configuration: configuration)
        launch.submissionKey = key
        reserving: while true {
            switch try state.withLock({ state throws(SchedulerError) in try state.beginSubmission(name, key: key) }) {
            case .reserved: break reserving
            case .repeated(let made): return made
            case .nameTaken: name = JobNaming.newName(for: configuration.job.name, at: clock.now)
            }
        }
        var named = launch
        named.name = name
        do {
            try await runtime.create(named)
        } catch {
            state.withLock { $0.submissionFailed(name) }
            logger.error("job could not be created", metadata: ["jobName": "\(name)", "error": "\(error)"])
            if error is DockerEngineError { metrics.engineErrors.increment() }
            throw Self.schedulerError(from: error, creating: named)
        }
        // The container exists with its payload: the job is accepted and will run even if this
        // process dies now (reconcile starts accepted jobs).
        let observation = JobObservation(accepted: named, at: clock.now)
        return decide { state, now in state.submissionCreated(observation, now: now) }
    }

    /// The key a request is known by: its `Idempotency-Key`, else its own ID where radixconfig's
    /// `uniqueJobIds` makes IDs unique; nil for neither.
    func submissionKey(header: String?, callerID: String?, fingerprint: () -> String) -> SubmissionKey? {
        if let header { return SubmissionKey(source: .header, value: header, fingerprint: fingerprint()) }
        if configuration.job.uniqueJobIds, let callerID { return SubmissionKey(source: .callerID, value: callerID, fingerprint: fingerprint()) }
        return nil
    }

    public func stop(named name: String) async throws(SchedulerError) -> JobStatus {
        if let status = try state.withLock({ state throws(SchedulerError) in try state.stopNeedsRecording(name) }) {
            return status
        }
        do {
            try await runtime.recordStopRequest(name: name, selector: selector)
        } catch {
            throw Self.schedulerError(from: error)
        }
        return try decide { state, now throws(SchedulerError) in try state.stopRecorded(name, now: now) }
    }

    /// Stops every job that has not ended.
    public func stopAll() async throws(SchedulerError) -> [JobStatus] {
        var stopped: [JobStatus] = []
        for name in state.withLock({ $0.activeJobNames() }) {
            do {
                stopped.append(try await stop(named: name))
            } catch .jobAlreadyEnded, .jobNotFound {
                continue  // it ended or went away meanwhile
            }
        }
        return stopped
    }

    /// Removes a job: kills it if it runs, and removes its container and payload, once it is counted
    /// in the runs' tally (should the removal fail then, it stays, counted once, until asked again or
    /// removed by the next process's reconcile).
    public func delete(named name: String) async throws(SchedulerError) {
        let run = try state.withLock { state throws(SchedulerError) in try state.beginDeletion(name) }
        do {
            let tally = try await runtime.foldRuns([run], at: clock.now, selector: selector)
            state.withLock { $0.runTallyFound(tally) }
            try await runtime.remove(name: name, selector: selector)
        } catch {
            state.withLock { $0.deletionFailed(name) }
            throw Self.schedulerError(from: error)
        }
        decide { state, _ in ((), state.deleted(name)) }
    }

    /// Rebuilds the index from the runtime: what `run()` does whenever the events (re)connect, and
    /// what a new process does before it serves, so that nothing is answered before the jobs are known.
    public func reconcile() async throws(SchedulerError) {
        let ticket = state.withLock { $0.takeTicket() }
        let listing: RuntimeListing
        do {
            listing = try await listRuntime()
        } catch {
            throw Self.schedulerError(from: error)
        }
        apply(listing, ticket: ticket)
    }

    /// Feeds a listing of the runtime, read under `ticket`, to the decisions.
    private func apply(_ listing: RuntimeListing, ticket: UInt64) {
        decide { state, now in
            state.suspensionsFound(listing.suspensions)
            return ((), state.reconciled(listing.jobs, batches: listing.batches, tally: listing.tally, ticket: ticket, now: now))
        }
    }

    /// The tally of removed runs, the batches, then the jobs: a job whose batch was recorded after the
    /// first listing belongs to a submission of this process (known to the decisions), never to a
    /// leftover; a job folded into the tally before its removal is never counted as a live one. And
    /// the schedules' suspensions.
    private typealias RuntimeListing = (tally: RunTally?, batches: [BatchObservation], jobs: [JobObservation], suspensions: [Int: Bool])

    private func listRuntime() async throws -> RuntimeListing {
        let tally = try await runtime.observeRunTally(selector: selector)
        let batches = try await runtime.observeBatches(selector: selector)
        let jobs = try await runtime.observeAll(selector: selector)
        let suspensions = configuration.job.cron == nil ? [:] : try await runtime.observeSuspensions(selector: selector)
        return (tally, batches, jobs, suspensions)
    }

    // MARK: - Running

    /// Follows the runtime's events and carries out the decisions' actions, each in a task of its own
    /// owned here, until graceful shutdown (or cancellation). The jobs keep running after.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.followEvents() }
                group.addTask { await self.timer.run(on: self.clock) { self.decide { state, now in ((), state.tick(now: now)) } } }
                group.addTask {
                    while (try? await Task.sleep(for: self.heartbeatInterval)) != nil { self.feed.heartbeat() }
                }
                for await action in self.actions {
                    group.addTask { await self.perform(action) }
                }
                group.cancelAll()
            }
        }
    }

    private func followEvents() async {
        for await event in runtime.events(selector: selector) {
            decide { state, now in ((), state.handle(event, now: now)) }
        }
    }

    private func perform(_ action: SchedulerAction) async {
        switch action {
        case .start(let name, let attempt):
            do {
                try await runtime.start(name: name)
                // The runtime's start event brings the rest.
            } catch {
                logger.warning("job could not be started", metadata: ["jobName": "\(name)", "error": "\(error)", "attempt": "\(attempt + 1)"])
                metrics.engineErrors.increment()
                let transient = if case DockerEngineError.transport = error { true } else { false }
                decide { state, now in ((), state.startFailed(name, attempt: attempt, transient: transient, now: now)) }
            }
        case .stop(let name, let gracePeriod):
            do {
                try await runtime.stop(name: name, gracePeriod: gracePeriod)
            } catch {
                logger.warning("could not stop job", metadata: ["jobName": "\(name)", "error": "\(error)"])
            }
            decide { state, _ in ((), state.endFinished(name)) }
        case .kill(let name):
            do {
                try await runtime.kill(name: name)
            } catch {
                logger.warning("could not kill job", metadata: ["jobName": "\(name)", "error": "\(error)"])
            }
            decide { state, _ in ((), state.endFinished(name)) }
        case .recordAttempt(let name, let attempt):
            do {
                try await runtime.recordAttempt(attempt, name: name, selector: selector)
                decide { state, now in ((), state.attemptRecorded(attempt, name: name, now: now)) }
            } catch {
                logger.warning("could not record a failed attempt", metadata: ["jobName": "\(name)", "error": "\(error)"])
                metrics.engineErrors.increment()
                decide { state, _ in ((), state.attemptRecordFailed(name)) }
            }
        case .remove(let name):
            do {
                try await runtime.remove(name: name, selector: selector)
            } catch {
                // Still in the runtime: the next reconcile sees it and decides again.
                logger.warning("could not remove job", metadata: ["jobName": "\(name)", "error": "\(error)"])
            }
        case .foldRuns(let id, let runs):
            do {
                let tally = try await runtime.foldRuns(runs, at: clock.now, selector: selector)
                decide { state, _ in ((), state.runsFolded(id: id, tally: tally)) }
            } catch {
                logger.warning("could not count removed runs; their removal waits", metadata: ["jobs": "\(runs.count)", "error": "\(error)"])
                metrics.engineErrors.increment()
                decide { state, now in ((), state.runFoldFailed(id: id, now: now)) }
            }
        case .removeBatch(let name, let jobs):
            await removeBatch(name, jobs: jobs)
        case .launchScheduledRun(let run):
            await launch(run)
        case .claimStart(let name):
            do {
                let won = try await runtime.claimStart(name: name, selector: selector)
                decide { state, _ in ((), state.startClaimed(name, won: won)) }
            } catch {
                logger.warning("could not claim the start of a run left unstarted", metadata: ["jobName": "\(name)", "error": "\(error)"])
                metrics.engineErrors.increment()
                decide { state, now in ((), state.startClaimFailed(name, now: now)) }
            }
        case .recordStop(let name):
            do {
                try await runtime.recordStopRequest(name: name, selector: selector)
                _ = try? decide { state, now throws(SchedulerError) in try state.stopRecorded(name, now: now) }
            } catch {
                logger.warning("could not record a stop", metadata: ["jobName": "\(name)", "error": "\(error)"])
                metrics.engineErrors.increment()
            }
        case .recordBatchOutcome(let name, let jobs):
            do {
                try await runtime.recordBatchOutcome(name: name, jobs: jobs, selector: selector)
                decide { state, _ in ((), state.batchOutcomeRecorded(name)) }
            } catch {
                // Only a cost: until it is recorded, a reconcile reads the batch's jobs one by one.
                logger.warning("could not record an ended batch's outcome", metadata: ["batchName": "\(name)", "error": "\(error)"])
                decide { state, _ in ((), state.batchOutcomeRecordFailed(name)) }
            }
        case .observe(let name, let ticket):
            do {
                let observation = try await runtime.observe(name: name, selector: selector)
                decide { state, now in ((), state.observed(name, observation, ticket: ticket, now: now)) }
            } catch {
                logger.warning("could not read job from the engine", metadata: ["jobName": "\(name)", "error": "\(error)"])
                metrics.engineErrors.increment()
                decide { state, _ in ((), state.observationFailed(name)) }
            }
        case .observeAll(let ticket):
            do {
                apply(try await listRuntime(), ticket: ticket)
            } catch {
                logger.warning("reconcile failed; trying again", metadata: ["error": "\(error)"])
                metrics.engineErrors.increment()
                decide { state, now in ((), state.reconcileFailed(ticket: ticket, now: now)) }
            }
        case .armTimer:
            // Never queued: `decide` arms the timer itself, under the lock, so moments are armed in the order decided.
            break
        }
    }

    /// Feeds one input to the decisions: their actions are queued in the order decided, then what
    /// they report is logged and counted.
    @discardableResult
    func decide<Result, Failure: Error>(
        _ input: (inout SchedulerState, Date) throws(Failure) -> (Result, SchedulerEffects)
    ) throws(Failure) -> Result {
        let now = clock.now
        let (result, reports) = try state.withLock { state throws(Failure) in
            let wasConnected = state.engineConnected
            let (result, effects) = try input(&state, now)
            for action in effects.actions {
                if case .armTimer(let wakeUp) = action { timer.arm(at: wakeUp) } else { actionQueue.yield(action) }
            }
            // Published under the lock, so a follower's snapshot (taken under it too) is of a known position.
            var events = effects.notifications.map(FeedEvent.status)
            if state.engineConnected != wasConnected { events.append(.engineConnection(connected: state.engineConnected)) }
            feed.publish(events)
            if !effects.notifications.isEmpty { notificationSink?(effects.notifications) }
            return (result, effects.reports)
        }
        for report in reports { record(report) }
        return result
    }

    // MARK: - Errors

    static func schedulerError(from error: any Error, creating launch: JobLaunch? = nil) -> SchedulerError {
        if let error = error as? SchedulerError { return error }
        guard let error = error as? DockerEngineError else { return .engineUnavailable("\(error)") }
        switch (error, launch) {
        case (.notFound(let message), let launch?):
            return .badRequest("cannot create the job: \(message) (is image \(launch.image) on the engine?)")
        case (.badRequest(let message), .some):
            return .badRequest("the engine refused the job: \(message)")
        default:
            return .engineUnavailable(error.description)
        }
    }
}
