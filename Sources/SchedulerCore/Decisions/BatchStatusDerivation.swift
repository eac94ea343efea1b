import Foundation
import RadixConfig

/// Turns a batch's record and its jobs' statuses into the batch's status. Pure.
public enum BatchStatusDerivation {
    /// `jobs` in any order; the status lists them in the order they were given.
    public static func status(of batch: BatchObservation, jobs: [(index: Int, status: JobStatus)], rules: [BatchStatusRule]) -> BatchStatus {
        let ordered = jobs.sorted { ($0.index, $0.status.name) < ($1.index, $1.status.name) }.map { entry in
            var status = entry.status
            status.batchId = batch.batchId
            return status
        }
        let states = ordered.map(\.state)
        let finished = states.allSatisfy(\.isTerminal)
        let names = states.map(\.rawValue)
        // The first rule that holds decides; without one, Radix's three states.
        let state = rules.first { $0.holds(for: names) }.map { BatchState(rawValue: $0.batchStatus) }
            ?? (states.allSatisfy { $0 == .waiting } ? .waiting : finished ? .completed : .active)
        let started = ordered.compactMap(\.started).min()
        // A stopped batch ended when it was stopped, even if its jobs never started (whose end is unknown).
        let ended = finished ? (ordered.compactMap(\.ended) + [batch.stopRequestedAt]).compactMap { $0 }.max() ?? batch.created : nil
        let updated = ([batch.created, batch.stopRequestedAt] + ordered.map(\.updated)).compactMap { $0 }.max()
        return BatchStatus(
            name: batch.name, batchId: batch.batchId, created: batch.created, started: started, ended: ended, updated: updated,
            state: state, message: batch.stopRequestedAt == nil ? nil : "stopped through the API",
            failed: ordered.reduce(0) { $0 + $1.failed }, jobStatuses: ordered, isFinished: finished,
            succeeded: finished && states.allSatisfy { $0 == .succeeded || $0 == .stopped })
    }
}
