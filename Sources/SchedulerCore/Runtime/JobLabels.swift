import DockerEngine
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
    /// On a scheduled run's container: its schedule's place and expression, and its tick (seconds since 1970).
    static let scheduleIndex = "radix-schedule-index"
    static let scheduleExpression = "radix-schedule"
    static let scheduledAt = "radix-scheduled-at"
    /// On a job (or a batch's record) made by a keyed request: the key, and the request's fingerprint.
    static let submissionKey = "radix-submission-key"
    static let requestFingerprint = "radix-request-fingerprint"
    /// On a batch's jobs (and its records): the batch, and the job's place in it.
    static let batchName = "radix-batch-name"
    static let batchIndex = "radix-batch-index"
    /// On the volume that records a batch (its submission's commit point): the caller's ID, when it was made.
    static let batchRecord = "radix-batch-record"
    static let batchId = "radix-batch-id"
    static let batchCreated = "radix-batch-created"
    /// On the volume that records a batch's stop: when it was asked for.
    static let batchStopAt = "radix-batch-stop-at"
    /// On the volume that records an ended batch's outcome: its jobs' final facts (`BatchOutcomeLabel`).
    static let batchOutcome = "radix-batch-outcome"
    /// On the volumes that record the tally of removed runs: the tally (JSON, `RunTally`).
    static let runTally = "radix-run-tally"
    /// On the volume that records a schedule's suspension: `true` or `false` (resumed).
    static let scheduleSuspended = "radix-schedule-suspended"
    /// On the volume that records a stop request.
    static let stopRequest = "radix-stop-request"
    /// On the volumes that record failed attempts: the attempt's index, and what it was.
    static let attempt = "radix-attempt"
    static let attemptExitCode = "radix-attempt-exit-code"
    static let attemptStarted = "radix-attempt-started"
    static let attemptFinished = "radix-attempt-finished"
    static let attemptOOMKilled = "radix-attempt-oom-killed"
    static let attemptCounted = "radix-attempt-counted"
    static let attemptRestartedAt = "radix-attempt-restarted-at"
    static let attemptEngineError = "radix-attempt-engine-error"

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
        if let batch = launch.batchName {
            labels[batchName] = batch
            labels[batchIndex] = String(launch.batchIndex)
        }
        labels[failurePolicy] = launch.failurePolicy.map(FailurePolicyLabel.encode)
        labels[environment] = launch.environmentName
        if let run = launch.scheduledRun {
            labels[scheduleIndex] = String(run.index)
            labels[scheduleExpression] = run.expression
            labels[scheduledAt] = String(run.tick.timeIntervalSince1970)
        }
        if let key = launch.submissionKey {
            labels[submissionKey] = key.recorded
            labels[requestFingerprint] = key.fingerprint
        }
        if let payload = launch.payload {
            labels[payloadPath] = payload.directory
            labels[payloadBytes] = String(payload.bytes.count)
        }
        return labels
    }

    /// A scheduled run as its container's labels describe it.
    static func scheduledRun(from labels: [String: String]) -> ScheduledRun? {
        guard let index = labels[scheduleIndex].flatMap(Int.init), let expression = labels[scheduleExpression],
              let tick = labels[scheduledAt].flatMap(Double.init) else { return nil }
        return ScheduledRun(index: index, expression: expression, tick: Date(timeIntervalSince1970: tick))
    }

    /// The key a keyed request was recorded under, from a job's or a batch record's labels.
    static func submissionKey(from labels: [String: String]) -> SubmissionKey? {
        guard let key = labels[submissionKey], let fingerprint = labels[requestFingerprint] else { return nil }
        return SubmissionKey(recorded: key, fingerprint: fingerprint)
    }

    /// The name of the volume that records a schedule's suspension (job names are only unique within an application).
    static func suspensionRecordName(for selector: JobSelector, index: Int) -> String {
        "\(selector.applicationName)-\(selector.jobComponent)-schedule\(index)-suspension"
    }

    /// The name of the volume that records the tally of removed runs with this sequence number.
    static func runTallyRecordName(for selector: JobSelector, sequence: Int) -> String {
        "\(selector.applicationName)-\(selector.jobComponent)-run-tally-\(sequence)"
    }

    static func labels(for tally: RunTally, selector: JobSelector) throws -> [String: String] {
        [
            application: selector.applicationName,
            jobComponent: selector.jobComponent,
            runTally: String(decoding: try JSONEncoder().encode(tally), as: UTF8.self),
        ]
    }

    /// The tallies recorded in `volumes`, with their volumes' names (one that cannot be read is left out).
    static func runTallies(in volumes: [VolumeSummary]) -> [(volume: String, tally: RunTally)] {
        volumes.compactMap { volume in
            guard let label = volume.labels[runTally], let tally = try? JSONDecoder().decode(RunTally.self, from: Data(label.utf8)) else { return nil }
            return (volume.name, tally)
        }
    }

    /// The name of the volume that records a stop request for a job.
    static func stopRecordName(for job: String) -> String { job + "-stop-requested" }

    /// The names of the volumes that record a batch and its stop.
    static func batchRecordName(for batch: String) -> String { batch + "-batch" }
    static func batchStopRecordName(for batch: String) -> String { batch + "-batch-stop" }
    static func batchOutcomeRecordName(for batch: String) -> String { batch + "-batch-outcome" }

    static func labels(for batch: BatchObservation, selector: JobSelector) -> [String: String] {
        var labels = [
            application: selector.applicationName,
            jobComponent: selector.jobComponent,
            batchName: batch.name,
            batchRecord: "true",
            batchCreated: String(batch.created.timeIntervalSince1970),
        ]
        labels[batchId] = batch.batchId
        if let key = batch.submissionKey {
            labels[submissionKey] = key.recorded
            labels[requestFingerprint] = key.fingerprint
        }
        return labels
    }

    static func labels(forOutcome facts: [String: FinalJobFacts], batch: String, selector: JobSelector) throws -> [String: String] {
        [
            application: selector.applicationName,
            jobComponent: selector.jobComponent,
            batchName: batch,
            batchOutcome: try BatchOutcomeLabel.encode(facts),
        ]
    }

    /// The batches recorded in `volumes`, with their stops and whether their outcome is recorded.
    static func batches(in volumes: [VolumeSummary]) -> [BatchObservation] {
        var stops: [String: Date] = [:]
        var outcomes: Set<String> = []
        for volume in volumes {
            guard let batch = volume.labels[batchName] else { continue }
            if let time = volume.labels[batchStopAt].flatMap(Double.init) { stops[batch] = Date(timeIntervalSince1970: time) }
            if volume.labels[batchOutcome] != nil { outcomes.insert(batch) }
        }
        return volumes.compactMap { volume in
            guard volume.labels[batchRecord] == "true", let name = volume.labels[batchName],
                  let created = volume.labels[batchCreated].flatMap(Double.init) else { return nil }
            return BatchObservation(name: name, batchId: volume.labels[batchId], created: Date(timeIntervalSince1970: created),
                                    stopRequestedAt: stops[name], outcomeRecorded: outcomes.contains(name),
                                    submissionKey: submissionKey(from: volume.labels))
        }
    }

    /// The outcome records in `volumes` whose batch has no record: left by a removal that raced the
    /// outcome's recording.
    static func orphanedOutcomeRecords(in volumes: [VolumeSummary]) -> [String] {
        let recorded = Set(volumes.compactMap { $0.labels[batchRecord] == "true" ? $0.labels[batchName] : nil })
        return volumes.compactMap { volume in
            guard volume.labels[batchOutcome] != nil, let batch = volume.labels[batchName], !recorded.contains(batch) else { return nil }
            return volume.name
        }
    }

    /// The final facts of ended batches' jobs recorded in `volumes`, by batch, then job name.
    static func finalFacts(in volumes: [VolumeSummary]) -> [String: [String: FinalJobFacts]] {
        var facts: [String: [String: FinalJobFacts]] = [:]
        for volume in volumes {
            guard let batch = volume.labels[batchName], let text = volume.labels[batchOutcome],
                  let outcome = BatchOutcomeLabel.decode(text) else { continue }
            facts[batch] = outcome
        }
        return facts
    }

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
        labels[attemptRestartedAt] = attempt.restartedAt.map { String($0.timeIntervalSince1970) }
        if !attempt.engineError.isEmpty { labels[attemptEngineError] = attempt.engineError }
        return labels
    }

    /// An attempt read back from its record's labels; nil for a volume that is no such record.
    static func attempt(from labels: [String: String]) -> JobAttempt? {
        guard let index = labels[attempt].flatMap(Int.init), let exitCode = labels[attemptExitCode].flatMap(Int.init) else { return nil }
        let time = { (key: String) in labels[key].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
        return JobAttempt(index: index, exitCode: exitCode, startedAt: time(attemptStarted), finishedAt: time(attemptFinished),
                          oomKilled: labels[attemptOOMKilled] == "true", counted: labels[attemptCounted] != "false",
                          restartedAt: time(attemptRestartedAt), engineError: labels[attemptEngineError] ?? "")
    }
}
