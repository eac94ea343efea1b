import DockerEngine
import Foundation

/// What the runtime records apart from the containers, as labelled volumes: batches (their commit point,
/// stop and outcome), claims of orphaned starts, the tally of removed runs, schedules' suspensions, stop
/// requests, and the attempts recorded before retries and restarts.
extension DockerJobRuntime {
    public func recordBatchOutcome(name: String, jobs: [String], selector: JobSelector) async throws {
        var facts: [String: FinalJobFacts] = [:]
        for (job, observed) in zip(jobs, try await inspectEach(jobs, stopped: [], selector: selector)) {
            guard let observed, [.exited, .dead, .created].contains(observed.runState) else {
                throw BatchOutcomeUnavailable(batch: name, job: job, state: observed?.runState)
            }
            facts[job] = FinalJobFacts(of: observed)
        }
        do {
            try await client.createVolume(name: JobLabels.batchOutcomeRecordName(for: name),
                                          labels: try JobLabels.labels(forOutcome: facts, batch: name, selector: selector))
        } catch DockerEngineError.conflict {
            // Recorded already (by a scheduler that died before it knew): the jobs have not changed since.
        }
    }

    public func recordBatch(_ batch: BatchObservation, selector: JobSelector) async throws {
        try await client.createVolume(name: JobLabels.batchRecordName(for: batch.name), labels: JobLabels.labels(for: batch, selector: selector))
    }

    public func observeBatches(selector: JobSelector) async throws -> [BatchObservation] {
        let volumes = try await client.listVolumes(labels: JobLabels.filters(for: selector) + [JobLabels.batchName])
        for orphan in JobLabels.orphanedOutcomeRecords(in: volumes) {
            do {
                try await client.removeVolume(name: orphan, force: true)
            } catch DockerEngineError.notFound {}
        }
        return JobLabels.batches(in: volumes)
    }

    public func recordBatchStop(name: String, at time: Date, selector: JobSelector) async throws {
        do {
            try await client.createVolume(name: JobLabels.batchStopRecordName(for: name), labels: [
                JobLabels.application: selector.applicationName,
                JobLabels.jobComponent: selector.jobComponent,
                JobLabels.batchName: name,
                JobLabels.batchStopAt: String(time.timeIntervalSince1970),
            ])
        } catch DockerEngineError.conflict {
            // Recorded already: the first stop's time stands.
        }
    }

    public func removeBatchRecord(name: String, selector: JobSelector) async throws {
        // The record first: an outcome or stop left by a death after it is an orphan `observeBatches` removes.
        for volume in [JobLabels.batchRecordName(for: name), JobLabels.batchStopRecordName(for: name), JobLabels.batchOutcomeRecordName(for: name)] {
            do {
                try await client.removeVolume(name: volume, force: true)
            } catch DockerEngineError.notFound {}
        }
    }

    public func claimStart(name: String, selector: JobSelector) async throws -> Bool {
        do {
            // Labelled with the job: removed with it.
            try await client.createVolume(name: name + "-start-claim", labels: [
                JobLabels.application: selector.applicationName,
                JobLabels.jobComponent: selector.jobComponent,
                JobLabels.jobName: name,
            ])
            return true
        } catch DockerEngineError.conflict {
            return false
        }
    }

    public func foldRuns(_ runs: [RunOutcome], at time: Date, selector: JobSelector) async throws -> RunTally {
        // Volume labels cannot change: each fold records the next tally under the next number, then
        // removes the older ones. Another process recording the same number first is a conflict: read
        // its tally and fold onto that.
        for _ in 0..<Self.tallyAttempts {
            let recorded = try await runTallies(selector: selector)
            let next = (recorded.last?.tally ?? RunTally()).folding(runs, at: time)
            do {
                try await client.createVolume(name: JobLabels.runTallyRecordName(for: selector, sequence: next.sequence),
                                              labels: try JobLabels.labels(for: next, selector: selector))
            } catch DockerEngineError.conflict {
                continue
            }
            for older in recorded {
                do {
                    try await client.removeVolume(name: older.volume, force: true)
                } catch DockerEngineError.notFound {}
            }
            return next
        }
        throw DockerEngineError.conflict(message: "the tally of removed runs kept changing under \(Self.tallyAttempts) folds")
    }

    /// How many times a fold is tried against other processes' folds.
    static let tallyAttempts = 8

    public func observeRunTally(selector: JobSelector) async throws -> RunTally? {
        try await runTallies(selector: selector).last?.tally
    }

    /// The recorded tallies, oldest first.
    private func runTallies(selector: JobSelector) async throws -> [(volume: String, tally: RunTally)] {
        let volumes = try await client.listVolumes(labels: JobLabels.filters(for: selector) + [JobLabels.runTally])
        return JobLabels.runTallies(in: volumes).sorted { $0.tally.sequence < $1.tally.sequence }
    }

    public func recordSuspension(index: Int, suspended: Bool, selector: JobSelector) async throws {
        let name = JobLabels.suspensionRecordName(for: selector, index: index)
        // Replaced whole (volume labels cannot change): a death in between leaves the config's `suspend`.
        do {
            try await client.removeVolume(name: name, force: true)
        } catch DockerEngineError.notFound {}
        try await client.createVolume(name: name, labels: [
            JobLabels.application: selector.applicationName,
            JobLabels.jobComponent: selector.jobComponent,
            JobLabels.scheduleIndex: String(index),
            JobLabels.scheduleSuspended: String(suspended),
        ])
    }

    public func observeSuspensions(selector: JobSelector) async throws -> [Int: Bool] {
        var suspensions: [Int: Bool] = [:]
        for volume in try await client.listVolumes(labels: JobLabels.filters(for: selector) + [JobLabels.scheduleSuspended]) {
            guard let index = volume.labels[JobLabels.scheduleIndex].flatMap(Int.init) else { continue }
            suspensions[index] = volume.labels[JobLabels.scheduleSuspended] == "true"
        }
        return suspensions
    }

    public func recordStopRequest(name: String, selector: JobSelector) async throws {
        try await client.createVolume(name: JobLabels.stopRecordName(for: name), labels: [
            JobLabels.application: selector.applicationName,
            JobLabels.jobComponent: selector.jobComponent,
            JobLabels.jobName: name,
            JobLabels.stopRequest: "true",
        ])
    }

    public func recordAttempt(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        do {
            try await client.createVolume(name: JobLabels.attemptRecordName(for: name, index: attempt.index),
                                          labels: JobLabels.labels(for: attempt, job: name, selector: selector))
        } catch DockerEngineError.conflict {
            // Recorded already (by a scheduler that died before the retry's start).
        }
    }

    public func recordRestart(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        do {
            try await client.removeVolume(name: JobLabels.stopRecordName(for: name), force: true)
        } catch DockerEngineError.notFound {}
        try await recordAttempt(attempt, name: name, selector: selector)
    }

    public func takeBackBatchStop(name: String, selector: JobSelector) async throws {
        for volume in [JobLabels.batchStopRecordName(for: name), JobLabels.batchOutcomeRecordName(for: name)] {
            do {
                try await client.removeVolume(name: volume, force: true)
            } catch DockerEngineError.notFound {}
        }
    }
}
