import Foundation

/// Restarts through the API: the same container runs again, with the same payload and settings, its
/// earlier runs kept as attempts. A restart is recorded in the runtime (as an attempt with
/// `restartedAt`, its stop request taken back) before the container is started, so a scheduler that dies
/// in between starts it on its next reconcile, once.
extension SchedulerState {
    /// What a restart needs to know before it is carried out.
    public struct RestartPlan: Sendable, Equatable {
        /// The job's container runs (or is stopping): it is ended first.
        public var running: Bool
        /// The index the run it ends is recorded under.
        public var attemptIndex: Int
        /// How the run it ends counts in the runs' summary (folded as `<job>#run<index>`).
        public var outcome: RunOutcome
    }

    /// Begins a restart of a single job that has started: it is out of the history's count and of retry
    /// decisions until `restartRecorded` (or `restartFailed`).
    public mutating func beginRestart(_ name: String) throws(SchedulerError) -> RestartPlan {
        guard let record = records[name] else { throw .jobNotFound(name) }
        if let batch = record.observation.batchName { throw .badRequest("job \(name) belongs to batch \(batch): restart the batch") }
        let plan = try planRestart(of: record)
        restarting.insert(name)
        return plan
    }

    /// Begins a restart of a whole batch: its stop is taken back (jobs stopped before they started wait
    /// to start again), and each job that has started is restarted (`restarts`).
    public mutating func beginBatchRestart(_ batch: String) throws(SchedulerError) -> [(name: String, plan: RestartPlan)] {
        guard batches[batch] != nil else { throw .batchNotFound(batch) }
        let jobs = (jobsOfBatch[batch] ?? []).sorted().compactMap { records[$0] }
        if let busy = jobs.first(where: { restarting.contains($0.status.name) }) {
            throw .conflict("job \(busy.status.name) of batch \(batch) is being restarted; ask again once it is answered")
        }
        let started = jobs.filter { $0.observation.runState != .created }
        guard !started.isEmpty else { throw .badRequest("no job of batch \(batch) has started: there is nothing to restart") }
        var plans: [(name: String, plan: RestartPlan)] = []
        for record in started { plans.append((record.status.name, try planRestart(of: record))) }
        for (name, _) in plans { restarting.insert(name) }
        return plans
    }

    /// The batch's stop and outcome records are removed: its jobs are no longer stopped with it, and
    /// those that never started wait to start.
    public mutating func batchStopTakenBack(_ batch: String, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        batches[batch]?.observation.stopRequestedAt = nil
        batches[batch]?.observation.outcomeRecorded = false
        revision &+= 1
        for name in (jobsOfBatch[batch] ?? []).sorted() {
            guard var observation = records[name]?.observation else { continue }
            observation.stopRequested = false
            records[name]?.observation.stopRequested = false
            apply(observation, ticket: takeTicket(), now: now, &effects)
            if observation.runState == .created { startIfAccepted(name, &effects) }
        }
        finish(&effects)
        return effects
    }

    func planRestart(of record: JobRecord) throws(SchedulerError) -> RestartPlan {
        let name = record.status.name
        guard !restarting.contains(name) else { throw .conflict("job \(name) is being restarted; ask again once it is answered") }
        guard record.observation.runState != .created else { throw .badRequest("job \(name) has not started: there is nothing to restart") }
        let index = (record.observation.attempts.map(\.index).max() ?? -1) + 1
        var outcome = RunOutcome(of: record.status)
        outcome.name = "\(name)#run\(index)"
        return RestartPlan(running: !record.status.state.isTerminal, attemptIndex: index, outcome: outcome)
    }

    /// The restart is recorded in the runtime: the job's stop request is taken back, its deadline counts
    /// from now, and its container is started again.
    /// `ended` is the job as read once it had ended (the events of its end may not be applied yet).
    public mutating func restartRecorded(_ name: String, ended: JobObservation, attempt: JobAttempt, now: Date) -> (JobStatus?, SchedulerEffects) {
        var effects = SchedulerEffects()
        restarting.remove(name)
        guard let known = records[name]?.observation else {
            finish(&effects)
            return (nil, effects)
        }
        var observation = ended
        observation.stopRequested = false
        observation.attempts = JobRecord.merged(JobRecord.merged(known.attempts, ended.attempts), [attempt])
        records[name]?.observation.stopRequested = false
        records[name]?.deadline = nil
        records[name]?.deadlineKilled = false
        ending[name] = nil
        retries[name] = nil
        apply(observation, ticket: takeTicket(), now: now, &effects)
        finish(&effects)
        return (records[name]?.status, effects)
    }

    /// The restart could not be recorded: the job is as the runtime has it (read again).
    public mutating func restartFailed(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        restarting.remove(name)
        if records[name] != nil { effects.actions.append(.observe(name: name, ticket: takeTicket())) }
        historyToCheck.jobs = true
        finish(&effects)
        return effects
    }
}
