import Foundation
import Metrics

/// What a scheduler counts, through swift-metrics (whatever backend the process bootstraps, such as
/// Prometheus). Every metric carries the job's name as a dimension.
struct SchedulerMetrics: Sendable {
    let started: Counter
    let succeeded: Counter
    let failed: Counter
    let stopped: Counter
    /// Jobs whose container runs now (stopping ones included).
    let running: Gauge
    /// From the job's creation (its POST) to its container's start.
    let startDelay: Metrics.Timer
    /// From the container's exit to the terminal status in the index.
    let statusDelay: Metrics.Timer
    let engineErrors: Counter
    /// Schedule ticks: run (their job made), skipped (concurrency Forbid), missed (late or not made);
    /// scheduled runs stopped for the next (concurrency Replace).
    let ticksRun: Counter
    let ticksSkipped: Counter
    let ticksMissed: Counter
    let runsReplaced: Counter
    /// From a tick to its run's container start.
    let tickDelay: Metrics.Timer

    init(job: String) {
        let dimensions = [("job", job)]
        started = Counter(label: "job_scheduler_jobs_started_total", dimensions: dimensions)
        succeeded = Counter(label: "job_scheduler_jobs_succeeded_total", dimensions: dimensions)
        failed = Counter(label: "job_scheduler_jobs_failed_total", dimensions: dimensions)
        stopped = Counter(label: "job_scheduler_jobs_stopped_total", dimensions: dimensions)
        running = Gauge(label: "job_scheduler_jobs_running", dimensions: dimensions)
        startDelay = Metrics.Timer(label: "job_scheduler_job_start_delay_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        statusDelay = Metrics.Timer(label: "job_scheduler_job_status_delay_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        engineErrors = Counter(label: "job_scheduler_engine_errors_total", dimensions: dimensions)
        ticksRun = Counter(label: "job_scheduler_schedule_ticks_run_total", dimensions: dimensions)
        ticksSkipped = Counter(label: "job_scheduler_schedule_ticks_skipped_total", dimensions: dimensions)
        ticksMissed = Counter(label: "job_scheduler_schedule_ticks_missed_total", dimensions: dimensions)
        runsReplaced = Counter(label: "job_scheduler_scheduled_runs_replaced_total", dimensions: dimensions)
        tickDelay = Metrics.Timer(label: "job_scheduler_tick_start_delay_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
    }

    /// Records a job's change of state. A job first seen (`previous` nil, as in a reconcile) counts
    /// nothing: what happened to it happened before this process watched it.
    func recordTransition(from previous: JobState?, to status: JobStatus, observation: JobObservation, now: Date = Date()) {
        guard let previous, previous != status.state else { return }
        // Counted once, when the job leaves Waiting having started (a quick job may go straight to its end).
        if previous == .waiting && status.state != .waiting && observation.startedAt != nil {
            started.increment()
            if let created = observation.created, let startedAt = observation.startedAt, startedAt >= created {
                startDelay.recordNanoseconds(Int64(startedAt.timeIntervalSince(created) * 1e9))
            }
            if let tick = observation.scheduledRun?.tick, let startedAt = observation.startedAt, startedAt >= tick {
                tickDelay.recordNanoseconds(Int64(startedAt.timeIntervalSince(tick) * 1e9))
            }
        }
        guard status.state.isTerminal, !previous.isTerminal else { return }
        switch status.state {
        case .succeeded: succeeded.increment()
        case .failed: failed.increment()
        case .stopped: stopped.increment()
        default: break
        }
        if let finished = observation.finishedAt, now >= finished {
            statusDelay.recordNanoseconds(Int64(now.timeIntervalSince(finished) * 1e9))
        }
    }
}
