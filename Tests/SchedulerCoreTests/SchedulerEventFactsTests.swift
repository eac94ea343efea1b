import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Synchronization
import Testing

/// The engine answers an inspection of a container that just exited only after cleaning it up, so the
/// scheduler takes a start's and an exit's facts from the events themselves. These tests hold every
/// inspection back (the one thing the real engine does not do on demand) to show that the events alone
/// move a job to Running and to its end, and that an exit the engine will retry does not end it.
@Suite("Scheduler: status from the engine's events", .requiresEngine)
struct SchedulerEventFactsTests {
    @Test func startAndExitAreReportedWithoutAnInspection() async throws {
        try await withGatedScheduler(script: "cat /args/payload; sleep 1; exit 0") { harness, gate in
            let accepted = try await harness.scheduler.submit(JobRequest(payload: "x"))
            // Let the creation's inspection through (it fills in the image ID), then hold every later one.
            _ = try await harness.waitForImageID(accepted.name)
            gate.close()
            let running = try await harness.waitFor(accepted.name, [.running, .succeeded, .failed])
            #expect(running.state == .running)
            #expect(running.started != nil)
            let done = try await harness.waitFor(accepted.name, [.succeeded, .failed])
            // The exit's inspection is asked for after the status it follows: it is held, not answered.
            try await waitUntil("the exit's inspection is held back", timeout: .seconds(10)) { gate.held > 0 }
            #expect(done.state == .succeeded)
            #expect(done.podStatuses.first?.exitCode == 0)
            #expect(done.podStatuses.first?.reason == "Completed")
            let started = try #require(done.started), ended = try #require(done.ended)
            #expect(ended.timeIntervalSince(started) >= 0.9, "started \(started), ended \(ended)")
            #expect(done.podStatuses.first?.imageId.hasPrefix("sha256:") == true)

            // The inspection, let through, agrees.
            gate.open()
            let engine = try await SchedulerHarness.engine.inspectContainer(accepted.name)
            #expect(engine.state.exitCode == 0)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await harness.scheduler.job(named: accepted.name).state == .succeeded)
        }
    }

    @Test func anExitWithARetryLeftDoesNotEndTheJob() async throws {
        try await withGatedScheduler(script: "sleep 1; exit 3", backoffLimit: 1) { harness, gate in
            let accepted = try await harness.scheduler.submit(JobRequest())
            _ = try await harness.waitForImageID(accepted.name)
            _ = try await harness.waitFor(accepted.name, [.running])
            gate.close()
            // The first attempt exits 3 with a retry left: its event alone does not end the job (the
            // retry waits for the inspection, held here).
            try await waitUntil("the first attempt exited") {
                (try? await SchedulerHarness.engine.inspectContainer(accepted.name).state.status) == .exited
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try harness.scheduler.job(named: accepted.name).state == .running)
            gate.open()
            let done = try await harness.waitFor(accepted.name, [.succeeded, .failed])
            #expect(done.state == .failed)
            #expect(done.failed == 2)
            #expect(done.podStatuses.first?.exitCode == 3)
        }
    }

    @Test func anExitOfAStoppedJobEndsItAsStopped() async throws {
        try await withGatedScheduler(script: "trap 'exit 143' TERM; sleep 60 & wait", backoffLimit: 3) { harness, gate in
            let accepted = try await harness.scheduler.submit(JobRequest())
            _ = try await harness.waitForImageID(accepted.name)
            _ = try await harness.waitFor(accepted.name, [.running])
            gate.close()
            _ = try await harness.scheduler.stop(named: accepted.name)
            let done = try await harness.waitFor(accepted.name, [.stopped, .failed, .succeeded])
            #expect(done.state == .stopped)
            gate.open()
        }
    }
}

/// Runs `body` with a scheduler whose inspections pass through a gate, and always cleans up after it.
private func withGatedScheduler(script: String, backoffLimit: Int = 0,
                                _ body: (SchedulerHarness, InspectionGate) async throws -> Void) async throws {
    let gate = InspectionGate()
    let harness = try await SchedulerHarness(script: script, backoffLimit: backoffLimit,
                                             wrapRuntime: { SlowInspectionRuntime(base: $0, gate: gate) })
    do {
        try await body(harness, gate)
    } catch {
        gate.open()
        await harness.finish()
        throw error
    }
    gate.open()
    await harness.finish()
}

