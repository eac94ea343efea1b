import DockerEngine
import Foundation

/// What the swarm runtime records apart from the tasks: how a run that a stop ended finished (a label
/// of its service), and the Docker runtime's records (labelled volumes on the manager).
extension SwarmJobRuntime {
    /// The service label that keeps how a run a stop ended went (the swarm forgets that task): set
    /// in the same update that parks the service, so no reader sees a run that ended without it;
    /// its finish time once the task is gone; taken away by the update that starts the next run.
    static let runEndLabel = "radix-run-end"

    static func endFacts(of service: ServiceDetails) -> FinalJobFacts? {
        service.spec.labels[runEndLabel].flatMap(BatchOutcomeLabel.decode)?[service.spec.name]
    }

    static func setEndFacts(_ facts: FinalJobFacts, on service: inout ServiceDetails) throws {
        service.spec.labels[runEndLabel] = try BatchOutcomeLabel.encode([service.spec.name: facts])
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
