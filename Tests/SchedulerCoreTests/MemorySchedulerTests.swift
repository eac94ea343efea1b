import EngineTestSupport
import Foundation
import Logging
import RadixConfig
@testable import SchedulerCore
import Testing

/// A scheduler on the in-memory runtime and a manual clock: the executor and the decisions together,
/// with nothing real to wait for. Time moves only when a test advances the clock.
struct MemoryScheduler {
    let clock: ManualClock
    let runtime: InMemoryJobRuntime
    let configuration: SchedulerConfiguration
    let scheduler: JobScheduler
    /// What the scheduler told its webhook, when it has one.
    let notifications: NotificationRecorder?

    init(timeLimitSeconds: Int = 120, backoffLimit: Int = 0, failurePolicy: FailurePolicy? = nil, historyLimit: Int = 10,
         stopGracePeriod: Duration = .seconds(30), maxRunning: Int? = nil, runtime: InMemoryJobRuntime? = nil,
         clock: ManualClock = ManualClock(), notifications: NotificationRecorder? = nil, cron: JobCron? = nil, uniqueJobIds: Bool = false,
         feed: StatusFeed = StatusFeed()) {
        self.notifications = notifications
        self.clock = clock
        self.runtime = runtime ?? InMemoryJobRuntime(clock: clock)
        var job = ResolvedJob(name: "work", image: "busybox", schedulerPort: 8000, payloadPath: "/args",
                              timeLimitSeconds: timeLimitSeconds, backoffLimit: backoffLimit, failurePolicy: failurePolicy)
        job.cron = cron
        job.uniqueJobIds = uniqueJobIds
        configuration = SchedulerConfiguration(applicationName: "memory", job: job, historyLimit: historyLimit,
                                               stopGracePeriod: stopGracePeriod, maxRunning: maxRunning)
        var logger = Logger(label: "memory-scheduler")
        logger.logLevel = .critical
        var sink: JobScheduler.NotificationSink?
        if let notifications { sink = { batch in notifications.record(batch) } }
        scheduler = JobScheduler(configuration: configuration, runtime: self.runtime, clock: clock, logger: logger, notificationSink: sink,
                                 feed: feed)
    }

    /// The same runtime and clock, with a new scheduler process.
    func restarted(historyLimit: Int? = nil, notifications: NotificationRecorder? = nil) -> MemoryScheduler {
        MemoryScheduler(timeLimitSeconds: configuration.job.timeLimitSeconds, backoffLimit: configuration.job.backoffLimit,
                        failurePolicy: configuration.job.failurePolicy, historyLimit: historyLimit ?? configuration.historyLimit, stopGracePeriod: configuration.stopGracePeriod,
                        maxRunning: configuration.maxRunning,
                        runtime: runtime, clock: clock, notifications: notifications, cron: configuration.job.cron,
                        uniqueJobIds: configuration.job.uniqueJobIds)
    }

    /// Reconciles, runs the scheduler while `body` runs, then shuts it down.
    func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await scheduler.reconcile()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await scheduler.run() }
            defer { group.cancelAll() }
            try await eventually("the events connect") { scheduler.engineConnected }
            return try await body()
        }
    }

    func state(of name: String) -> JobState? { scheduler.currentStatus(named: name)?.state }

    /// Waits (briefly, in real time: everything here happens in memory) until `name` is in `state`.
    @discardableResult
    func waitFor(_ name: String, _ state: JobState) async throws -> JobStatus {
        try await eventually("\(name) is \(state.rawValue) (it is \(self.state(of: name)?.rawValue ?? "unknown"))") {
            self.state(of: name) == state
        }
        return try scheduler.job(named: name)
    }
}

/// Polls `condition` every millisecond for up to five seconds (everything here happens in memory); fails
/// the test when it never holds.
func eventually(_ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation,
                _ condition: () async throws -> Bool) async throws {
    try await waitUntil(what(), timeout: .seconds(5), pollingEvery: .milliseconds(1), sourceLocation: sourceLocation, condition)
}