/// Holds `observe` calls while closed; counts those it held.
final class InspectionGate: Sendable {
    private let state = Mutex((closed: false, held: 0))

    func close() { state.withLock { $0.closed = true } }
    func open() { state.withLock { $0.closed = false } }
    var held: Int { state.withLock { $0.held } }

    func pass() async {
        var counted = false
        while state.withLock({ $0.closed }) {
            if !counted { state.withLock { $0.held += 1 }; counted = true }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// The Docker runtime, with its single-job inspections going through a gate.
struct SlowInspectionRuntime: JobRuntime {
    let base: DockerJobRuntime
    let gate: InspectionGate

    func observe(name: String, selector: JobSelector) async throws -> JobObservation? {
        await gate.pass()
        return try await base.observe(name: name, selector: selector)
    }

    func prepare(network: String?, selector: JobSelector) async throws { try await base.prepare(network: network, selector: selector) }
    func create(_ launch: JobLaunch) async throws { try await base.create(launch) }
    func start(name: String) async throws { try await base.start(name: name) }
    func observeAll(selector: JobSelector) async throws -> [JobObservation] { try await base.observeAll(selector: selector) }
    func recordStopRequest(name: String, selector: JobSelector) async throws { try await base.recordStopRequest(name: name, selector: selector) }
    func recordBatch(_ batch: BatchObservation, selector: JobSelector) async throws { try await base.recordBatch(batch, selector: selector) }
    func observeBatches(selector: JobSelector) async throws -> [BatchObservation] { try await base.observeBatches(selector: selector) }
    func recordBatchStop(name: String, at time: Date, selector: JobSelector) async throws {
        try await base.recordBatchStop(name: name, at: time, selector: selector)
    }
    func removeBatchRecord(name: String, selector: JobSelector) async throws { try await base.removeBatchRecord(name: name, selector: selector) }
    func claimStart(name: String, selector: JobSelector) async throws -> Bool { try await base.claimStart(name: name, selector: selector) }
    func recordSuspension(index: Int, suspended: Bool, selector: JobSelector) async throws {
        try await base.recordSuspension(index: index, suspended: suspended, selector: selector)
    }
    func observeSuspensions(selector: JobSelector) async throws -> [Int: Bool] { try await base.observeSuspensions(selector: selector) }
    func recordBatchOutcome(name: String, jobs: [String], selector: JobSelector) async throws {
        try await base.recordBatchOutcome(name: name, jobs: jobs, selector: selector)
    }
    func recordAttempt(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        try await base.recordAttempt(attempt, name: name, selector: selector)
    }
    func stop(name: String, gracePeriod: Duration) async throws { try await base.stop(name: name, gracePeriod: gracePeriod) }
    func kill(name: String) async throws { try await base.kill(name: name) }
    func remove(name: String, selector: JobSelector) async throws { try await base.remove(name: name, selector: selector) }
    func foldRuns(_ runs: [RunOutcome], at time: Date, selector: JobSelector) async throws -> RunTally {
        try await base.foldRuns(runs, at: time, selector: selector)
    }
    func observeRunTally(selector: JobSelector) async throws -> RunTally? { try await base.observeRunTally(selector: selector) }
    func recordRestart(_ attempt: JobAttempt, name: String, selector: JobSelector) async throws {
        try await base.recordRestart(attempt, name: name, selector: selector)
    }
    func takeBackBatchStop(name: String, selector: JobSelector) async throws { try await base.takeBackBatchStop(name: name, selector: selector) }
    func events(selector: JobSelector) -> any AsyncSequence<RuntimeEvent, Never> & Sendable { base.events(selector: selector) }
    func logs(name: String, options: JobLogOptions) async throws -> any AsyncSequence<JobLogChunk, any Error> & Sendable {
        try await base.logs(name: name, options: options)
    }
}

extension SchedulerHarness {
    /// Waits until an inspection has filled in the job's image ID.
    func waitForImageID(_ name: String, timeout: Duration = .seconds(120)) async throws -> JobStatus {
        try await waitForValue("job \(name) has its image ID", timeout: timeout) {
            scheduler.currentStatus(named: name).flatMap { $0.podStatuses.first?.imageId.isEmpty == false ? $0 : nil }
        }
    }
}
