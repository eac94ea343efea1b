import DockerEngine
import Foundation
@testable import SchedulerCore
import Testing

/// The tally of removed runs on its own: each run counted once, however often it is folded.
@Suite("Run tally")
struct RunTallyTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func eachRunIsCountedOnceByHowItEndedWithTheLatestEnds() {
        let runs = [
            RunOutcome(name: "a", result: .succeeded, ended: Self.t0.addingTimeInterval(5)),
            RunOutcome(name: "b", result: .succeeded, ended: Self.t0.addingTimeInterval(3)),
            RunOutcome(name: "c", result: .failed, ended: Self.t0.addingTimeInterval(4)),
            RunOutcome(name: "d", result: .stopped, ended: Self.t0.addingTimeInterval(9)),
        ]
        let tally = RunTally().folding(runs, at: Self.t0)
        #expect(tally.sequence == 1)
        #expect(tally.summary == RunSummary(successCount: 2, failureCount: 1, stoppedCount: 1, lastSuccessAt: Self.t0.addingTimeInterval(5),
                                            lastFailureAt: Self.t0.addingTimeInterval(4)))
        // Folded again (a death between the fold and the removal, or another process's fold): not counted twice.
        let again = tally.folding(runs + [runs[0]], at: Self.t0.addingTimeInterval(1))
        #expect(again.summary == tally.summary)
        #expect(again.sequence == 2)
    }

    @Test func namesAreLetGoOnlyAfterTheirRemovalHasLongPassed() {
        let first = RunTally().folding([RunOutcome(name: "a", result: .failed, ended: Self.t0)], at: Self.t0)
        let soon = first.folding([RunOutcome(name: "b", result: .succeeded, ended: Self.t0)], at: Self.t0.addingTimeInterval(RunTally.foldedNamesKept - 1))
        #expect(soon.hasFolded("a") && soon.hasFolded("b"))
        let late = soon.folding([], at: Self.t0.addingTimeInterval(RunTally.foldedNamesKept + 1))
        #expect(!late.hasFolded("a") && late.hasFolded("b"))
        #expect(late.summary.failureCount == 1 && late.summary.successCount == 1, "letting a name go keeps its count")
    }

    @Test func aTallyIsReadBackFromItsVolumeLabelAndAnUnreadableOneIsLeftOut() throws {
        let tally = RunTally().folding([RunOutcome(name: "a", result: .succeeded, ended: Self.t0)], at: Self.t0)
        let selector = JobSelector(applicationName: "app", jobComponent: "job")
        let labels = try JobLabels.labels(for: tally, selector: selector)
        let name = JobLabels.runTallyRecordName(for: selector, sequence: tally.sequence)
        #expect(name == "app-job-run-tally-1")
        let listing = try JSONSerialization.data(withJSONObject: [
            ["Name": name, "Labels": labels],
            ["Name": "app-job-run-tally-2", "Labels": [JobLabels.runTally: "{not json"]],
        ])
        let volumes = try JSONDecoder().decode([VolumeSummary].self, from: listing)
        let found = JobLabels.runTallies(in: volumes)
        #expect(found.map(\.volume) == [name])
        #expect(found.first?.tally == tally)
    }
}

/// The runs' summary with the executor, the in-memory runtime and a manual clock: runs removed from the
/// history or deleted stay counted, once, across restarts, failed folds and a death between a fold and
/// its removal.
@Suite("Run summary on the in-memory runtime")
struct MemoryRunSummaryTests {
    /// The manual clock's start.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Submits a job, lets it run and end with `code` (a second later on the clock), and waits for its end.
    static func run(_ memory: MemoryScheduler, exitingWith code: Int) async throws -> String {
        let name = try await memory.scheduler.submit(JobRequest()).name
        try await memory.waitFor(name, .running)
        memory.clock.advance(by: 1)
        memory.runtime.exit(name, code: code)
        try await memory.waitFor(name, code == 0 ? .succeeded : .failed)
        return name
    }

