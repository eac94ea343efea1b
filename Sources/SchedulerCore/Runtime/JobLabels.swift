import Foundation
import RadixConfig

/// The labels a job's container carries. They hold everything the scheduler needs to rebuild a job's
/// status after a restart: the engine is the database.
enum JobLabels {
    static let application = "radix-app"
    static let jobComponent = "radix-job"
    static let jobName = "radix-job-name"
    static let jobId = "radix-job-id"
    static let environment = "radix-env"
    static let timeLimitSeconds = "radix-time-limit-seconds"
    static let backoffLimit = "radix-backoff-limit"
    static let payloadPath = "radix-payload-path"
    static let payloadBytes = "radix-payload-bytes"
    static let failurePolicy = "radix-failure-policy"
    /// On the volume that records a stop request.
    static let stopRequest = "radix-stop-request"
    /// On the volumes that record failed attempts: the attempt's index, and what it was.
    static let attempt = "radix-attempt"
    static let attemptExitCode = "radix-attempt-exit-code"
    static let attemptStarted = "radix-attempt-started"
    static let attemptFinished = "radix-attempt-finished"
    static let attemptOOMKilled = "radix-attempt-oom-killed"
    static let attemptCounted = "radix-attempt-counted"

    static func filters(for selector: JobSelector) -> [String] {
        ["\(application)=\(selector.applicationName)", "\(jobComponent)=\(selector.jobComponent)"]
    }

    static func labels(for launch: JobLaunch) -> [String: String] {
        var labels = [
            application: launch.selector.applicationName,
            jobComponent: launch.selector.jobComponent,
            jobName: launch.name,
            timeLimitSeconds: String(launch.timeLimitSeconds),
            backoffLimit: String(launch.backoffLimit),
        ]
        labels[jobId] = launch.jobId
        labels[failurePolicy] = launch.failurePolicy.map(FailurePolicyLabel.encode)
        labels[environment] = launch.environmentName
        if let payload = launch.payload {
            labels[payloadPath] = payload.directory
            labels[payloadBytes] = String(payload.bytes.count)
        }
        return labels
    }

    /// The name of the volume that records a stop request for a job.
    static func stopRecordName(for job: String) -> String { job + "-stop-requested" }

    /// The name of the volume that records a job's failed attempt.
    static func attemptRecordName(for job: String, index: Int) -> String { "\(job)-attempt-\(index)" }

    /// The labels of an attempt's record.
    static func labels(for attempt: JobAttempt, job: String, selector: JobSelector) -> [String: String] {
        var labels = [
            application: selector.applicationName,
            jobComponent: selector.jobComponent,
            jobName: job,
            self.attempt: String(attempt.index),
            attemptExitCode: String(attempt.exitCode),
            attemptOOMKilled: String(attempt.oomKilled),
            attemptCounted: String(attempt.counted),
        ]
        // Times to the bit (a Double's shortest exact form): a recorded exit is recognised by its time.
        labels[attemptStarted] = attempt.startedAt.map { String($0.timeIntervalSince1970) }
        labels[attemptFinished] = attempt.finishedAt.map { String($0.timeIntervalSince1970) }
        return labels
    }

    /// An attempt read back from its record's labels; nil for a volume that is no such record.
    static func attempt(from labels: [String: String]) -> JobAttempt? {
        guard let index = labels[attempt].flatMap(Int.init), let exitCode = labels[attemptExitCode].flatMap(Int.init) else { return nil }
        let time = { (key: String) in labels[key].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
        return JobAttempt(index: index, exitCode: exitCode, startedAt: time(attemptStarted), finishedAt: time(attemptFinished),
                          oomKilled: labels[attemptOOMKilled] == "true", counted: labels[attemptCounted] != "false")
    }
}
