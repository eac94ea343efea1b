import CronSchedules
import Foundation
import RadixConfig
@testable import SchedulerCore
import Testing

/// Schedules in the decisions alone, on plain dates: which ticks run, which are missed, and when a run
/// another process left is started.
@Suite("Schedule decisions")
struct ScheduleDecisionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // on a minute

    static func state(_ expressions: [String] = ["* * * * *"], concurrency: JobCron.Concurrency = .allow, deadline: Int? = nil,
                      suspend: Bool = false) throws -> SchedulerState {
        let cron = JobCron(schedules: try expressions.map { try Schedule($0) }, concurrency: concurrency, startingDeadlineSeconds: deadline,
                           suspend: suspend)
        return SchedulerState(historyLimit: 10, stopGracePeriod: .seconds(30), cron: cron)
    }

    static func launches(_ effects: SchedulerEffects) -> [ScheduledRun] {
        effects.actions.compactMap { if case .launchScheduledRun(let run) = $0 { run } else { nil } }
    }

    static func missed(_ effects: SchedulerEffects) -> Int {
        effects.reports.reduce(0) { if case .scheduledTicksMissed(_, let count) = $1 { $0 + count } else { $0 } }
    }

    @Test func theClockIsAskedForTheNextTickOnceTheFirstReconcileIsDone() throws {
        var state = try Self.state(["*/5 * * * *"])
        #expect(state.nextWakeUp == nil, "no tick before the engine was read")
        let effects = state.reconciled([], ticket: state.takeTicket(), now: Self.t0.addingTimeInterval(10))
        #expect(effects.actions.contains(.armTimer(at: Self.t0.addingTimeInterval(300))))
        #expect(Self.launches(effects).isEmpty)
    }

    @Test func aHeldUpClockRunsOnlyTheLatestDueTickAndCountsTheRestMissed() throws {
        var state = try Self.state()
        _ = state.reconciled([], ticket: state.takeTicket(), now: Self.t0)
        let late = state.tick(now: Self.t0.addingTimeInterval(3 * 60 + 5))
        #expect(Self.launches(late).map(\.tick) == [Self.t0.addingTimeInterval(180)])
        #expect(Self.missed(late) == 2)
        // Past the live deadline (60 s without startingDeadlineSeconds): missed, not run.
        var everyFive = try Self.state(["*/5 * * * *"])
        _ = everyFive.reconciled([], ticket: everyFive.takeTicket(), now: Self.t0)
        let tooLate = everyFive.tick(now: Self.t0.addingTimeInterval(5 * 60 + 61))
        #expect(Self.launches(tooLate).isEmpty)
        #expect(Self.missed(tooLate) == 1)
        // With a deadline, that late is still in time.
        var withDeadline = try Self.state(["*/5 * * * *"], deadline: 120)
        _ = withDeadline.reconciled([], ticket: withDeadline.takeTicket(), now: Self.t0)
        #expect(Self.launches(withDeadline.tick(now: Self.t0.addingTimeInterval(5 * 60 + 61))).count == 1)
    }

    @Test func forbidSkipsWhileARunIsBeingMadeOrRunsAndASuspendedScheduleDoesNotRun() throws {
        var state = try Self.state(concurrency: .forbid)
        _ = state.reconciled([], ticket: state.takeTicket(), now: Self.t0)
        let first = state.tick(now: Self.t0.addingTimeInterval(60))
        #expect(Self.launches(first).count == 1)
        let whileMaking = state.tick(now: Self.t0.addingTimeInterval(120))
        #expect(Self.launches(whileMaking).isEmpty)
        #expect(whileMaking.reports.contains { if case .scheduledRunSkipped = $0 { true } else { false } })

        var suspended = try Self.state(suspend: true)
        _ = suspended.reconciled([], ticket: suspended.takeTicket(), now: Self.t0)
        let ticked = suspended.tick(now: Self.t0.addingTimeInterval(60))
        #expect(Self.launches(ticked).isEmpty && Self.missed(ticked) == 0)
    }

    @Test func aRunAnotherProcessLeftUnstartedIsClaimedAfterTheGraceAndStartedOnlyByTheWinner() throws {
        var state = try Self.state()
        let run = ScheduledRun(index: 0, expression: "* * * * *", tick: Self.t0)
        let left = JobObservation(name: "work-20270115080000-sched000", image: "img", created: Self.t0, runState: .created,
                                  timeLimitSeconds: 600, scheduledRun: run)
        let found = state.reconciled([left], ticket: state.takeTicket(), now: Self.t0.addingTimeInterval(5))
        #expect(!found.actions.contains(.start(name: left.name, attempt: 0)), "its maker may be about to start it")
        #expect(found.actions.contains(.armTimer(at: Self.t0.addingTimeInterval(30))))
        let due = state.tick(now: Self.t0.addingTimeInterval(30))
        #expect(due.actions.contains(.claimStart(name: left.name)))
        #expect(!due.actions.contains(.start(name: left.name, attempt: 0)), "not before the claim is won")
        #expect(state.startClaimed(left.name, won: true).actions.contains(.start(name: left.name, attempt: 0)))

        var loser = try Self.state()
        _ = loser.reconciled([left], ticket: loser.takeTicket(), now: Self.t0.addingTimeInterval(40))
        let claimed = loser.tick(now: Self.t0.addingTimeInterval(40))
        #expect(claimed.actions.contains(.claimStart(name: left.name)), "found after its grace: claimed at once")
        #expect(!loser.startClaimed(left.name, won: false).actions.contains(.start(name: left.name, attempt: 0)))
    }
}
