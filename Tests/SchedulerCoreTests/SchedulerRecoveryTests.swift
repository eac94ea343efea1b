import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Logging
import RadixConfig
import Testing

/// The engine is the only state: a scheduler started afresh must report, finish and clean up
/// whatever an earlier one (now dead) left behind. "Earlier schedulers" here are jobs made directly
/// through the runtime, exactly as a scheduler that died at that point would have left them.
@Suite("Recovery from the engine's state", .requiresEngine)
struct SchedulerRecoveryTests {
    func launch(_ harness: SchedulerHarness, script: String, timeLimitSeconds: Int = 120, payload: String? = nil) throws -> JobLaunch {
        var request = JobRequest(payload: payload, timeLimitSeconds: timeLimitSeconds)
        request.command = ["sh", "-c", script]
        return try JobLaunchFactory.launch(for: request, name: JobNaming.newName(for: "work"), configuration: harness.configuration)
    }

    /// A second scheduler for the same job, as after a restart of the process.
    func restarted(_ harness: SchedulerHarness) async throws -> SchedulerHarness {
        harness.events.cancel()
        return try await SchedulerHarness(script: "true", applicationName: harness.applicationName)
    }

    @Test func jobsThatEndedWhileNoSchedulerRanAreReportedRight() async throws {
        try await withScheduler(script: "true") { harness in
            let succeeded = try launch(harness, script: "exit 0")
            let failed = try launch(harness, script: "sleep 0.5; exit 5")
            let running = try launch(harness, script: "sleep 60")
            var waiters: [ContainerWaiter] = []
            for job in [succeeded, failed, running] {
                try await harness.runtime.create(job)
                waiters.append(try await SchedulerHarness.engine.waitForContainer(job.name, condition: .nextExit))
                try await harness.runtime.start(name: job.name)
            }
            for waiter in waiters.prefix(2) { _ = try await waiter.exit() }  // both ended while no scheduler ran
            let fresh = try await restarted(harness)
            #expect(try await fresh.scheduler.job(named: succeeded.name).state == .succeeded)
            let failure = try await fresh.scheduler.job(named: failed.name)
            #expect(failure.state == .failed)
            #expect(failure.podStatuses.first?.exitCode == 5)
            #expect(try await fresh.scheduler.job(named: running.name).state == .running)
            await fresh.finish()
        }
    }

    @Test func anAcceptedJobThatNeverStartedIsStartedOnce() async throws {
        try await withScheduler(script: "true") { harness in
            let accepted = try launch(harness, script: "test \"$(cat /args/payload)\" = accepted", payload: "accepted")
            try await harness.runtime.create(accepted)  // created with its payload, then the scheduler died
            let fresh = try await restarted(harness)
            let done = try await fresh.waitFor(accepted.name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            #expect(done.podStatuses.first?.restartCount == 0)
            await fresh.finish()
        }
    }

    @Test func aSubmissionThatDiedBeforeItsPayloadWasInPlaceIsRemoved() async throws {
        try await withScheduler(script: "true") { harness in
            let unfinished = try launch(harness, script: "true", payload: "never uploaded")
            // The container exists but the scheduler died before the payload upload completed.
            _ = try await SchedulerHarness.engine.createContainer(name: unfinished.name, spec: harness.runtime.containerSpec(for: unfinished))
            let fresh = try await restarted(harness)
            #expect(await fresh.scheduler.jobs().isEmpty)
            try await waitUntil("the half-made submission's container is removed") { try await fresh.containerNames().isEmpty }
            await fresh.finish()
        }
    }

    @Test func deadlinesStillHoldAfterARestart() async throws {
        try await withScheduler(script: "true") { harness in
            let pastDeadline = try launch(harness, script: "sleep 60", timeLimitSeconds: 1)
            let laterDeadline = try launch(harness, script: "sleep 60", timeLimitSeconds: 4)
            for job in [pastDeadline, laterDeadline] {
                try await harness.runtime.create(job)
                try await harness.runtime.start(name: job.name)
            }
            try await Task.sleep(for: .seconds(1.5))
            let fresh = try await restarted(harness)
            let first = try await fresh.waitFor(pastDeadline.name, [.failed, .succeeded])
            #expect(first.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
            let second = try await fresh.waitFor(laterDeadline.name, [.failed, .succeeded])
            #expect(second.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
            // Killed at its own deadline, not at once: the new scheduler kept the time limit.
            #expect(second.ended!.timeIntervalSince(second.created!) >= 4)
            #expect(second.podStatuses.first?.exitCode == 137)
            await fresh.finish()
        }
    }

    @Test func aStopRequestedBeforeTheSchedulerDiedIsCarriedOut() async throws {
        try await withScheduler(script: "true", stopGracePeriod: .seconds(1)) { harness in
            let job = try launch(harness, script: "sleep 60")
            try await harness.runtime.create(job)
            try await harness.runtime.start(name: job.name)
            try await harness.runtime.recordStopRequest(name: job.name, selector: harness.configuration.selector)
            let fresh = try await restarted(harness)
            let stopped = try await fresh.waitFor(job.name, [.stopped, .failed, .succeeded])
            #expect(stopped.state == .stopped)
            await fresh.finish()
        }
    }

    @Test func historyLimitIsEnforcedOnWhatWasLeftBehind() async throws {
        try await withScheduler(script: "true") { harness in
            var names: [String] = []
            for _ in 0..<4 {
                let job = try launch(harness, script: "exit 0")
                try await harness.runtime.create(job)
                let waiter = try await SchedulerHarness.engine.waitForContainer(job.name, condition: .nextExit)
                try await harness.runtime.start(name: job.name)
                _ = try await waiter.exit()
                names.append(job.name)
                try await Task.sleep(for: .milliseconds(1100))  // distinct names and end times
            }
            harness.events.cancel()
            let fresh = try await SchedulerHarness(script: "true", historyLimit: 2, applicationName: harness.applicationName)
            #expect(Set(await fresh.scheduler.jobs().map(\.name)) == Set(names.suffix(2)))
            try await waitUntil("the engine holds the two newest jobs only") { try await fresh.containerNames() == Set(names.suffix(2)) }
            await fresh.finish()
        }
    }
}

@Suite("Engine restarts", .requiresEngine)
struct EngineRestartTests {
    @Test func schedulerReconnectsAndReconcilesWithoutARestart() async throws {
        // A proxy in front of the engine stands in for the engine going away and coming back.
        let proxy = try SocketProxy(target: SchedulerHarness.engine.host.socketPath)
        defer { proxy.stop() }
        let viaProxy = DockerEngineClient(host: DockerHost(socketPath: proxy.socketPath))
        let harness = try await SchedulerHarness(script: "sleep 1.5; exit 6", engine: viaProxy)
        do {
            let job = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(job.name, [.running])
            proxy.stop()
            try await Task.sleep(for: .seconds(2.5))  // the job ends while the engine is out of reach
            #expect(try await harness.scheduler.job(named: job.name).state == .running)
            try proxy.start()
            let done = try await harness.waitFor(job.name, [.failed, .succeeded], timeout: .seconds(120))
            #expect(done.state == .failed)
            #expect(done.podStatuses.first?.exitCode == 6)
            // The end may be seen through the replayed event before the listing made on reconnecting is applied;
            // only after that listing does the scheduler count the engine as followed again.
            // Generous: on two cores the suite's first minute runs dozens of engine tests at once.
            try await waitUntil("the scheduler follows the engine again", timeout: .seconds(120)) {
                await harness.scheduler.engineConnected
            }
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
    }
}
