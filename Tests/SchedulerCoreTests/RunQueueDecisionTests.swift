import Foundation
@testable import SchedulerCore
import Testing

/// `maxRunning` in the decisions alone: jobs over the limit wait, and start in the order submitted.
@Suite("Run queue decisions")
struct RunQueueDecisionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var state = SchedulerState(historyLimit: 10, stopGracePeriod: .seconds(30), maxRunning: 2)

    static func job(_ name: String, _ runState: JobObservation.RunState, created: TimeInterval, exit: Int = 0) -> JobObservation {
        JobObservation(name: name, image: "img", imageID: "sha256:1", created: t0.addingTimeInterval(created),
                       startedAt: runState == .created ? nil : t0.addingTimeInterval(created + 1),
                       finishedAt: runState == .exited ? t0.addingTimeInterval(created + 2) : nil, runState: runState, exitCode: exit,
                       timeLimitSeconds: 600)
    }

    static func starts(_ effects: SchedulerEffects) -> [String] {
        effects.actions.compactMap { if case .start(let name, _) = $0 { name } else { nil } }
    }

    mutating func submit(_ name: String, created: TimeInterval) -> [String] {
        let reserved = state.beginSubmission(name)
        #expect(reserved)
        return Self.starts(state.submissionCreated(Self.job(name, .created, created: created), now: Self.t0).1)
    }

    mutating func observe(_ observation: JobObservation) -> [String] {
        Self.starts(state.observed(observation.name, observation, ticket: state.takeTicket(), now: Self.t0))
    }

    @Test mutating func jobsOverTheLimitWaitAndStartInTheOrderSubmitted() {
        #expect(submit("a", created: 0) == ["a"])
        #expect(submit("b", created: 1) == ["b"])
        #expect(submit("c", created: 2) == [])
        #expect(submit("d", created: 3) == [])
        #expect(state.status(of: "c")?.state == .waiting)
        #expect(observe(Self.job("a", .running, created: 0)) == [])
        // A stopped job leaves the queue without running; the next in line takes the freed place.
        _ = try? state.stopRecorded("c", now: Self.t0)
        #expect(state.status(of: "c")?.state == .stopped)
        #expect(observe(Self.job("a", .exited, created: 0)) == ["d"])
        #expect(observe(Self.job("b", .exited, created: 1, exit: 1)) == [])
    }

    @Test mutating func aRestartedSchedulerCountsWhatRunsAndStartsTheOldestWaitingOnly() {
        let effects = state.reconciled([
            Self.job("running", .running, created: 0), Self.job("newer", .created, created: 5), Self.job("older", .created, created: 3),
            Self.job("done", .exited, created: 1),
        ], ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.starts(effects) == ["older"])
        #expect(observe(Self.job("running", .exited, created: 0)) == ["newer"])
    }

    /// A batch's containers are made side by side, so their creation times, read back after a restart, are
    /// not in the batch's order: the restarted scheduler still starts them in the batch's order.
    @Test mutating func aRestartedSchedulerStartsABatchsWaitingJobsInTheBatchsOrder() {
        func batchJob(_ index: Int, created: TimeInterval, _ runState: JobObservation.RunState = .created) -> JobObservation {
            var job = Self.job("b-j\(index)", runState, created: created)
            job.batchName = "b"
            job.batchIndex = index
            return job
        }
        // Made in the order 2, 0, 3, 1; a single job submitted after the batch.
        let jobs = [batchJob(0, created: 0.2), batchJob(1, created: 0.4), batchJob(2, created: 0.1), batchJob(3, created: 0.3),
                    Self.job("later", .created, created: 5)]
        let effects = state.reconciled(jobs, batches: [BatchObservation(name: "b", created: Self.t0.addingTimeInterval(0.5))],
                                       ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.starts(effects) == ["b-j0", "b-j1"])
        #expect(observe(batchJob(0, created: 0.2, .exited)) == ["b-j2"])
        #expect(observe(batchJob(1, created: 0.4, .exited)) == ["b-j3"])
    }
}
