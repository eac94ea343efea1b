import DockerEngine
import Foundation

/// A batch's requests: what runs in the request's own task, between the decisions' inputs.
extension JobScheduler {
    /// How many job containers of a batch are created at once.
    static let batchCreationConcurrency = 8

    // MARK: - Reading

    /// Every batch, newest first.
    public func batches() -> [BatchStatus] {
        state.withLock { $0.batchesNewestFirst() }
    }

    /// Every batch, newest first, with the revision they are of; nil batches when the revision is still `known`.
    public func batches(unlessRevision known: UInt64?) -> (revision: UInt64, batches: [BatchStatus]?) {
        state.withLock { state in (state.revision, state.revision == known ? nil : state.batchesNewestFirst()) }
    }

    public func batch(named name: String) throws(SchedulerError) -> BatchStatus {
        guard let status = state.withLock({ $0.batchStatus(of: name) }) else { throw .batchNotFound(name) }
        return status
    }

    /// A job of a batch, by its full name or the 8 characters its name ends with.
    public func job(named job: String, inBatch batch: String) throws(SchedulerError) -> JobStatus {
        try state.withLock { state throws(SchedulerError) in try state.batchJobStatus(job, in: batch) }
    }

    // MARK: - Requests

    /// Creates every job of the batch (not started), then records the batch: only then does it exist,
    /// and its jobs start. Should anything fail before, what was made is removed and nothing runs.
    public func submitBatch(_ request: BatchRequest, idempotencyKey: String? = nil) async throws(SchedulerError) -> BatchStatus {
        let key = submissionKey(header: idempotencyKey, callerID: request.batchId) { RequestFingerprint.of(request) }
        if let key, let made = try state.withLock({ state throws(SchedulerError) in try state.batchMade(under: key) }) { return made }
        guard (1...BatchRequest.maximumJobs).contains(request.jobs.count) else {
            throw .invalidRequest(["jobScheduleDescriptions: a batch has 1 to \(BatchRequest.maximumJobs) jobs, got \(request.jobs.count)"])
        }
        if let batchId = request.batchId, batchId.utf8.count > 253 || batchId.contains(where: { $0.isNewline }) {
            throw .invalidRequest(["batchId: at most 253 characters on one line"])
        }
        var launches: [JobLaunch] = []
        var problems: [String] = []
        for (index, job) in request.mergedJobs.enumerated() {
            do {
                var launch = try JobLaunchFactory.launch(for: job, name: "", configuration: configuration)
                launch.batchIndex = index
                launches.append(launch)
            } catch .invalidRequest(let found) {
                problems += found.map { "jobScheduleDescriptions[\(index)].\($0)" }
            } catch .badRequest(let message) {
                throw .badRequest("jobScheduleDescriptions[\(index)]: \(message)")
            } catch {
                throw error
            }
        }
        if !problems.isEmpty { throw .invalidRequest(problems) }

        // Names: the batch's, and each job's under it, reserved together.
        var batchName = "", jobNames: [String] = []
        reserving: while true {
            batchName = JobNaming.newBatchName(for: configuration.job.name, at: clock.now)
            jobNames = launches.map { _ in JobNaming.newBatchJobName(in: batchName) }
            let (name, jobs) = (batchName, jobNames)
            switch try state.withLock({ state throws(SchedulerError) in try state.beginBatchSubmission(name, jobs: jobs, key: key) }) {
            case .reserved: break reserving
            case .repeated(let made): return made
            case .nameTaken: continue
            }
        }
        for index in launches.indices {
            launches[index].name = jobNames[index]
            launches[index].batchName = batchName
        }

        let batch = BatchObservation(name: batchName, batchId: request.batchId, created: clock.now, submissionKey: key)
        do {
            try await createAll(launches)
            try await runtime.recordBatch(batch, selector: selector)
        } catch {
            logger.error("batch could not be created", metadata: ["batchName": "\(batchName)", "error": "\(error)"])
            if error is DockerEngineError { metrics.engineErrors.increment() }
            await removeAll(jobNames)
            decide { state, _ in ((), state.batchSubmissionFailed(batchName, jobs: jobNames)) }
            throw Self.schedulerError(from: error, creating: launches.first)
        }
        let observations = launches.map { JobObservation(accepted: $0, at: batch.created) }
        return decide { state, now in state.batchSubmissionCreated(batch, jobs: observations, now: now) }
    }