    @Test func runsRemovedFromTheHistoryOrDeletedStayCountedAcrossARestart() async throws {
        let memory = MemoryScheduler(historyLimit: 1)
        let expected = RunSummary(successCount: 2, failureCount: 2, stoppedCount: 1, lastSuccessAt: Self.t0.addingTimeInterval(4),
                                  lastFailureAt: Self.t0.addingTimeInterval(3))
        try await memory.running {
            #expect(memory.scheduler.runSummary() == RunSummary())
            var names: [String] = []
            for code in [0, 1, 1, 0] { names.append(try await Self.run(memory, exitingWith: code)) }
            let running = try await memory.scheduler.submit(JobRequest()).name
            try await memory.waitFor(running, .running)
            try await memory.scheduler.delete(named: running)
            try await eventually("only the latest succeeded and failed runs are left") { memory.runtime.containerNames == [names[2], names[3]] }
            #expect(memory.scheduler.runSummary() == expected)
            #expect(memory.runtime.runTally?.summary == RunSummary(successCount: 1, failureCount: 1, stoppedCount: 1,
                                                                   lastSuccessAt: Self.t0.addingTimeInterval(1),
                                                                   lastFailureAt: Self.t0.addingTimeInterval(2)),
                    "the removed and deleted runs are in the engine's tally; the two kept are counted live")
        }
        let restarted = memory.restarted()
        try await restarted.running {
            #expect(restarted.scheduler.runSummary() == expected)
        }
    }

    @Test func aRemovalWaitsForItsFoldWhichIsTriedAgainUntilRecorded() async throws {
        let memory = MemoryScheduler(historyLimit: 1)
        try await memory.running {
            let first = try await Self.run(memory, exitingWith: 0)
            memory.runtime.failFolds(2)
            let second = try await Self.run(memory, exitingWith: 0)
            // The first is dropped from the history, but stays in the engine until it is counted there.
            try await eventually("the first is no longer listed") { (try? memory.scheduler.job(named: first)) == nil }
            #expect(memory.runtime.containerNames.contains(first))
            #expect(memory.runtime.runTally == nil)
            #expect(memory.scheduler.runSummary().successCount == 2, "counted while its fold is retried")
            func retryArmed() -> Bool { memory.scheduler.state.withLock { $0.foldsInFlight.values.first?.retryAt != nil } }
            try await eventually("the fold failed and waits for its retry") { retryArmed() }
            memory.clock.advance(by: 1)  // the first retry, which fails too
            try await eventually("the retry failed and waits for the next") { retryArmed() && memory.runtime.pendingFoldFaults == 0 }
            memory.clock.advance(by: 2)  // the second retry, which is recorded
            try await eventually("the fold is recorded, then the run removed") { memory.runtime.containerNames == [second] }
            #expect(memory.runtime.runTally?.summary.successCount == 1)
            #expect(memory.scheduler.runSummary().successCount == 2)
        }
    }

    @Test func aRunFoldedByAProcessThatDiedBeforeRemovingItIsRemovedAndCountedOnce() async throws {
        let memory = MemoryScheduler()
        let name = try await memory.running { try await Self.run(memory, exitingWith: 1) }
        // The process died between its fold and the removal that follows it.
        let outcome = try #require(memory.scheduler.runSummary().lastFailureAt.map { RunOutcome(name: name, result: .failed, ended: $0) })
        _ = try await memory.runtime.foldRuns([outcome], at: memory.clock.now, selector: memory.configuration.selector)
        let restarted = memory.restarted()
        try await restarted.running {
            try await eventually("the folded run is removed") { !memory.runtime.containerNames.contains(name) }
            #expect(restarted.scheduler.jobs().isEmpty)
            #expect(restarted.scheduler.runSummary().failureCount == 1)
        }
    }
}

/// Restarts with the executor and the in-memory runtime: the same container runs again, its runs kept,
/// across a death between the record and the start.
@Suite("Restarts on the in-memory runtime")
struct MemoryRestartTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func anEndedOrRunningJobRunsAgainUnderItsNameWithItsRunsKept() async throws {
        let memory = MemoryScheduler(timeLimitSeconds: 60, backoffLimit: 1, historyLimit: 1)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest(payload: "p"))
            try await memory.waitFor(job.name, .running)
            memory.clock.advance(by: 10)
            memory.runtime.exit(job.name, code: 0)
            try await memory.waitFor(job.name, .succeeded)
            memory.clock.advance(by: 50)  // past the first run's deadline: the restart's counts from now
            let restarted = try await memory.scheduler.restart(named: job.name)
            #expect(restarted.state == .waiting && restarted.restarted == memory.clock.now)
            try await memory.waitFor(job.name, .running)
            #expect(memory.runtime.container(job.name)?.starts == 2, "the same container, started again")
            #expect(memory.runtime.container(job.name)?.launch.payload?.bytes == Array("p".utf8))
            memory.clock.advance(by: 30)
            #expect(memory.scheduler.currentStatus(named: job.name)?.state == .running, "not killed: its time limit counts from the restart")
            // A running job: ended first.
            let again = try await memory.scheduler.restart(named: job.name)
            #expect(again.state == .waiting)
            try await memory.waitFor(job.name, .running)
            try await eventually("the second restart has started") { memory.runtime.container(job.name)?.starts == 3 }
            memory.clock.advance(by: 1)  // (each run's times differ, as on an engine)
            memory.runtime.exit(job.name, code: 3)
            // Its backoff limit (1) counts anew from the restart: the failure is retried.
            try await eventually("the retry has started") {
                memory.runtime.container(job.name)?.starts == 4 && memory.runtime.container(job.name)?.runState == .running
            }
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 3)
            let failed = try await memory.waitFor(job.name, .failed)
            #expect(failed.podStatuses.map(\.replicaState) == [.succeeded, .failed, .failed, .failed], "\(failed.podStatuses)")
            #expect(failed.failed == 3, "the run the restart ended (killed) and the two that failed")
            #expect(memory.scheduler.runSummary().successCount == 1, "the first run, folded at the restart")
        }
    }

    @Test func aRestartRecordedByAProcessThatDiedIsStartedByTheNext() async throws {
        let memory = MemoryScheduler()
        let name = try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            memory.runtime.exit(job.name, code: 1)
            try await memory.waitFor(job.name, .failed)
            return job.name
        }
        // The process died after recording the restart, before starting the container.
        let ended = try #require(memory.runtime.container(name))
        try await memory.runtime.recordRestart(JobAttempt(index: 0, exitCode: 1, startedAt: ended.startedAt, finishedAt: ended.finishedAt,
                                                          counted: false, restartedAt: memory.clock.now),
                                               name: name, selector: memory.configuration.selector)
        let restarted = memory.restarted()
        try await restarted.running {
            try await restarted.waitFor(name, .running)
            #expect(memory.runtime.container(name)?.starts == 2)
        }
    }
}
