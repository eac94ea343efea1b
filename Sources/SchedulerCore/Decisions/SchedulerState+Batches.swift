import Foundation

/// A batch as the scheduler knows it.
struct BatchRecord: Sendable {
    var observation: BatchObservation
    /// The ticket under which the batch was last seen or recorded.
    var ticket: UInt64
}

/// Batches: many jobs submitted, reported, stopped and kept in history together. Each job is a job
/// like any other; what a batch adds is its record (the submission's commit point), a stop of the
/// whole, its own status and its own history groups.
extension SchedulerState {
    // MARK: - Reading

    public func batchStatus(of name: String) -> BatchStatus? {
        guard let batch = batches[name] else { return nil }
        let jobs = (jobsOfBatch[name] ?? []).compactMap { job in records[job].map { (index: $0.observation.batchIndex, status: $0.status) } }
        return BatchStatusDerivation.status(of: batch.observation, jobs: jobs, rules: batchStatusRules)
    }

    /// Every batch's status, newest first.
    public func batchesNewestFirst() -> [BatchStatus] {
        batches.keys.compactMap(batchStatus(of:))
            .sorted { ($0.created ?? .distantPast, $0.name) > ($1.created ?? .distantPast, $1.name) }
    }

    /// A job of a batch, by its full name or by the 8 characters its name ends with (Radix's code
    /// takes the latter, its documents show the former).
    public func batchJobName(_ job: String, in batch: String) throws(SchedulerError) -> String {
        guard batches[batch] != nil else { throw .batchNotFound(batch) }
        let members = jobsOfBatch[batch] ?? []
        if members.contains(job) { return job }
        let full = "\(batch)-\(job)"
        if members.contains(full) { return full }
        throw .jobNotFound(job)
    }

    /// The status of a batch's job, with the batch's ID.
    public func batchJobStatus(_ job: String, in batch: String) throws(SchedulerError) -> JobStatus {
        let name = try batchJobName(job, in: batch)
        guard var status = records[name]?.status else { throw .jobNotFound(job) }
        status.batchId = batches[batch]?.observation.batchId
        return status
    }

    /// The batches a "stop all" stops: those that have not ended.
    public func activeBatchNames() -> [String] {
        batches.keys.filter { !batchHasEnded($0) }.sorted()
    }

    // MARK: - Requests

    /// Reserves the names of a new batch and its jobs; false when one is taken (draw others).
    public mutating func beginBatchSubmission(_ batch: String, jobs: [String]) -> Bool {
        guard batches[batch] == nil, !launchingBatches.contains(batch), !forgotten.contains(batch),
              Set(jobs).count == jobs.count,
              jobs.allSatisfy({ records[$0] == nil && !launching.contains($0) && !forgotten.contains($0) }) else { return false }
        launchingBatches.insert(batch)
        launching.formUnion(jobs)
        return true
    }

    /// The batch could not be submitted; what was made of it has been removed (or is a leftover the
    /// next reconcile removes).
    public mutating func batchSubmissionFailed(_ batch: String, jobs: [String]) -> SchedulerEffects {
        var effects = SchedulerEffects()
        unindexBatchKey(of: batch)
        launchingBatches.remove(batch)
        launching.subtract(jobs)
        for job in jobs where records[job] != nil { forget(job, .containerRemoved, &effects) }
        jobsOfBatch[batch] = nil
        finish(&effects)
        return effects
    }

