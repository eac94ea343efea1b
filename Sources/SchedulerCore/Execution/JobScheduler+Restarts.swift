import DockerEngine
import Foundation

extension JobScheduler {
    /// Runs a single job again under its name, with its payload and settings: a running job is ended
    /// first; the run it ends stays in its pod statuses, and is counted in the runs' summary.
    public func restart(named name: String) async throws(SchedulerError) -> JobStatus {
        let plan = try state.withLock { state throws(SchedulerError) in try state.beginRestart(name) }
        return try await carryOut(plan, of: name)
    }

    /// Runs every job of a batch again (those that never started, once its stop is taken back).
    public func restartBatch(named name: String) async throws(SchedulerError) -> BatchStatus {
        let plans = try state.withLock { state throws(SchedulerError) in try state.beginBatchRestart(name) }
        do {
            try await runtime.takeBackBatchStop(name: name, selector: selector)
        } catch {
            for (job, _) in plans { decide { state, _ in ((), state.restartFailed(job)) } }
            throw Self.schedulerError(from: error)
        }
        decide { state, now in ((), state.batchStopTakenBack(name, now: now)) }
        var failure: SchedulerError?
        for (job, plan) in plans {
            do {
                _ = try await carryOut(plan, of: job)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return try state.withLock { state throws(SchedulerError) in
            guard let status = state.batchStatus(of: name) else { throw .batchNotFound(name) }
            return status
        }
    }

    /// Ends the job if it runs, counts the run it ends, records the restart, and lets the decisions start it.
    private func carryOut(_ plan: SchedulerState.RestartPlan, of name: String) async throws(SchedulerError) -> JobStatus {
        let attempt: JobAttempt, ended: JobObservation
        do {
            if plan.running { try await runtime.stop(name: name, gracePeriod: .zero) }
            guard let observed = try await runtime.observe(name: name, selector: selector), [.exited, .dead].contains(observed.runState) else {
                throw SchedulerError.conflict("job \(name) did not end for its restart; ask again")
            }
            ended = observed
            attempt = JobAttempt(index: plan.attemptIndex, exitCode: ended.exitCode, startedAt: ended.startedAt, finishedAt: ended.finishedAt,
                                 oomKilled: ended.oomKilled, counted: false, restartedAt: clock.now)
            let tally = try await runtime.foldRuns([plan.outcome], at: clock.now, selector: selector)
            state.withLock { $0.runTallyFound(tally) }
            try await runtime.recordRestart(attempt, name: name, selector: selector)
        } catch {
            logger.warning("could not restart job", metadata: ["jobName": "\(name)", "error": "\(error)"])
            decide { state, _ in ((), state.restartFailed(name)) }
            throw Self.schedulerError(from: error)
        }
        let status = decide { state, now in state.restartRecorded(name, ended: ended, attempt: attempt, now: now) }
        guard let status else { throw .jobNotFound(name) }
        return status
    }
}