    /// Stops a batch's jobs that have not ended; those waiting never start.
    public func stopBatch(named name: String) async throws(SchedulerError) -> BatchStatus {
        if let status = try state.withLock({ state throws(SchedulerError) in try state.batchStopNeedsRecording(name) }) {
            return status
        }
        let time = clock.now
        do {
            try await runtime.recordBatchStop(name: name, at: time, selector: selector)
        } catch {
            throw Self.schedulerError(from: error)
        }
        return try decide { state, now throws(SchedulerError) in try state.batchStopRecorded(name, at: time, now: now) }
    }

    /// Stops every batch that has not ended.
    public func stopAllBatches() async throws(SchedulerError) -> [BatchStatus] {
        var stopped: [BatchStatus] = []
        for name in state.withLock({ $0.activeBatchNames() }) {
            do {
                stopped.append(try await stopBatch(named: name))
            } catch .batchAlreadyEnded, .batchNotFound {
                continue  // it ended or went away meanwhile
            }
        }
        return stopped
    }

    /// Stops one job of a batch (by its full or short name).
    public func stop(job: String, inBatch batch: String) async throws(SchedulerError) -> JobStatus {
        let name = try state.withLock { state throws(SchedulerError) in try state.batchJobName(job, in: batch) }
        return try await stop(named: name)
    }

    /// Removes a batch: its record, then every job (killed if running) with its payload.
    public func deleteBatch(named name: String) async throws(SchedulerError) {
        let (jobs, runs) = try state.withLock { (state: inout SchedulerState) throws(SchedulerError) in
            let jobs = try state.checkBatchDeletable(name)
            return (jobs, state.runOutcomes(of: jobs))
        }
        do {
            // Counted before anything is removed.
            if !runs.isEmpty {
                let tally = try await runtime.foldRuns(runs, at: clock.now, selector: selector)
                state.withLock { $0.runTallyFound(tally) }
            }
            try await runtime.removeBatchRecord(name: name, selector: selector)
        } catch {
            state.withLock { $0.batchDeletionFailed(name) }
            throw Self.schedulerError(from: error)
        }
        // Without its record, whatever of the batch is left is removed by the next reconcile.
        await removeAll(jobs)
        decide { state, _ in ((), state.batchDeleted(name)) }
    }

    /// Removes a batch dropped from history: its record first, then its jobs.
    func removeBatch(_ name: String, jobs: [String]) async {
        do {
            try await runtime.removeBatchRecord(name: name, selector: selector)
        } catch {
            // Still recorded: the next reconcile sees it and decides again.
            logger.warning("could not remove batch", metadata: ["batchName": "\(name)", "error": "\(error)"])
            return
        }
        await removeAll(jobs)
    }

    // MARK: - Internals

    /// Creates the containers, a few at a time; the first failure ends it (and is thrown).
    private func createAll(_ launches: [JobLaunch]) async throws {
        try await Self.forEach(launches) { launch in try await self.runtime.create(launch) }
    }

    /// Removes jobs, a few at a time; failures are logged (the jobs are leftovers a reconcile removes).
    private func removeAll(_ names: [String]) async {
        // The body never throws: each failure is logged where it happens.
        try? await Self.forEach(names) { name in
            do {
                try await self.runtime.remove(name: name, selector: self.selector)
            } catch {
                self.logger.warning("could not remove job", metadata: ["jobName": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Runs `body` on each item, `batchCreationConcurrency` at a time, in child tasks; the first error ends it.
    private static func forEach<Item: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = items[...]
            func addNext() {
                guard let item = pending.popFirst() else { return }
                group.addTask { try await body(item) }
            }
            for _ in 0..<batchCreationConcurrency { addNext() }
            while try await group.next() != nil { addNext() }
        }
    }
}
