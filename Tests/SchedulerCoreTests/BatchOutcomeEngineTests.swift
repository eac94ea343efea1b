import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Testing

/// An ended batch's outcome record, on the real engine: a restarted scheduler reads the batch's jobs
/// from it (one listing, not one inspection per job), exactly as their containers say, and only
/// while the containers are still as recorded.
@Suite("Batch outcome records", .requiresEngine)
struct BatchOutcomeEngineTests {
    /// Each job exits with the code in its payload; "sleep" runs until stopped.
    static let script = #"p=$(cat /args/payload); if [ "$p" = sleep ]; then exec sleep 60; fi; exit "$p""#

    /// A batch of three jobs that end with 0, with 3 and stopped; returns it once its outcome is recorded.
    func endedBatch(_ harness: SchedulerHarness) async throws -> BatchStatus {
        let submitted = try await harness.scheduler.submitBatch(BatchRequest(jobs: ["0", "3", "sleep"].map { JobRequest(payload: $0) }))
        let sleeper = submitted.jobStatuses[2].name
        try await harness.waitFor(submitted.jobStatuses[0].name, [.succeeded])
        try await harness.waitFor(submitted.jobStatuses[1].name, [.failed])
        try await harness.waitFor(sleeper, [.running])
        _ = try await harness.scheduler.stop(named: sleeper)
        try await waitUntil("the outcome of batch \(submitted.name) is recorded", timeout: .seconds(120)) {
            try await harness.runtime.observeBatches(selector: harness.configuration.selector).first?.outcomeRecorded == true
        }
        return try harness.scheduler.batch(named: submitted.name)
    }

    /// The jobs as read one by one from their containers, with what only the full listing reads (stop
    /// requests, attempts) taken from `listed`.
    func inspected(_ harness: SchedulerHarness, like listed: [JobObservation]) async throws -> [JobObservation] {
        var result: [JobObservation] = []
        for job in listed {
            var observed = try #require(try await harness.runtime.observe(name: job.name, selector: harness.configuration.selector))
            observed.stopRequested = job.stopRequested
            observed.attempts = job.attempts
            result.append(observed)
        }
        return result
    }

    /// Replaces the batch's outcome record with one whose facts `change` altered.
    func tamper(_ batch: String, _ harness: SchedulerHarness, _ change: (inout FinalJobFacts) -> Void) async throws {
        let volume = JobLabels.batchOutcomeRecordName(for: batch)
        let record = try #require(try await SchedulerHarness.engine.listVolumes(labels: JobLabels.filters(for: harness.configuration.selector))
            .first { $0.name == volume })
        var facts = try #require(record.labels[JobLabels.batchOutcome].flatMap(BatchOutcomeLabel.decode))
        for name in facts.keys { change(&facts[name]!) }
        try await SchedulerHarness.engine.removeVolume(name: volume, force: true)
        try await SchedulerHarness.engine.createVolume(name: volume, labels: try JobLabels.labels(forOutcome: facts, batch: batch,
                                                                                                 selector: harness.configuration.selector))
    }

    @Test func aRestartedSchedulerReadsAnEndedBatchFromItsOutcomeExactlyAsFromItsContainers() async throws {
        try await withScheduler(script: Self.script) { harness in
            let ended = try await endedBatch(harness)
            #expect(ended.jobStatuses.map(\.state) == [.succeeded, .failed, .stopped])

            let listed = try await harness.runtime.observeAll(selector: harness.configuration.selector).sorted { $0.batchIndex < $1.batchIndex }
            #expect(listed.count == 3)
            let inspectedOneByOne = try await inspected(harness, like: listed)
            #expect(listed == inspectedOneByOne, "to the bit: times, exit codes, image IDs")

            // Restarted with the outcome, then without it: the two report the same batch to the bit.
            harness.events.cancel()
            let fromOutcome = try await SchedulerHarness(script: Self.script, applicationName: harness.applicationName)
            let reported = try fromOutcome.scheduler.batch(named: ended.name)
            #expect(reported.jobStatuses.map(\.state) == [.succeeded, .failed, .stopped])
            fromOutcome.events.cancel()
            try await SchedulerHarness.engine.removeVolume(name: JobLabels.batchOutcomeRecordName(for: ended.name), force: true)
            let fromContainers = try await SchedulerHarness(script: Self.script, applicationName: harness.applicationName)
            #expect(try fromContainers.scheduler.batch(named: ended.name) == reported)
            // Which records the outcome again: the batch had ended.
            try await waitUntil("the outcome is recorded again", timeout: .seconds(120)) {
                try await fromContainers.runtime.observeBatches(selector: fromContainers.configuration.selector).first?.outcomeRecorded == true
            }
            await fromContainers.finish()
        }
    }

    @Test func theRecordIsReadWhileTheContainersAgreeWithItAndTheContainersWinWhenTheyDoNot() async throws {
        try await withScheduler(script: Self.script) { harness in
            let ended = try await endedBatch(harness)
            let selector = harness.configuration.selector

            // A fact the listing cannot check comes from the record: no job was inspected.
            try await tamper(ended.name, harness) { $0.restartCount = 7 }
            let fromRecord = try await harness.runtime.observeAll(selector: selector)
            #expect(fromRecord.map(\.restartCount) == [7, 7, 7])

            // A recorded exit code the container no longer shows: that job is inspected.
            try await tamper(ended.name, harness) { $0.exitCode += 100 }
            let listed = try await harness.runtime.observeAll(selector: selector).sorted { $0.batchIndex < $1.batchIndex }
            #expect(listed.map(\.exitCode) == [0, 3, ended.jobStatuses[2].podStatuses.first?.exitCode ?? -1])
            #expect(listed.map(\.restartCount) == [0, 0, 0])
        }
    }

    @Test func anOutcomeGoesWithItsBatchAndAnOrphanedOneIsRemoved() async throws {
        try await withScheduler(script: Self.script) { harness in
            let selector = harness.configuration.selector
            let ended = try await endedBatch(harness)
            let volume = JobLabels.batchOutcomeRecordName(for: ended.name)
            func volumes() async throws -> Set<String> {
                // All but the tally of removed runs (which stays, counting them).
                Set(try await SchedulerHarness.engine.listVolumes(labels: JobLabels.filters(for: selector))
                    .filter { $0.labels[JobLabels.runTally] == nil }.map(\.name))
            }
            let recorded = try await volumes()
            #expect(recorded.contains(volume))

            // An outcome recorded after its batch's removal began (the removal raced it) is removed.
            let orphan = JobLabels.batchOutcomeRecordName(for: "gone")
            try await SchedulerHarness.engine.createVolume(name: orphan, labels: try JobLabels.labels(forOutcome: [:], batch: "gone", selector: selector))
            let batches = try await harness.runtime.observeBatches(selector: selector)
            #expect(batches.map(\.name) == [ended.name])
            let afterListing = try await volumes()
            #expect(!afterListing.contains(orphan))

            try await harness.scheduler.deleteBatch(named: ended.name)
            let afterDeletion = try await volumes()
            #expect(afterDeletion.isEmpty, "the batch's record, stop and outcome, and its jobs' records")
        }
    }
}