@Suite("Scheduler on the in-memory runtime")
struct MemorySchedulerTests {
    @Test func aJobRunsToItsEndWithItsPayloadInPlace() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            let accepted = try await memory.scheduler.submit(JobRequest(payload: "{\"x\": 1}", jobId: "mine"))
            #expect(accepted.state == .waiting)
            #expect(accepted.jobId == "mine")
            #expect(memory.runtime.container(accepted.name)?.launch.payload?.bytes == Array("{\"x\": 1}".utf8))
            try await memory.waitFor(accepted.name, .running)
            memory.runtime.exit(accepted.name, code: 0)
            let done = try await memory.waitFor(accepted.name, .succeeded)
            #expect(done.podStatuses.first?.exitCode == 0)
            #expect(memory.scheduler.jobs().map(\.name) == [accepted.name])
            #expect(memory.runtime.container(accepted.name)?.starts == 1)
        }
    }

    @Test func theTimeLimitIsKeptOnTheClock() async throws {
        let memory = MemoryScheduler(timeLimitSeconds: 60)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            memory.clock.advance(by: 59)
            try await Task.sleep(for: .milliseconds(20))
            #expect(memory.state(of: job.name) == .running)
            memory.clock.advance(by: 1)
            let done = try await memory.waitFor(job.name, .failed)
            #expect(done.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
            #expect(done.podStatuses.first?.exitCode == 137)
        }
    }

    @Test func aStopWaitsOutTheGracePeriodOfAJobThatIgnoresIt() async throws {
        let memory = MemoryScheduler(stopGracePeriod: .seconds(30))
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            memory.runtime.modify(job.name) { $0.ignoresTerm = true }
            #expect(try await memory.scheduler.stop(named: job.name).state == .stopping)
            try await eventually("the stop waits on the clock") { memory.clock.sleeperCount >= 2 }
            #expect(memory.state(of: job.name) == .stopping)
            memory.clock.advance(by: 30)
            let stopped = try await memory.waitFor(job.name, .stopped)
            #expect(stopped.podStatuses.first?.exitCode == 137)
            await #expect(throws: SchedulerError.jobAlreadyEnded(job.name)) { try await memory.scheduler.stop(named: job.name) }
        }
    }

    @Test func aStartLostInTransportIsRetriedAfterItsBackoffAndRunsOnce() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            memory.runtime.failNextStart()
            let job = try await memory.scheduler.submit(JobRequest())
            try await Task.sleep(for: .milliseconds(20))
            #expect(memory.state(of: job.name) == .waiting, "retried before its backoff")
            try await eventually("the start is retried once the clock moves") {
                memory.clock.advance(by: 0.1)
                return memory.state(of: job.name) == .running
            }
            #expect(memory.runtime.container(job.name)?.starts == 1)
        }
    }

    @Test func aStartTheEngineCarriedOutAfterItsAnswerWasLostRunsOnce() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            memory.runtime.failNextStart(carriedOut: true)
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            memory.clock.advance(by: 10)  // past every start retry's due time
            try await Task.sleep(for: .milliseconds(20))
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 0)
            let done = try await memory.waitFor(job.name, .succeeded)
            #expect(done.failed == 0)
            #expect(memory.runtime.container(job.name)?.starts == 1)
        }
    }

    @Test func aRetrysStartTheEngineCarriedOutAfterItsAnswerWasLostEndsTheJobRight() async throws {
        let memory = MemoryScheduler(backoffLimit: 1)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await waitForRun(memory, job.name, 1)
            memory.runtime.failNextStart(of: job.name, carriedOut: true)
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 1)
            try await waitForRun(memory, job.name, 2)
            memory.clock.advance(by: 10)
            try await Task.sleep(for: .milliseconds(20))
            #expect(memory.runtime.container(job.name)?.starts == 2, "the retry was started twice")
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 0)
            let done = try await memory.waitFor(job.name, .succeeded)
            #expect(done.failed == 1)
            #expect(done.podStatuses.map(\.exitCode) == [1, 0])
        }
    }

    @Test func changesMadeWhileTheEngineWasAwayAreFoundWhenItComesBack() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            memory.runtime.loseConnection()
            try await eventually("the loss is noticed") { !memory.scheduler.engineConnected }
            await #expect(throws: SchedulerError.self) { try await memory.scheduler.submit(JobRequest()) }
            // The job ends unseen: its event is lost with the connection.
            memory.runtime.modify(job.name) { $0.runState = .exited; $0.exitCode = 6; $0.finishedAt = memory.clock.now }
            #expect(memory.state(of: job.name) == .running)
            memory.runtime.restoreConnection()
            let done = try await memory.waitFor(job.name, .failed)
            #expect(done.podStatuses.first?.exitCode == 6)
            // (A reading asked for before the loss may bring the end before the new listing does.)
            try await eventually("the scheduler is in step with the engine again") { memory.scheduler.engineConnected }
            #expect(memory.scheduler.jobs().count == 1, "the refused submission left nothing")
        }
    }

    @Test func aRestartedSchedulerReportsEveryJobAndRunsNoneTwice() async throws {
        let first = MemoryScheduler(timeLimitSeconds: 60)
        var names: [String: String] = [:]
        try await first.running {
            for label in ["ended", "running", "stopping", "overdue"] {
                names[label] = try await first.scheduler.submit(JobRequest()).name
                try await first.waitFor(names[label]!, .running)
            }
            first.runtime.exit(names["ended"]!, code: 0)
            try await first.waitFor(names["ended"]!, .succeeded)
            first.runtime.modify(names["stopping"]!) { $0.ignoresTerm = true }
            _ = try await first.scheduler.stop(named: names["stopping"]!)
        }
        first.clock.advance(by: 61)  // the deadlines pass while no scheduler runs
        // What a process that died mid-way leaves: an accepted job never started, a half-made one.
        let accepted = JobLaunchFactoryFixture.launch(name: "work-20270115080000-accepted", configuration: first.configuration)
        try await first.runtime.create(accepted)
        first.runtime.createUnfinished(JobLaunchFactoryFixture.launch(name: "work-20270115080000-halfmade", configuration: first.configuration,
                                                                       payload: "never uploaded"))

        let second = first.restarted()
        try await second.running {
            #expect(second.state(of: names["ended"]!) == .succeeded)
            // Its stop is carried on (and its deadline, passed too, kills it): stopped either way.
            try await second.waitFor(names["stopping"]!, .stopped)
            for label in ["running", "overdue"] {
                let killed = try await second.waitFor(names[label]!, .failed)
                #expect(killed.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
            }
            try await second.waitFor(accepted.name, .running)
            try await eventually("the half-made submission is removed") {
                second.runtime.container("work-20270115080000-halfmade") == nil
            }
            #expect(second.state(of: "work-20270115080000-halfmade") == nil)
        }
        for name in names.values + [accepted.name] {
            #expect(second.runtime.container(name)?.starts == 1, "\(name) started \(second.runtime.container(name)?.starts ?? 0) times")
        }
    }

    @Test func historyIsEnforcedOnWhatWasLeftBehind() async throws {
        let first = MemoryScheduler()
        var names: [String] = []
        try await first.running {
            for _ in 0..<4 {
                let job = try await first.scheduler.submit(JobRequest())
                try await first.waitFor(job.name, .running)
                first.clock.advance(by: 1)  // distinct end times
                first.runtime.exit(job.name, code: 0)
                try await first.waitFor(job.name, .succeeded)
                names.append(job.name)
            }
        }
        let second = first.restarted(historyLimit: 2)
        try await second.running {
            #expect(Set(second.scheduler.jobs().map(\.name)) == Set(names.suffix(2)))
            try await eventually("the older containers are removed") { second.runtime.containerNames == Set(names.suffix(2)) }
        }
    }

    static let policy = FailurePolicy(rules: [
        FailurePolicyRule(action: .failJob, onExitCodes: ExitCodeRequirement(operator: .in, values: [42])),
        FailurePolicyRule(action: .ignore, onExitCodes: ExitCodeRequirement(operator: .in, values: [7])),
    ])

    /// Waits until the job's container runs its `starts`-th run.
    func waitForRun(_ memory: MemoryScheduler, _ name: String, _ starts: Int) async throws {
        try await eventually("\(name) runs for the \(starts). time") {
            let container = memory.runtime.container(name)
            return container?.starts == starts && container?.runState == .running
        }
    }

    @Test func failedAttemptsAreRetriedByTheirExitCodeEachRecordedFirst() async throws {
        let memory = MemoryScheduler(backoffLimit: 1, failurePolicy: Self.policy)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            // (The clock moves between runs, as an engine's does: a run is known by its start and end.)
            try await waitForRun(memory, job.name, 1)
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 7)   // ignored: retried, not counted
            try await waitForRun(memory, job.name, 2)
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 1)   // counted: the one retry the backoff limit allows
            try await waitForRun(memory, job.name, 3)
            #expect(memory.runtime.attempts(of: job.name).map(\.counted) == [false, true])
            memory.clock.advance(by: 1)
            memory.runtime.exit(job.name, code: 1)
            let failed = try await memory.waitFor(job.name, .failed)
            #expect(failed.failed == 3)
            #expect(failed.podStatuses.map(\.exitCode) == [7, 1, 1])
            #expect(memory.runtime.container(job.name)?.starts == 3)
        }
    }

    @Test func aFailJobExitCodeEndsTheJobWhateverItsBackoffLimit() async throws {
        let memory = MemoryScheduler(backoffLimit: 5, failurePolicy: Self.policy)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await waitForRun(memory, job.name, 1)
            memory.runtime.exit(job.name, code: 42)
            let failed = try await memory.waitFor(job.name, .failed)
            #expect(failed.failed == 1)
            #expect(memory.runtime.attempts(of: job.name).isEmpty)
            #expect(memory.runtime.container(job.name)?.starts == 1)
        }
    }

    @Test func aRetryRecordedByAProcessThatDiedIsStartedOnceByTheNext() async throws {
        let first = MemoryScheduler(backoffLimit: 2)
        var name = ""
        try await first.running {
            name = try await first.scheduler.submit(JobRequest()).name
            try await waitForRun(first, name, 1)
        }
        // The job failed, and the dead scheduler had recorded the attempt but not started it again.
        first.runtime.exit(name, code: 3)
        let container = try #require(first.runtime.container(name))
        try await first.runtime.recordAttempt(JobAttempt(index: 0, exitCode: 3, startedAt: container.startedAt,
                                                         finishedAt: container.finishedAt, counted: true),
                                              name: name, selector: first.configuration.selector)
        let second = first.restarted()
        try await second.running {
            try await waitForRun(second, name, 2)
            #expect(second.runtime.attempts(of: name).count == 1, "the attempt was recorded twice")
            second.runtime.exit(name, code: 0)
            let done = try await second.waitFor(name, .succeeded)
            #expect(done.failed == 1)
            #expect(done.podStatuses.map(\.exitCode) == [3, 0])
        }
    }

    @Test func shuttingDownLeavesNoTaskBehind() async throws {
        let memory = MemoryScheduler(timeLimitSeconds: 3600)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            try await eventually("the deadline is armed") { memory.clock.sleeperCount == 1 }
        }
        #expect(memory.clock.sleeperCount == 0, "a task still waits on the clock after shutdown")
    }
}

/// Launches made as the scheduler makes them, for runtimes a test fills by hand.
enum JobLaunchFactoryFixture {
    static func launch(name: String, configuration: SchedulerConfiguration, payload: String? = nil) -> JobLaunch {
        // The factory validates what the configuration allows; these requests are always valid.
        try! JobLaunchFactory.launch(for: JobRequest(payload: payload), name: name, configuration: configuration)
    }
}