    /// Every job of the batch exists and the batch is recorded: it is accepted, and its jobs start.
    public mutating func batchSubmissionCreated(_ batch: BatchObservation, jobs: [JobObservation], now: Date) -> (BatchStatus, SchedulerEffects) {
        var effects = SchedulerEffects()
        let ticket = takeTicket()
        if batches[batch.name] == nil { noteBatchAppeared(batch.name, fresh: true) }
        batches[batch.name] = BatchRecord(observation: batch, ticket: ticket)
        indexKey(of: batch)
        revision &+= 1
        for job in jobs { apply(job, ticket: ticket, now: now, &effects) }
        launchingBatches.remove(batch.name)
        for job in jobs {
            launching.remove(job.name)
            startIfAccepted(job.name, &effects)
        }
        effects.reports.append(.batchCreated(name: batch.name, jobs: jobs.count))
        // Taken before `finish`, which may trim the history.
        let status = batchStatus(of: batch.name) ?? BatchStatusDerivation.status(of: batch, jobs: [], rules: batchStatusRules)
        finish(&effects)
        return (status, effects)
    }

    /// What a batch's stop needs: nothing when it was requested already (the batch's status), else the
    /// request recorded in the runtime, then `batchStopRecorded`.
    public func batchStopNeedsRecording(_ name: String) throws(SchedulerError) -> BatchStatus? {
        guard let batch = batches[name], let status = batchStatus(of: name) else { throw .batchNotFound(name) }
        if status.isFinished { throw .batchAlreadyEnded(name, state: status.state.rawValue) }
        return batch.observation.stopRequestedAt == nil ? nil : status
    }

    /// A batch's stop is recorded: its jobs that have not ended are stopped (those waiting never start).
    public mutating func batchStopRecorded(_ name: String, at time: Date, now: Date) throws(SchedulerError) -> (BatchStatus, SchedulerEffects) {
        guard batches[name] != nil else { throw .batchNotFound(name) }
        var effects = SchedulerEffects()
        batches[name]?.observation.stopRequestedAt = time
        revision &+= 1
        let ticket = takeTicket()
        for job in jobsOfBatch[name] ?? [] {
            guard let record = records[job], !record.status.state.isTerminal else { continue }
            let observation = record.observation
            apply(observation, ticket: ticket, now: now, &effects)
        }
        effects.reports.append(.batchStopRequested(name: name))
        // Taken before `finish`: a batch that ends with its stop may leave the history at once.
        guard let status = batchStatus(of: name) else { throw .batchNotFound(name) }
        finish(&effects)
        return (status, effects)
    }

    /// Checks that a batch can be deleted; returns its jobs, which the runtime then removes (after the
    /// batch's record), and `batchDeleted` forgets.
    public mutating func checkBatchDeletable(_ name: String) throws(SchedulerError) -> [String] {
        guard batches[name] != nil else { throw .batchNotFound(name) }
        if notifies { deletingBatches[name] = batchStatus(of: name) }
        batchesBeingDeleted.insert(name)
        return (jobsOfBatch[name] ?? []).sorted()
    }

    /// An ended batch's outcome is recorded in the runtime.
    public mutating func batchOutcomeRecorded(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        outcomesRecording.remove(name)
        if batches[name] == nil || batchesBeingDeleted.contains(name) {
            // Recorded while the batch was being removed: after its removal took the records away.
            effects.actions.append(.removeBatch(name: name, jobs: []))
        } else {
            batches[name]?.observation.outcomeRecorded = true
        }
        finish(&effects)
        return effects
    }

    /// An ended batch's outcome could not be recorded (a job the decisions took for ended was still
    /// running when read, or the runtime failed): asked again at once if the batch has ended by now (a
    /// few times), else when its next job ends or at the next reconcile. Until then its jobs are read
    /// one by one, as before.
    public mutating func batchOutcomeRecordFailed(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        outcomesRecording.remove(name)
        outcomeFailures[name, default: 0] += 1
        if outcomeFailures[name, default: 0] <= Self.outcomeRetries { outcomesToCheck.insert(name) }
        finish(&effects)
        return effects
    }

    /// The batch's deletion failed before its record was removed: it stays as it was.
    public mutating func batchDeletionFailed(_ name: String) {
        batchesBeingDeleted.remove(name)
        deletingBatches[name] = nil
    }

    public mutating func batchDeleted(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        _ = forgetBatch(name, .deleted, &effects)
        batchesBeingDeleted.remove(name)
        finish(&effects)
        return effects
    }

