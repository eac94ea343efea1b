import DockerEngine
import Foundation
import Logging

extension JobScheduler {
    /// Suspends or resumes schedule `index`, durably (it outlives restarts and overrides the cron's `suspend`).
    public func setSchedule(_ index: Int, suspended: Bool) async throws(SchedulerError) -> ScheduleStatus {
        let now = clock.now
        _ = try state.withLock { state throws(SchedulerError) in try state.scheduleStatus(index, now: now) }
        do {
            try await runtime.recordSuspension(index: index, suspended: suspended, selector: selector)
        } catch {
            throw Self.schedulerError(from: error)
        }
        guard let status = decide({ state, now in state.suspensionRecorded(index, suspended: suspended, now: now) }) else {
            throw .scheduleNotFound(index)
        }
        feed.publish([.schedulesChanged])
        return status
    }

    /// Runs schedule `index` now, outside its ticks (whatever its concurrency and suspension, as
    /// asked): a run for this second, which only one request (or tick) gets.
    public func runSchedule(_ index: Int) async throws(SchedulerError) -> JobStatus {
        let run = try state.withLock { state throws(SchedulerError) in try state.runNow(index, now: clock.now) }
        let name = JobNaming.scheduledRunName(for: configuration.job.name, run: run)
        let taken = SchedulerError.conflict("schedule \(index) has a run for \(run.tick.formatted(.iso8601)) already; ask again in a second")
        var launch = try JobLaunchFactory.launch(for: JobRequest(), name: name, configuration: configuration)
        launch.scheduledRun = run
        guard state.withLock({ $0.beginSubmission(name) }) else { throw taken }
        do {
            try await runtime.create(launch)
        } catch {
            state.withLock { $0.submissionFailed(name) }
            if case DockerEngineError.conflict = error { throw taken }
            throw Self.schedulerError(from: error, creating: launch)
        }
        let observation = JobObservation(accepted: launch, at: clock.now)
        return decide { state, now in state.submissionCreated(observation, now: now) }
    }

    /// Makes and starts a tick's run under its schedule-and-tick name: the engine refuses a second
    /// container of that name, so a tick runs once whichever process (or restart) gets there first.
    func launch(_ run: ScheduledRun) async {
        let name = JobNaming.scheduledRunName(for: configuration.job.name, run: run)
        var launch: JobLaunch
        do {
            launch = try JobLaunchFactory.launch(for: JobRequest(), name: name, configuration: configuration)
        } catch {
            logger.error("tick's job is not valid", metadata: scheduleMetadata(run).merging(["error": "\(error)"]) { $1 })
            decide { state, _ in ((), state.scheduledRunNotCreated(run, name: name, takenElsewhere: false)) }
            return
        }
        launch.scheduledRun = run
        guard state.withLock({ $0.beginSubmission(name) }) else {
            decide { state, _ in ((), state.scheduledRunNotCreated(run, name: name, takenElsewhere: true)) }
            return
        }
        do {
            try await runtime.create(launch)
        } catch {
            let taken = if case DockerEngineError.conflict = error { true } else { false }
            if !taken {
                logger.error("tick's job could not be created", metadata: scheduleMetadata(run).merging(["error": "\(error)"]) { $1 })
                metrics.engineErrors.increment()
            }
            decide { state, _ in ((), state.scheduledRunNotCreated(run, name: name, takenElsewhere: taken)) }
            return
        }
        metrics.ticksRun.increment()
        let observation = JobObservation(accepted: launch, at: clock.now)
        decide { state, now in ((), state.scheduledRunCreated(observation, now: now)) }
    }

    func scheduleMetadata(_ run: ScheduledRun) -> Logger.Metadata {
        ["schedule": "\(run.index)", "expression": "\(run.expression)", "tick": "\(run.tick)"]
    }
}
