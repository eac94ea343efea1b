import DockerEngine
import Foundation

/// What the in-memory runtime records apart from the containers, as `DockerJobRuntime+Records.swift` does
/// in labelled volumes: batch records and outcomes, start claims, suspensions, the tally of removed runs,
/// stop requests, restarts and failed attempts.
extension InMemoryJobRuntime {
    public func recordBatch(_ batch: BatchObservation, selector: JobSelector) async throws {
        try whileConnected { state in
            state.batches[batch.name] = batch
        }
    }

    public func observeBatches(selector: JobSelector) async throws -> [BatchObservation] {
        try whileConnected { state in
            return Array(state.batches.values)
        }
    }

    public func recordBatchOutcome(name: String, jobs: [String], selector: JobSelector) async throws {
        try whileConnected { state in
            for job in jobs {
                let runState = state.containers[job]?.runState
                guard let runState, [.exited, .dead, .created].contains(runState) else {
                    throw BatchOutcomeUnavailable(batch: name, job: job, state: runState)
                }
            }
            state.batches[name]?.outcomeRecorded = true
            state.outcomeRecordings += 1
        }
    }

    /// How many batch outcomes were recorded.
    public var outcomeRecordings: Int { state.withLock { $0.outcomeRecordings } }

    public func claimStart(name: String, selector: JobSelector) async throws -> Bool {
        try whileConnected { state in
            return state.startClaims.insert(name).inserted
        }
    }

    public func recordSuspension(index: Int, suspended: Bool, selector: JobSelector) async throws {
        try whileConnected { state in
            state.suspensions[index] = suspended
        }
    }

    public func observeSuspensions(selector: JobSelector) async throws -> [Int: Bool] {
        try whileConnected { state in
            return state.suspensions
        }
    }

    public func foldRuns(_ runs: [RunOutcome], at time: Date, selector: JobSelector) async throws -> RunTally {
        try whileConnected { state in
            if state.foldFaults > 0 {
                state.foldFaults -= 1
                throw DockerEngineError.transport(code: 28, message: "timed out")
            }
            let tally = (state.runTally ?? RunTally()).folding(runs, at: time)
            state.runTally = tally
            return tally
        }
    }

    public func observeRunTally(selector: JobSelector) async throws -> RunTally? {
        try whileConnected { state in
            return state.runTally
        }
    }

    public func recordBatchStop(name: String, at time: Date, selector: JobSelector) async throws {
        try whileConnected { state in
            if state.batches[name]?.stopRequestedAt == nil { state.batches[name]?.stopRequestedAt = time }
        }
    }

    public func removeBatchRecord(name: String, selector: JobSelector) async throws {
        try whileConnected { state in
            state.batches[name] = nil
        }
    }

    public func recordStopRequest(name: String, selector: JobSelector) async throws {
        try whileConnected { state in
            state.stopRecords.insert(name)
        }
    }

    public func recordRestart(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        try whileConnected { state in
            state.stopRecords.remove(name)
            if !state.attempts[name, default: []].contains(where: { $0.index == attempt.index }) { state.attempts[name, default: []].append(attempt) }
        }
    }

    public func takeBackBatchStop(name: String, selector: JobSelector) async throws {
        try whileConnected { state in
            state.batches[name]?.stopRequestedAt = nil
            state.batches[name]?.outcomeRecorded = false
        }
    }

    public func recordAttempt(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        try whileConnected { state in
            if state.attempts[name, default: []].contains(where: { $0.index == attempt.index }) { return }
            state.attempts[name, default: []].append(attempt)
        }
    }
}
