import Foundation

/// The API's requests on single jobs: a submission's steps, a stop, a deletion. Each checks what the
/// state allows, records what is under way, and returns the effects to carry out.
extension SchedulerState {
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
}
