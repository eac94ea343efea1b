import DockerEngine
import Foundation

/// What the swarm runtime records apart from the services: the Docker runtime's records (labelled
/// volumes on the manager), and how a run that a stop ended finished (the swarm forgets that task).
extension SwarmJobRuntime {
    static let runEndLabel = "radix-run-end"

    static func runEndRecordName(for job: String) -> String { job + "-run-ended" }

    func recordEnd(_ facts: FinalJobFacts, of job: String, labels: [String: String]) async throws {
        var recordLabels = labels.filter { [JobLabels.application, JobLabels.jobComponent, JobLabels.jobName].contains($0.key) }
        recordLabels[Self.runEndLabel] = try BatchOutcomeLabel.encode([job: facts])
        do {
            try await client.createVolume(name: Self.runEndRecordName(for: job), labels: recordLabels)
        } catch DockerEngineError.conflict {
            // Recorded already (a stop and a kill of the same run): the first end stands.
        }
    }

    func removeEndRecord(of job: String) async throws {
        do {
            try await client.removeVolume(name: Self.runEndRecordName(for: job), force: true)
        } catch DockerEngineError.notFound {}
    }

    func endRecord(of job: String, selector: JobSelector) async throws -> FinalJobFacts? {
        let volumes = try await client.listVolumes(labels: JobLabels.filters(for: selector) + ["\(JobLabels.jobName)=\(job)", Self.runEndLabel])
        return Self.endRecords(in: volumes)[job]
    }

    /// The recorded ends of runs a stop ended, by job.
    static func endRecords(in volumes: [VolumeSummary]) -> [String: FinalJobFacts] {
        var ends: [String: FinalJobFacts] = [:]
        for volume in volumes {
            guard let job = volume.labels[JobLabels.jobName], volume.name == runEndRecordName(for: job),
                  let facts = volume.labels[runEndLabel].flatMap(BatchOutcomeLabel.decode)?[job] else { continue }
            ends[job] = facts
        }
        return ends
    }

    public func recordBatchOutcome(name: String, jobs: [String], selector: JobSelector) async throws {
        // A reconcile reads every job from three listings on the swarm: the outcome record only has to
        // exist (it marks the batch's end as recorded).
        for job in jobs {
            let observed = try await observe(name: job, selector: selector)
            guard let observed, [.exited, .dead, .created].contains(observed.runState) else {
                throw BatchOutcomeUnavailable(batch: name, job: job, state: observed?.runState)
            }
        }
        do {
            try await client.createVolume(name: JobLabels.batchOutcomeRecordName(for: name),
                                          labels: try JobLabels.labels(forOutcome: [:], batch: name, selector: selector))
        } catch DockerEngineError.conflict {}
    }

    public func recordRestart(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        try await records.recordRestart(attempt, name: name, selector: selector)
    }

    // MARK: - As the Docker runtime records them

    public func recordBatch(_ batch: BatchObservation, selector: JobSelector) async throws {
        try await records.recordBatch(batch, selector: selector)
    }

    public func observeBatches(selector: JobSelector) async throws -> [BatchObservation] {
        try await records.observeBatches(selector: selector)
    }

    public func claimStart(name: String, selector: JobSelector) async throws -> Bool {
        try await records.claimStart(name: name, selector: selector)
    }

    public func recordSuspension(index: Int, suspended: Bool, selector: JobSelector) async throws {
        try await records.recordSuspension(index: index, suspended: suspended, selector: selector)
    }

    public func observeSuspensions(selector: JobSelector) async throws -> [Int: Bool] {
        try await records.observeSuspensions(selector: selector)
    }

    public func foldRuns(_ runs: [RunOutcome], at time: Date, selector: JobSelector) async throws -> RunTally {
        try await records.foldRuns(runs, at: time, selector: selector)
    }

    public func observeRunTally(selector: JobSelector) async throws -> RunTally? {
        try await records.observeRunTally(selector: selector)
    }

    public func recordBatchStop(name: String, at time: Date, selector: JobSelector) async throws {
        try await records.recordBatchStop(name: name, at: time, selector: selector)
    }

    public func removeBatchRecord(name: String, selector: JobSelector) async throws {
        try await records.removeBatchRecord(name: name, selector: selector)
    }

    public func recordAttempt(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        try await records.recordAttempt(attempt, name: name, selector: selector)
    }

    public func takeBackBatchStop(name: String, selector: JobSelector) async throws {
        try await records.takeBackBatchStop(name: name, selector: selector)
    }

    public func recordStopRequest(name: String, selector: JobSelector) async throws {
        try await records.recordStopRequest(name: name, selector: selector)
    }
}
