import Foundation
import Logging

extension JobScheduler {
    /// Logs and counts what the decisions report.
    func record(_ report: SchedulerReport) {
        switch report {
        case .jobChanged(let name, let previous, let status, let observation, let activeJobs):
            metrics.recordTransition(from: previous, to: status, observation: observation, now: clock.now)
            metrics.running.record(activeJobs)
            logger.info("job is \(status.state.rawValue)", metadata: [
                "jobName": "\(name)", "status": "\(status.state.rawValue)", "previous": "\(previous?.rawValue ?? "-")",
                "message": "\(status.message ?? "")",
            ])
        case .jobForgotten(let name, let reason):
            switch reason {
            case .deleted: logger.info("job deleted", metadata: ["jobName": "\(name)"])
            case .removedFromHistory: logger.info("job removed from history", metadata: ["jobName": "\(name)"])
            case .containerRemoved: logger.info("job container removed", metadata: ["jobName": "\(name)"])
            }
        case .stopRequested(let name):
            logger.info("job stop requested", metadata: ["jobName": "\(name)"])
        case .batchCreated(let name, let jobs):
            logger.info("batch created", metadata: ["batchName": "\(name)", "jobs": "\(jobs)"])
        case .batchStopRequested(let name):
            logger.info("batch stop requested", metadata: ["batchName": "\(name)"])
        case .batchForgotten(let name, let reason):
            switch reason {
            case .deleted: logger.info("batch deleted", metadata: ["batchName": "\(name)"])
            case .removedFromHistory: logger.info("batch removed from history", metadata: ["batchName": "\(name)"])
            case .containerRemoved: logger.info("batch record removed", metadata: ["batchName": "\(name)"])
            }
        case .deadlineReached(let name, let timeLimitSeconds):
            logger.info("job reached its time limit", metadata: ["jobName": "\(name)", "timeLimitSeconds": "\(timeLimitSeconds)"])
        case .retryDecided(let name, let attempt):
            logger.info("job attempt failed; trying again", metadata: [
                "jobName": "\(name)", "attempt": "\(attempt.index + 1)", "exitCode": "\(attempt.exitCode)", "counted": "\(attempt.counted)",
            ])
        case .startRetryScheduled(let name, let attempt, let time):
            logger.info("job start will be tried again", metadata: ["jobName": "\(name)", "attempt": "\(attempt + 1)", "at": "\(time)"])
        case .unfinishedSubmissionDiscarded(let name):
            logger.info("removing a submission that never completed", metadata: ["jobName": "\(name)"])
        case .scheduledRunCaughtUp(let run):
            logger.info("running a tick missed while no scheduler ran", metadata: scheduleMetadata(run))
        case .scheduledTicksMissed(let index, let count):
            logger.warning("schedule ticks missed", metadata: ["schedule": "\(index)", "count": "\(count)"])
            metrics.ticksMissed.increment(by: count)
        case .scheduledRunSkipped(let run, let running):
            logger.info("tick skipped: scheduled runs have not ended (concurrency Forbid)",
                        metadata: scheduleMetadata(run).merging(["running": "\(running.joined(separator: ","))"]) { $1 })
            metrics.ticksSkipped.increment()
        case .scheduledRunReplaced(let name, let run):
            logger.info("stopping a scheduled run for the next (concurrency Replace)", metadata: scheduleMetadata(run).merging(["jobName": "\(name)"]) { $1 })
            metrics.runsReplaced.increment()
        case .scheduledRunTakenElsewhere(let run):
            logger.info("tick already run by another scheduler", metadata: scheduleMetadata(run))
        case .startClaimedElsewhere(let name):
            logger.info("another scheduler starts the run left unstarted", metadata: ["jobName": "\(name)"])
        case .scheduledRunFailed(let run):
            logger.error("tick could not be run", metadata: scheduleMetadata(run))
            metrics.ticksMissed.increment()
        case .reconciled(let jobs):
            logger.info("reconciled with the engine", metadata: ["jobs": "\(jobs)"])
        case .engineLost(let reason):
            logger.error("lost the engine's events; reconnecting", metadata: ["error": "\(reason)"])
            metrics.engineErrors.increment()
        }
    }
}
