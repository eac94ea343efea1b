import DockerEngine
import Foundation
import Synchronization
import Logging

/// Owns one job's index: every job of this scheduler with its status. The index is a cache of the
/// runtime (the engine is the only state): rebuilt by `reconcile`, kept fresh by the runtime's
/// events, read by GET without touching the engine. Engine I/O happens outside the actor's
/// critical sections; results carry a ticket so an older observation never overwrites a newer one.
public actor JobScheduler {
    public nonisolated let configuration: SchedulerConfiguration
    let runtime: any JobRuntime
    let logger: Logger
    private let selector: JobSelector
    private let metrics: SchedulerMetrics

    private struct Record {
        var observation: JobObservation
        var status: JobStatus
        /// The ticket of the observation applied last.
        var ticket: UInt64
        /// The scheduler killed this job at its deadline.
        var deadlineKilled = false
    }

    private var records: [String: Record] = [:] {
        didSet {
            let statuses = records.mapValues(\.status)
            board.withLock { $0.revision &+= 1; $0.statuses = statuses }
        }
    }

    /// Every job's status, replaced with each change of the index: the API's reads take it from here
    /// without queueing on the actor (a thread hop each on a busy server). The revision changes with
    /// every change, so that what a reader made of the jobs (an encoded answer) can be kept until stale.
    private struct Board { var revision: UInt64 = 0; var statuses: [String: JobStatus] = [:] }
    private let board = Mutex(Board())
    /// Jobs whose submission is under way: their container may exist half-made.
    private var launching: Set<String> = []
    /// Jobs this process has asked the runtime to start: a job is started at most once, even if a
    /// stale observation still shows it as never started.
    private var startsIssued: Set<String> = []
    /// Jobs with a stop or a deadline kill in flight, so they are not sent twice.
    private var ending: Set<String> = []
    private var deadlineTimers: [String: Task<Void, Never>] = [:]
    /// Jobs deleted, dropped from history or seen removed: names are never reused, so no later
    /// observation (of a container still being removed) may bring one back.
    private var forgotten: Set<String> = []
    private var nextTicket: UInt64 = 0
    public private(set) var engineConnected = false

    public init(configuration: SchedulerConfiguration, runtime: any JobRuntime, logger: Logger) {
        self.configuration = configuration
        self.runtime = runtime
        self.selector = configuration.selector
        self.metrics = SchedulerMetrics(job: configuration.job.name)
        var logger = logger
        logger[metadataKey: "job"] = "\(configuration.job.name)"
        self.logger = logger
    }

    // MARK: - Reading

    /// Every job, newest first.
    public func jobs() -> [JobStatus] {
        Self.newestFirst(records.values.map(\.status))
    }

    /// By creation time: names carry it only to the second.
    private static func newestFirst(_ statuses: some Sequence<JobStatus>) -> [JobStatus] {
        statuses.sorted { ($0.created ?? .distantPast, $0.name) > ($1.created ?? .distantPast, $1.name) }
    }

    /// Every job, newest first, with the revision they are of; nil jobs when the revision is still `known`.
    /// Read without waiting for the actor: it is what the last completed change left.
    public nonisolated func jobs(unlessRevision known: UInt64?) -> (revision: UInt64, jobs: [JobStatus]?) {
        let board = board.withLock { $0 }
        return (board.revision, known == board.revision ? nil : Self.newestFirst(board.statuses.values))
    }

    /// One job's status, read without waiting for the actor; nil when there is no such job.
    public nonisolated func currentStatus(named name: String) -> JobStatus? {
        board.withLock { $0.statuses[name] }
    }

    public func job(named name: String) throws(SchedulerError) -> JobStatus {
        guard let record = records[name] else { throw .jobNotFound(name) }
        return record.status
    }

    /// A job's output: stdout and stderr apart, whole or followed until the job ends.
    public func logs(named name: String, options: JobLogOptions) async throws(SchedulerError) -> AsyncThrowingStream<JobLogChunk, any Error> {
        guard records[name] != nil else { throw .jobNotFound(name) }
        do {
            return try await runtime.logs(name: name, options: options)
        } catch DockerEngineError.notFound {
            throw .jobNotFound(name)
        } catch {
            throw Self.schedulerError(from: error)
        }
    }

    // MARK: - Submitting

    public func submit(_ request: JobRequest) async throws(SchedulerError) -> JobStatus {
        var name = JobNaming.newName(for: configuration.job.name)
        while records[name] != nil || launching.contains(name) { name = JobNaming.newName(for: configuration.job.name) }
        let launch = try JobLaunchFactory.launch(for: request, name: name, configuration: configuration)

        launching.insert(name)
        defer { launching.remove(name) }
        do {
            try await runtime.create(launch)
        } catch {
            logger.error("job could not be created", metadata: ["jobName": "\(name)", "error": "\(error)"])
            if error is DockerEngineError { metrics.engineErrors.increment() }
            throw Self.schedulerError(from: error, creating: launch)
        }
        // The container exists with its payload: the job is accepted and will run even if this
        // process dies now (reconcile starts accepted jobs).
        let observation = JobObservation(name: name, jobId: launch.jobId, image: launch.image, created: Date(), runState: .created,
                                         timeLimitSeconds: launch.timeLimitSeconds, backoffLimit: launch.backoffLimit)
        // The ticket is taken now, not before the create: a reconcile that listed the engine while the
        // create was under way must not count this job as gone.
        apply(observation, ticket: takeTicket())
        logger.info("job accepted", metadata: ["jobName": "\(name)"])
        Task { await self.startAccepted(name) }
        return records[name]?.status ?? JobStatusDerivation.status(of: observation)
    }

    /// Starts an accepted job, unless a stop came first.
    private func startAccepted(_ name: String) async {
        guard let record = records[name], record.observation.runState == .created, !record.observation.stopRequested,
              !startsIssued.contains(name) else { return }
        startsIssued.insert(name)
        // A start the engine refuses (no such executable) shows in the container's state. One lost to a
        // transport failure (a timeout on a loaded engine) is retried, but only while the container has
        // never started: a start whose answer was lost must not run the job a second time.
        for attempt in 0..<5 {
            do {
                try await runtime.start(name: name)
                // The engine's `start` event brings the rest (see `started`).
                return
            } catch {
                logger.warning("job could not be started", metadata: ["jobName": "\(name)", "error": "\(error)", "attempt": "\(attempt + 1)"])
                metrics.engineErrors.increment()
                guard case DockerEngineError.transport = error, attempt < 4 else { break }
                try? await Task.sleep(for: .milliseconds(500 << attempt))
                guard let observed = try? await runtime.observe(name: name, selector: selector), observed.runState == .created,
                      observed.engineError.isEmpty, records[name]?.observation.stopRequested == false else { break }
            }
        }
        await refresh(name)
    }

    // MARK: - Stopping and deleting

    public func stop(named name: String) async throws(SchedulerError) -> JobStatus {
        guard let record = records[name] else { throw .jobNotFound(name) }
        if record.status.state.isTerminal { throw .jobAlreadyEnded(name) }
        if !record.observation.stopRequested {
            do {
                try await runtime.recordStopRequest(name: name, selector: selector)
            } catch {
                throw Self.schedulerError(from: error)
            }
            guard var current = records[name] else { throw .jobNotFound(name) }
            current.observation.stopRequested = true
            // The newest observation with the request added: applied under a ticket taken now, so that
            // nothing applied while the request was being recorded can make this one look stale (and
            // skip ending the job).
            apply(current.observation, ticket: takeTicket())
            logger.info("job stop requested", metadata: ["jobName": "\(name)"])
        }
        return records[name]?.status ?? record.status
    }

    /// Stops every job that has not ended.
    public func stopAll() async throws(SchedulerError) -> [JobStatus] {
        var stopped: [JobStatus] = []
        for name in records.values.filter({ !$0.status.state.isTerminal }).map(\.status.name).sorted() {
            do {
                stopped.append(try await stop(named: name))
            } catch .jobAlreadyEnded, .jobNotFound {
                continue  // it ended or went away meanwhile
            }
        }
        return stopped
    }

    /// Removes a job: kills it if it runs, and removes its container and payload.
    public func delete(named name: String) async throws(SchedulerError) {
        guard records[name] != nil else { throw .jobNotFound(name) }
        do {
            try await runtime.remove(name: name, selector: selector)
        } catch {
            throw Self.schedulerError(from: error)
        }
        forget(name)
        logger.info("job deleted", metadata: ["jobName": "\(name)"])
    }

    // MARK: - Keeping the index true

    /// Rebuilds the index from the runtime, and carries out what a previous run left undone: starts
    /// accepted jobs, removes half-made submissions, resumes stops, enforces deadlines and history.
    public func reconcile() async throws(SchedulerError) {
        let ticket = takeTicket()
        let observations: [JobObservation]
        do {
            observations = try await runtime.observeAll(selector: selector)
        } catch {
            throw Self.schedulerError(from: error)
        }
        let seen = Set(observations.map(\.name))
        for name in records.keys where !seen.contains(name) && !launching.contains(name) && (records[name]?.ticket ?? 0) < ticket {
            forget(name)
        }
        for observation in observations {
            if observation.runState == .created && !observation.submissionComplete {
                // A submission that died before it was answered: nobody knows of this job.
                // (Unless this scheduler made or started it: then it was complete.)
                if !launching.contains(observation.name) && !startsIssued.contains(observation.name) {
                    discardUnfinishedSubmission(observation.name)
                }
                continue
            }
            apply(observation, ticket: ticket)
            if observation.runState == .created && observation.engineError.isEmpty && !observation.stopRequested && !launching.contains(observation.name) {
                Task { await self.startAccepted(observation.name) }
            }
        }
        logger.info("reconciled with the engine", metadata: ["jobs": "\(records.count)"])
    }

    /// Follows the runtime's events until the calling task is cancelled.
    public func run() async {
        for await event in runtime.events(selector: selector) {
            switch event {
            case .connected, .reconnected:
                // Changes made while no events flowed are only seen in a fresh list.
                engineConnected = true
                do {
                    try await reconcile()
                } catch {
                    logger.warning("reconcile failed", metadata: ["error": "\(error)"])
                }
            case .disconnected(let reason):
                if engineConnected {
                    logger.error("lost the engine's events; reconnecting", metadata: ["error": "\(reason)"])
                    metrics.engineErrors.increment()
                }
                engineConnected = false
            case .jobChanged(let name):
                Task { await self.refresh(name) }
            case .jobStarted(let name, let time):
                // A first start's facts are all in the event once an inspection has given the image ID:
                // then no inspection is sent, sparing the engine while it starts other containers.
                if !started(name, at: time) { Task { await self.refresh(name) } }
            case .jobExited(let name, let exitCode, let time):
                exited(name, exitCode: exitCode, at: time)
                Task { await self.refresh(name) }
            case .jobRemoved(let name):
                if !launching.contains(name), records[name] != nil {
                    forget(name)
                    logger.info("job container removed", metadata: ["jobName": "\(name)"])
                }
            }
        }
    }

    /// Reads one job from the runtime and applies what it says.
    func refresh(_ name: String) async {
        let ticket = takeTicket()
        do {
            if let observation = try await runtime.observe(name: name, selector: selector) {
                apply(observation, ticket: ticket)
            } else if !launching.contains(name), let record = records[name], record.ticket < ticket {
                forget(name)
            }
        } catch {
            logger.warning("could not read job from the engine", metadata: ["jobName": "\(name)", "error": "\(error)"])
            metrics.engineErrors.increment()
        }
    }

    // The engine answers an inspection of a container that just exited only once it has cleaned it up
    // (network and mounts: a hundred milliseconds and more), and a start or an exit is all most status
    // changes are. So the events' own facts are applied at once, where they alone decide the status;
    // the inspection each event also starts follows and has the last word.

    /// A first start: the job runs from `time` on. Returns whether that is all there is to know (an
    /// inspection had already filled in the rest).
    private func started(_ name: String, at time: Date) -> Bool {
        guard let record = records[name], record.observation.runState == .created, record.observation.engineError.isEmpty,
              !record.observation.stopRequested else { return false }
        var observation = record.observation
        observation.runState = .running
        observation.startedAt = time
        apply(observation, ticket: takeTicket())
        return !observation.imageID.isEmpty
    }

    /// An exit after which the engine will not start the container again: the job has ended.
    private func exited(_ name: String, exitCode: Int, at time: Date) {
        // (Only once an inspection has filled in what the events do not carry: a finished job's status is complete.)
        guard let record = records[name], record.observation.runState == .running, !record.observation.imageID.isEmpty else { return }
        var observation = record.observation
        // The engine retries (on-failure) a non-zero exit while retries are left, unless the job was
        // stopped (the scheduler then removes the restart policy first).
        let retryPossible = exitCode != 0 && observation.restartCount < observation.backoffLimit
            && !observation.stopRequested && !record.deadlineKilled
        guard !retryPossible else { return }
        observation.runState = .exited
        observation.exitCode = exitCode
        observation.finishedAt = time
        apply(observation, ticket: takeTicket())
    }

    private func apply(_ observation: JobObservation, ticket: UInt64) {
        let name = observation.name
        if forgotten.contains(name) { return }
        if var existing = records[name], existing.ticket > ticket {
            // Too old to say what state the job is in; but what never changes still fills a gap that
            // an event's facts (applied meanwhile) left.
            if existing.observation.imageID.isEmpty && !observation.imageID.isEmpty {
                existing.observation.imageID = observation.imageID
                existing.status = JobStatusDerivation.status(of: existing.observation, deadlineKilled: existing.deadlineKilled)
                records[name] = existing
            }
            return
        }
        var record = records[name] ?? Record(observation: observation, status: JobStatus(name: name, state: .waiting), ticket: ticket)
        let previous = records[name]?.status.state
        // A stop request is only ever added, and our own record of it may be ahead of an observation made earlier.
        var observation = observation
        observation.stopRequested = observation.stopRequested || record.observation.stopRequested
        record.observation = observation
        record.ticket = ticket
        record.status = JobStatusDerivation.status(of: observation, deadlineKilled: record.deadlineKilled)
        records[name] = record

        let state = record.status.state
        metrics.recordTransition(from: previous, to: record.status, observation: observation)
        if previous != state {
            metrics.running.record(records.values.filter { $0.status.state == .running || $0.status.state == .stopping }.count)
            logger.info("job is \(state.rawValue)", metadata: [
                "jobName": "\(name)", "status": "\(state.rawValue)", "previous": "\(previous?.rawValue ?? "-")",
                "message": "\(record.status.message ?? "")",
            ])
        }
        if state.isTerminal {
            deadlineTimers.removeValue(forKey: name)?.cancel()
            if previous != state { enforceHistoryLimit() }
        } else {
            scheduleDeadline(for: observation)
            if observation.stopRequested && (observation.runState == .running || observation.runState == .restarting || observation.runState == .paused) {
                endJob(name, byDeadline: false)
            }
        }
    }

    private func scheduleDeadline(for observation: JobObservation) {
        guard deadlineTimers[observation.name] == nil, let deadline = observation.deadline else { return }
        let name = observation.name
        deadlineTimers[name] = Task {
            let delay = deadline.timeIntervalSinceNow
            // Clamped: a time limit of years must not overflow the sleep (it is re-armed after restarts anyway).
            if delay > 0 { try? await Task.sleep(for: .milliseconds(Int64(min(delay, 3_153_600_000) * 1000))) }
            guard !Task.isCancelled else { return }
            self.deadlineReached(name)
        }
    }

    private func deadlineReached(_ name: String) {
        deadlineTimers[name] = nil
        guard var record = records[name], !record.status.state.isTerminal, record.observation.runState != .created else { return }
        record.deadlineKilled = true
        records[name] = record
        logger.info("job reached its time limit", metadata: ["jobName": "\(name)", "timeLimitSeconds": "\(record.observation.timeLimitSeconds)"])
        endJob(name, byDeadline: true)
    }

    /// Sends the stop (grace period, then kill) or the deadline kill, once.
    private func endJob(_ name: String, byDeadline: Bool) {
        guard !ending.contains(name) || byDeadline else { return }
        ending.insert(name)
        let grace = configuration.stopGracePeriod
        Task {
            do {
                if byDeadline {
                    try await self.runtime.kill(name: name)
                } else {
                    try await self.runtime.stop(name: name, gracePeriod: grace)
                }
            } catch {
                self.logger.warning("could not end job", metadata: ["jobName": "\(name)", "error": "\(error)"])
            }
            await self.endFinished(name)
        }
    }

    private func endFinished(_ name: String) async {
        ending.remove(name)
        await refresh(name)
    }

    /// Keeps the latest `historyLimit` succeeded and failed jobs; removes older ones from the engine.
    private func enforceHistoryLimit() {
        let surplus = HistoryRetention.jobsToRemove(from: records.values.map(\.status), limit: configuration.historyLimit)
        for name in surplus {
            forget(name)
            logger.info("job removed from history", metadata: ["jobName": "\(name)"])
            Task {
                do {
                    try await self.runtime.remove(name: name, selector: self.selector)
                } catch {
                    // Still in the engine: the next reconcile sees it and removes it again.
                    self.logger.warning("could not remove job from history", metadata: ["jobName": "\(name)", "error": "\(error)"])
                }
            }
        }
    }

    private func discardUnfinishedSubmission(_ name: String) {
        logger.info("removing a submission that never completed", metadata: ["jobName": "\(name)"])
        Task { try? await self.runtime.remove(name: name, selector: self.selector) }
    }

    private func forget(_ name: String) {
        records[name] = nil
        startsIssued.remove(name)
        deadlineTimers.removeValue(forKey: name)?.cancel()
        if forgotten.count >= 100_000 { forgotten.removeAll() }  // bounded; only recent names still have containers
        forgotten.insert(name)
    }

    private func takeTicket() -> UInt64 {
        nextTicket += 1
        return nextTicket
    }

    // MARK: - Errors

    static func schedulerError(from error: any Error, creating launch: JobLaunch? = nil) -> SchedulerError {
        if let error = error as? SchedulerError { return error }
        guard let error = error as? DockerEngineError else { return .engineUnavailable("\(error)") }
        switch error {
        case .notFound(let message) where launch != nil:
            return .badRequest("cannot create the job: \(message) (is image \(launch!.image) on the engine?)")
        case .badRequest(let message) where launch != nil:
            return .badRequest("the engine refused the job: \(message)")
        default:
            return .engineUnavailable(error.description)
        }
    }
}
