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
}
