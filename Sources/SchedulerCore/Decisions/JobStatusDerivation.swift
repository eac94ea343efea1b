import Foundation

/// Turns what the runtime observed about a job into the status the API reports. Pure, so every
/// rule is unit-tested without an engine.
public enum JobStatusDerivation {
    /// Radix's reason for a job killed at its time limit.
    public static let deadlineExceeded = "DeadlineExceeded"

    public static func status(of job: JobObservation, deadlineKilled: Bool = false) -> JobStatus {
        let decision = RetryDecision.decide(job, attempts: job.attempts, deadlineKilled: deadlineKilled)
        let failedAttempts = failedAttempts(of: job, decision: decision)
        let restartPending = if case .restartRecorded = decision { true } else { false }
        var state: JobState
        var message: String?
        var reason: String?
        var replica: ReplicaState

        switch job.runState {
        case .created where !job.engineError.isEmpty:
            // The engine could not start the process (no such executable, say).
            state = .failed
            message = "the container could not start: \(job.engineError)"
            reason = "StartError"
            replica = .failed
        case .created:
            state = job.stopRequested ? .stopped : .waiting
            message = job.stopRequested ? "stopped before it started" : nil
            reason = job.stopRequested ? "Stopped" : nil
            replica = job.stopRequested ? .stopped : .pending
        case .pending:
            state = job.stopRequested ? .stopping : .waiting
            // (As a created job's until the runtime says why it waits: nothing new to tell before.)
            message = job.engineError.isEmpty ? nil : "waiting to be placed: \(job.engineError)"
            replica = .pending
        case .running, .paused:
            state = job.stopRequested ? .stopping : .running
            message = job.stopRequested ? "stop requested; waiting for the job to exit" : nil
            replica = .running
        case .restarting:
            // (An engine's own restart policy: containers made before the scheduler decided retries.)
            state = job.stopRequested ? .stopping : .running
            message = "attempt \(failedAttempts) of \(job.backoffLimit + 1) failed with exit code \(job.exitCode); retrying"
            replica = .failing
        case .exited where restartPending, .dead where restartPending:
            // Restarted: the same container runs again, once started.
            state = .waiting
            message = "restarted; starting again"
            replica = .pending
        case .exited where decision.retries:
            state = .running
            message = "attempt \(failedAttempts) failed with exit code \(job.exitCode); retrying"
            reason = job.oomKilled ? "OOMKilled" : "Error"
            replica = .failing
        case .exited, .dead:
            if job.stopRequested {
                state = .stopped
                message = "stopped through the API"
                reason = "Stopped"
                replica = .stopped
            } else if job.exitCode == 0 && job.runState == .exited {
                state = .succeeded
                reason = "Completed"
                replica = .succeeded
            } else {
                state = .failed
                replica = .failed
                if deadlineKilled || passedDeadline(job) {
                    reason = deadlineExceeded
                    message = "the job ran past its time limit of \(job.timeLimitSeconds) seconds and was killed"
                } else if !job.engineError.isEmpty {
                    // The runtime knows why better than an exit code can say (the node it ran on was lost).
                    reason = "Error"
                    message = job.engineError
                } else if job.oomKilled {
                    reason = "OOMKilled"
                    message = "the job ran out of memory (exit code \(job.exitCode))"
                } else {
                    reason = "Error"
                    let policy = job.failurePolicy?.action(forExitCode: job.exitCode) == .failJob ? " (its failure policy fails it at once)" : ""
                    message = "the job failed with exit code \(job.exitCode)" + (failedAttempts > 1 ? " after \(failedAttempts) attempts" : "") + policy
                }
            }
        }

        let current = job.runState == .created || job.runState == .pending ? nil : job.startedAt
        let attempts = job.attempts.sorted { $0.index < $1.index }
        // The first attempt's start, once there were retries (the container's own is its latest).
        let started = attempts.first?.startedAt ?? current
        let ended = state.isTerminal ? (job.finishedAt ?? (job.runState == .created ? job.created : nil)) : nil
        var pods = attempts.map { attempt in
            let failed = attempt.restartedAt == nil || attempt.exitCode != 0
            let how = attempt.engineError.isEmpty ? "with exit code \(attempt.exitCode)" : "(\(attempt.engineError))"
            let message = attempt.restartedAt == nil
                ? "attempt \(attempt.index + 1) failed \(how)" + (attempt.counted ? "" : " (not counted: its failure policy ignores it)")
                : "run \(attempt.index + 1) ended with exit code \(attempt.exitCode); the job was restarted"
            return PodStatus(name: job.name, created: job.created, startTime: attempt.startedAt, endTime: attempt.finishedAt,
                             containerStarted: attempt.startedAt, replicaState: failed ? .failed : .succeeded, statusMessage: message,
                             restartCount: attempt.index, image: job.image, imageId: job.imageID, podIndex: attempt.index,
                             exitCode: attempt.exitCode, reason: attempt.oomKilled ? "OOMKilled" : failed ? "Error" : "Completed")
        }
        switch decision {
        case .retryRecorded, .restartRecorded:
            break  // the current run is the last recorded attempt, the next not started yet
        default:
            let index = (attempts.last?.index ?? -1) + 1
            pods.append(PodStatus(
                name: job.name,
                created: job.created,
                startTime: current,
                endTime: job.runState == .created || job.runState == .pending ? nil : (job.runState == .running || job.runState == .paused ? nil : job.finishedAt),
                containerStarted: current,
                replicaState: replica,
                statusMessage: message,
                restartCount: job.restartCount + index,
                image: job.image,
                imageId: job.imageID,
                podIndex: index,
                exitCode: (job.runState == .exited || job.runState == .dead || job.runState == .restarting) ? job.exitCode : nil,
                reason: reason
            ))
        }
        let updated = [job.created, current, job.finishedAt, job.lastRestart].compactMap { $0 }.max()
        var status = JobStatus(name: job.name, jobId: job.jobId, created: job.created, started: started, ended: ended,
                               updated: updated, state: state, message: message, failed: failedAttempts, podStatuses: pods)
        status.restarted = job.lastRestart
        return status
    }

    /// Every recorded attempt failed; so did an engine restart's (older containers); and so did the
    /// current run if it failed and is not recorded yet.
    static func failedAttempts(of job: JobObservation, decision: RetryDecision) -> Int {
        // (A run a restart ended counts only if it had failed.)
        let earlier = job.restartCount + job.attempts.filter { $0.restartedAt == nil || $0.exitCode != 0 }.count
        switch (job.runState, decision) {
        case (_, .retryRecorded), (_, .restartRecorded):
            return earlier
        case (.exited, _), (.dead, _):
            return earlier + ((job.exitCode != 0 || job.runState == .dead) && !job.stopRequested ? 1 : 0)
        default:
            // The engine counts a restart as soon as it decides on it, so while restarting (and
            // while running again) every failed attempt is already counted.
            return earlier
        }
    }

    /// A job that ended at or after its deadline was ended by it (the kill is a few ms late at most).
    static func passedDeadline(_ job: JobObservation) -> Bool {
        guard let deadline = job.deadline, let finished = job.finishedAt else { return false }
        return finished >= deadline.addingTimeInterval(-0.5)
    }
}
