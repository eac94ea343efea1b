import Foundation
import RadixConfig

/// Whether a job whose container exited is tried again: decided by the scheduler from the exit code,
/// the job's failure policy and the attempts recorded so far (an engine's restart policy cannot tell
/// exit codes apart). A pure function of what the runtime records, so a scheduler started after a crash
/// decides exactly as the one before it did.
public enum RetryDecision: Sendable, Equatable {
    /// Nothing to decide: the container runs, succeeded, or was stopped or killed at its deadline.
    case notFailed
    /// The job has failed for good.
    case final
    /// Run the container again; `attempt` is what to record first.
    case retry(JobAttempt)
    /// This exit was recorded as an attempt to retry already: the retry's start is what remains.
    case retryRecorded(JobAttempt)
    /// A restart was recorded for this exit: the new run's start is what remains.
    case restartRecorded(JobAttempt)

    public static func decide(_ job: JobObservation, attempts: [JobAttempt], deadlineKilled: Bool) -> RetryDecision {
        // A restart goes on whatever the exit was (even a stop's or a deadline's, which it takes back).
        if let recorded = attempts.max(by: { $0.index < $1.index }), recorded.restartedAt != nil, [.exited, .dead].contains(job.runState),
           job.finishedAt != nil, recorded.finishedAt == job.finishedAt, recorded.startedAt == job.startedAt {
            return .restartRecorded(recorded)
        }
        guard job.runState == .exited, job.exitCode != 0, !job.stopRequested, !deadlineKilled,
              !JobStatusDerivation.passedDeadline(job) else { return .notFailed }
        // A run is known by its start and end as the runtime recorded them (to the nanosecond, on an engine).
        if let recorded = attempts.last, job.finishedAt != nil, recorded.finishedAt == job.finishedAt, recorded.startedAt == job.startedAt {
            return .retryRecorded(recorded)
        }
        let index = (attempts.map(\.index).max() ?? -1) + 1
        let attempt = { (counted: Bool) in
            JobAttempt(index: index, exitCode: job.exitCode, startedAt: job.startedAt, finishedAt: job.finishedAt,
                       oomKilled: job.oomKilled, counted: counted, engineError: job.engineError)
        }
        switch job.failurePolicy?.action(forExitCode: job.exitCode) ?? .count {
        case .failJob:
            return .final
        case .ignore:
            return .retry(attempt(false))
        case .count:
            // (An engine's own restarts count too: containers made before the scheduler decided retries.)
            // Only the failures since the latest restart count: a restart starts the count anew.
            let lastRestart = attempts.filter { $0.restartedAt != nil }.map(\.index).max() ?? -1
            let sinceRestart = attempts.filter { $0.index > lastRestart }
            return sinceRestart.filter(\.counted).count + job.restartCount < job.backoffLimit ? .retry(attempt(true)) : .final
        }
    }
}

extension RetryDecision {
    /// The job goes on: a retry is decided, recorded or not.
    public var retries: Bool {
        switch self {
        case .retry, .retryRecorded, .restartRecorded: true
        case .notFailed, .final: false
        }
    }
}
