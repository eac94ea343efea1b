import CronSchedules
import Foundation
import RadixConfig
@testable import SchedulerCore
import Testing

/// Scheduled runs with the executor, the in-memory runtime and a manual clock: each tick runs once,
/// across restarts and with two schedulers on one runtime; concurrency; catch-up; names and marks.
@Suite("Schedules on the in-memory runtime")
struct MemoryScheduleTests {
    /// The manual clock starts at 1_800_000_000 (2027-01-15T08:00:00Z): on a minute.
    static func cron(_ expressions: [String] = ["* * * * *"], concurrency: JobCron.Concurrency = .allow,
                     startingDeadlineSeconds: Int? = nil) throws -> JobCron {
        JobCron(schedules: try expressions.map { try Schedule($0) }, concurrency: concurrency, startingDeadlineSeconds: startingDeadlineSeconds)
    }

    static func runs(_ memory: MemoryScheduler) -> [JobStatus] {
        memory.scheduler.jobs().filter { $0.schedule != nil }.sorted { ($0.scheduledAt!, $0.name) < ($1.scheduledAt!, $1.name) }
    }

    /// Moves the clock to the next tick of a minute schedule and waits for its run to exist.
    static func nextMinute(_ memory: MemoryScheduler, expecting count: Int) async throws {
        memory.clock.advance(by: 60)
        try await eventually("\(count) scheduled runs exist") { runs(memory).count == count }
    }

    @Test func eachTickStartsOneRunMarkedWithItsScheduleAndTick() async throws {
        let memory = MemoryScheduler(cron: try Self.cron())
        try await memory.running {
            #expect(Self.runs(memory).isEmpty, "no run at start-up: nothing was missed")
            try await Self.nextMinute(memory, expecting: 1)
            let run = Self.runs(memory)[0]
            #expect(run.schedule == "* * * * *")
            #expect(run.scheduledAt == memory.clock.now)
            #expect(run.name == "work-20270115080100-sched000")
            try await memory.waitFor(run.name, .running)
            #expect(memory.runtime.container(run.name)?.launch.payload == nil, "no payload, no overrides")
            try await Self.nextMinute(memory, expecting: 2)
            for run in Self.runs(memory) { try await memory.waitFor(run.name, .running) }
            #expect(Self.runs(memory).allSatisfy { memory.runtime.container($0.name)?.starts == 1 })
        }
    }

    @Test func forbidSkipsATickWhileARunHasNotEndedAndReplaceStopsItFirst() async throws {
        let forbid = MemoryScheduler(cron: try Self.cron(concurrency: .forbid))
        try await forbid.running {
            try await Self.nextMinute(forbid, expecting: 1)
            let first = Self.runs(forbid)[0].name
            try await forbid.waitFor(first, .running)
            forbid.clock.advance(by: 60)
            try await eventually("the second tick has passed") { forbid.scheduler.state.withLock { $0.scheduleEntries[0].nextTick! > forbid.clock.now } }
            #expect(Self.runs(forbid).count == 1, "skipped: the first still runs")
            forbid.runtime.exit(first, code: 0)
            try await forbid.waitFor(first, .succeeded)
            try await Self.nextMinute(forbid, expecting: 2)
        }
        let replace = MemoryScheduler(cron: try Self.cron(concurrency: .replace))
        try await replace.running {
            try await Self.nextMinute(replace, expecting: 1)
            let first = Self.runs(replace)[0].name
            try await replace.waitFor(first, .running)
            try await Self.nextMinute(replace, expecting: 2)
            let second = Self.runs(replace)[1].name
            try await replace.waitFor(first, .stopped)
            try await replace.waitFor(second, .running)
        }
        let allow = MemoryScheduler(cron: try Self.cron(concurrency: .allow))
        try await allow.running {
            try await Self.nextMinute(allow, expecting: 1)
            try await allow.waitFor(Self.runs(allow)[0].name, .running)
            try await Self.nextMinute(allow, expecting: 2)
            for run in Self.runs(allow) { try await allow.waitFor(run.name, .running) }
        }
    }

    @Test func aRestartRunsNoTickTwiceAndCatchesUpOnlyTheLatestMissedWithinTheDeadline() async throws {
        let memory = MemoryScheduler(cron: try Self.cron(startingDeadlineSeconds: 150))
        try await memory.running {
            try await Self.nextMinute(memory, expecting: 1)
        }
        // Down for five minutes: ticks at +2 .. +6 min missed; only +6 min is within 150 s of now.
        memory.clock.advance(by: 5 * 60 + 30)
        let fresh = memory.restarted()
        try await fresh.running {
            try await eventually("one catch-up run") { Self.runs(fresh).count == 2 }
            let caughtUp = Self.runs(fresh)[1]
            #expect(caughtUp.scheduledAt == Date(timeIntervalSince1970: 1_800_000_000 + 6 * 60))
            // Started again at once: the catch-up run exists, so no second one.
            let again = fresh.restarted()
            try await again.running {
                #expect(Self.runs(again).count == 2)
            }
        }
        // Without a starting deadline, as Radix: nothing is caught up.
        let radix = MemoryScheduler(cron: try Self.cron())
        try await radix.running { try await Self.nextMinute(radix, expecting: 1) }
        radix.clock.advance(by: 90)
        let restartedRadix = radix.restarted()
        try await restartedRadix.running { #expect(Self.runs(restartedRadix).count == 1) }
        // Deployed afresh (no run of the schedule known): it starts with the next tick, deadline or not.
        let deployed = MemoryScheduler(cron: try Self.cron(startingDeadlineSeconds: 150))
        deployed.clock.advance(by: 30)
        try await deployed.running { #expect(Self.runs(deployed).isEmpty) }
    }

    @Test func aRunLeftUnstartedIsStartedOnceByOneOfTwoRestartedSchedulers() async throws {
        let memory = MemoryScheduler(cron: try Self.cron())
        // A scheduler made this tick's run and died before starting it.
        let run = ScheduledRun(index: 0, expression: "* * * * *", tick: memory.clock.now)
        var launch = try JobLaunchFactory.launch(for: JobRequest(), name: JobNaming.scheduledRunName(for: "work", run: run),
                                                 configuration: memory.configuration)
        launch.scheduledRun = run
        try await memory.runtime.create(launch)
        let other = memory.restarted()
        try await memory.running {
            try await other.running {
                #expect(memory.runtime.container(launch.name)?.starts == 0, "its maker may still start it")
                memory.clock.advance(by: 31)
                try await memory.waitFor(launch.name, .running)
                try await other.waitFor(launch.name, .running)
            }
        }
        #expect(memory.runtime.container(launch.name)?.starts == 1)
    }

    @Test func twoSchedulersOnOneRuntimeRunEachTickOnce() async throws {
        let first = MemoryScheduler(cron: try Self.cron(["* * * * *", "*/2 * * * *"]))
        let second = first.restarted()  // same runtime and clock, another process
        try await first.running {
            try await second.running {
                for minute in 1...4 {
                    first.clock.advance(by: 60)
                    let expected = minute + minute / 2
                    try await eventually("\(expected) runs") { first.runtime.containerNames.count == expected }
                }
                try await eventually("both know every run") { Self.runs(second).count == 6 && Self.runs(first).count == 6 }
            }
        }
        #expect(first.runtime.containerNames.allSatisfy { first.runtime.container($0)?.starts == 1 }, "each run started once")
    }
}
