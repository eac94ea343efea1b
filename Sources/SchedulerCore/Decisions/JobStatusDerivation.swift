import Foundation

/// Turns what the runtime observed about a job into the status the API reports. Pure, so every
/// rule is unit-tested without an engine.
public enum JobStatusDerivation {
    /// Radix's reason for a job killed at its time limit.
    public static let deadlineExceeded = "DeadlineExceeded"

    public static func status(of job: JobObservation, deadlineKilled: Bool = false) -> JobStatus {
        let failedAttempts = failedAttempts(of: job)
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
        case .running, .paused:
            state = job.stopRequested ? .stopping : .running
            message = job.stopRequested ? "stop requested; waiting for the job to exit" : nil
            replica = .running
        case .restarting:
            state = job.stopRequested ? .stopping : .running
            message = "attempt \(failedAttempts) of \(job.backoffLimit + 1) failed with exit code \(job.exitCode); retrying"
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
                } else if job.oomKilled {
                    reason = "OOMKilled"
                    message = "the job ran out of memory (exit code \(job.exitCode))"
                } else {
                    reason = "Error"
                    message = "the job failed with exit code \(job.exitCode)"
                        + (job.backoffLimit > 0 ? " after \(failedAttempts) attempts" : "")
                }
            }
        }

        let started = job.runState == .created ? nil : job.startedAt
        let ended = state.isTerminal ? (job.finishedAt ?? (job.runState == .created ? job.created : nil)) : nil
        let pod = PodStatus(
            name: job.name,
            created: job.created,
            startTime: started,
            endTime: job.runState == .created ? nil : (job.runState == .running || job.runState == .paused ? nil : job.finishedAt),
            containerStarted: started,
            replicaState: replica,
            statusMessage: message,
            restartCount: job.restartCount,
            image: job.image,
            imageId: job.imageID,
            podIndex: 0,
            exitCode: (job.runState == .exited || job.runState == .dead || job.runState == .restarting) ? job.exitCode : nil,
            reason: reason
        )
        let updated = [job.created, started, job.finishedAt].compactMap { $0 }.max()
        return JobStatus(name: job.name, jobId: job.jobId, created: job.created, started: started, ended: ended,
                         updated: updated, state: state, message: message, failed: failedAttempts, podStatuses: [pod])
    }

    /// Each engine restart follows a failed attempt; a final non-zero exit is one more.
    static func failedAttempts(of job: JobObservation) -> Int {
        switch job.runState {
        case .exited, .dead:
            job.restartCount + ((job.exitCode != 0 || job.runState == .dead) && !job.stopRequested ? 1 : 0)
        default:
            // The engine counts a restart as soon as it decides on it, so while restarting (and
            // while running again) every failed attempt is already counted.
            job.restartCount
        }
    }

    /// A job that ended at or after its deadline was ended by it (the kill is a few ms late at most).
    static func passedDeadline(_ job: JobObservation) -> Bool {
        guard let deadline = job.deadline, let finished = job.finishedAt else { return false }
        return finished >= deadline.addingTimeInterval(-0.5)
    }
}