    // MARK: - Rules

    /// The batches the runtime has, listed under `ticket` (before its jobs were): new ones become known,
    /// known ones whose record is gone are forgotten with their jobs (leftovers to remove).
    mutating func reconcileBatches(_ found: [BatchObservation], ticket: UInt64, _ effects: inout SchedulerEffects) {
        let seen = Set(found.map(\.name))
        for (name, batch) in batches where !seen.contains(name) && batch.ticket < ticket {
            for job in forgetBatch(name, .containerRemoved, &effects) { effects.actions.append(.remove(name: job)) }
        }
        for batch in found where !forgotten.contains(batch.name) {
            if let known = batches[batch.name], known.ticket > ticket { continue }
            if batches[batch.name]?.observation != batch { revision &+= 1 }
            if batches[batch.name] == nil { noteBatchAppeared(batch.name, fresh: launchingBatches.contains(batch.name)) }
            // A stop or an outcome this process recorded stays, even if the listing was made before it.
            var batch = batch
            batch.stopRequestedAt = batch.stopRequestedAt ?? batches[batch.name]?.observation.stopRequestedAt
            batch.outcomeRecorded = batch.outcomeRecorded || batches[batch.name]?.observation.outcomeRecorded == true
            if !batch.outcomeRecorded { outcomesToCheck.insert(batch.name) }
            batches[batch.name] = BatchRecord(observation: batch, ticket: ticket)
            indexKey(of: batch)
            historyToCheck.batches = true
        }
    }

    /// Whether a job is stopped by its batch's stop: unless it had ended before the stop was asked for.
    func stoppedWithItsBatch(_ observation: JobObservation) -> Bool {
        guard let batch = observation.batchName, let stoppedAt = batches[batch]?.observation.stopRequestedAt else { return false }
        let endedBefore = (observation.finishedAt ?? .distantFuture) < stoppedAt
            && JobStatusDerivation.status(of: observation).state.isTerminal
        return !endedBefore
    }

    /// How many failed recordings of one batch's outcome are asked again at once.
    static let outcomeRetries = 3

    /// Asks for the outcome of each batch in `outcomesToCheck` that has ended and has none recorded.
    mutating func recordEndedBatchOutcomes(_ effects: inout SchedulerEffects) {
        let candidates = outcomesToCheck
        outcomesToCheck = []
        for name in candidates.sorted() {
            guard let batch = batches[name], !batch.observation.outcomeRecorded, !outcomesRecording.contains(name),
                  !launchingBatches.contains(name), let jobs = jobsOfBatch[name], !jobs.isEmpty, batchHasEnded(name),
                  // Not while a job's start or end is in flight: a job stopped just as it was started
                  // looks ended until its start is seen.
                  !jobs.contains(where: { ending[$0] != nil || startsInFlight.contains($0) })
            else { continue }
            outcomesRecording.insert(name)
            effects.actions.append(.recordBatchOutcome(name: name, jobs: jobs.sorted()))
        }
    }

    /// Every job of the batch has ended.
    func batchHasEnded(_ name: String) -> Bool {
        (jobsOfBatch[name] ?? []).allSatisfy { records[$0]?.status.state.isTerminal ?? true }
    }

    /// Forgets a batch and its jobs; returns the jobs' names.
    mutating func forgetBatch(_ name: String, _ reason: SchedulerReport.ForgetReason, _ effects: inout SchedulerEffects) -> [String] {
        let jobs = (jobsOfBatch[name] ?? []).sorted()
        noteForgetting(name, deleted: reason == .deleted, &effects)
        for job in jobs { forget(job, reason, &effects) }
        jobsOfBatch[name] = nil
        unindexBatchKey(of: name)
        if batches.removeValue(forKey: name) != nil { revision &+= 1 }
        forgotten.insert(name)
        effects.reports.append(.batchForgotten(name: name, reason: reason))
        return jobs
    }
}
