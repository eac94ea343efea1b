import CronSchedules
import Foundation
import RadixConfig

/// One of the job's schedules as the decisions keep it.
struct ScheduleEntry: Sendable {
    let index: Int
    let schedule: Schedule
    /// The next tick to act on; nil before the first reconcile (nothing is known yet) and when the
    /// schedule has no more runs.
    var nextTick: Date?
    var suspended: Bool
}

/// Scheduled runs: each tick of each schedule starts one job, exactly once. A run's container is named
/// after its schedule and tick, so the engine itself refuses a second run of a tick, whichever process
/// (or restart) tries. Ticks come from the clock (`tick(now:)`); what a tick does depends on the
/// cron's concurrency and on the job's scheduled runs that have not ended.
extension SchedulerState {
    /// How long a scheduled run another process made may stay created and not started before this one
    /// starts it: its maker starts it at once, unless it died in between.
    static let orphanedRunGrace: TimeInterval = 30
    /// How late a tick may still run while the scheduler runs, when the cron sets no starting deadline.
    static let liveStartingDeadline = 60

    // MARK: - Reading

    /// The schedules, in the cron's order.
    public var scheduleEntries: [(index: Int, expression: String, suspended: Bool, nextTick: Date?)] {
        schedules.map { ($0.index, $0.schedule.expression, $0.suspended, $0.nextTick) }
    }

    /// Each schedule's status at `now`, with its next `runs` ticks.
    public func scheduleStatuses(now: Date, runs: Int) -> [ScheduleStatus] {
        var latest: [Int: JobRecord] = [:]
        for record in records.values {
            guard let run = record.observation.scheduledRun else { continue }
            if let known = latest[run.index]?.observation.scheduledRun, (known.tick, latest[run.index]!.observation.name) >= (run.tick, record.observation.name) { continue }
            latest[run.index] = record
        }
        return schedules.map { entry in
            let last = latest[entry.index].flatMap { record in
                record.observation.scheduledRun.map { ScheduleStatus.LastRun(name: record.observation.name, state: record.status.state, scheduledAt: $0.tick) }
            }
            return ScheduleStatus(index: entry.index, expression: entry.schedule.expression, timeZone: timeZoneName, concurrency: concurrency,
                                  suspended: entry.suspended, nextRuns: entry.suspended ? [] : entry.schedule.nextRuns(after: now, count: runs),
                                  lastRun: last)
        }
    }

    /// The schedule at `index`; throws when the cron has none there.
    public func scheduleStatus(_ index: Int, now: Date, runs: Int = 5) throws(SchedulerError) -> ScheduleStatus {
        let statuses = scheduleStatuses(now: now, runs: runs)
        guard statuses.indices.contains(index) else { throw .scheduleNotFound(index) }
        return statuses[index]
    }

    /// A run of schedule `index` asked for now (outside its ticks): its tick is this second.
    public func runNow(_ index: Int, now: Date) throws(SchedulerError) -> ScheduledRun {
        guard schedules.indices.contains(index) else { throw .scheduleNotFound(index) }
        return ScheduledRun(index: index, expression: schedules[index].schedule.expression,
                            tick: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
    }

    // MARK: - Inputs

    /// The suspensions recorded in the runtime (a reconcile's): they override the cron's `suspend`.
    public mutating func suspensionsFound(_ recorded: [Int: Bool]) {
        for position in schedules.indices { schedules[position].suspended = recorded[schedules[position].index] ?? suspendedByConfig }
    }

    /// A schedule's suspension (or resumption) is recorded: it takes effect.
    public mutating func suspensionRecorded(_ index: Int, suspended: Bool, now: Date) -> (ScheduleStatus?, SchedulerEffects) {
        var effects = SchedulerEffects()
        if schedules.indices.contains(index) { schedules[index].suspended = suspended }
        finish(&effects)
        return (try? scheduleStatus(index, now: now), effects)
    }

    /// A scheduled run's container was made by this process: it is accepted, and started.
    public mutating func scheduledRunCreated(_ observation: JobObservation, now: Date) -> SchedulerEffects {
        if let run = observation.scheduledRun { launchingRuns.remove(run) }
        return submissionCreated(observation, now: now).1
    }

    /// A scheduled run's container could not be made: `takenElsewhere` when the engine already had it
    /// (another process, or this one before a restart, ran the tick).
    public mutating func scheduledRunNotCreated(_ run: ScheduledRun, name: String, takenElsewhere: Bool) -> SchedulerEffects {
        var effects = SchedulerEffects()
        launchingRuns.remove(run)
        submissionFailed(name)
        effects.reports.append(takenElsewhere ? .scheduledRunTakenElsewhere(run: run) : .scheduledRunFailed(run: run))
        finish(&effects)
        return effects
    }

    // MARK: - Rules

    /// At the first reconcile: the schedules start ticking from now, with one catch-up run for the
    /// latest tick missed within `startingDeadlineSeconds` (none without it, as Radix), for a schedule
    /// that has run before (a scheduler deployed afresh starts with the next tick, as a new Kubernetes
    /// CronJob does; each schedule's latest run is kept in the history for this).
    mutating func armSchedules(now: Date, _ effects: inout SchedulerEffects) {
        guard !schedulesArmed else { return }
        schedulesArmed = true
        for position in schedules.indices where !schedules[position].suspended {
            let entry = schedules[position]
            if let deadline = startingDeadlineSeconds, let ranLast = latestTick(of: entry.index),
               let missed = entry.schedule.lastRun(notAfter: now, after: max(ranLast, now.addingTimeInterval(-TimeInterval(deadline)))),
               !hasRun(entry.index, tickAtOrAfter: missed) {
                effects.reports.append(.scheduledRunCaughtUp(run: ScheduledRun(index: entry.index, expression: entry.schedule.expression, tick: missed)))
                runTick(entry, missed, &effects)
            }
            schedules[position].nextTick = entry.schedule.nextRun(after: now)
        }
    }

    /// The clock reached some ticks: each schedule runs its latest due tick if it is late by no more
    /// than its starting deadline (`liveStartingDeadline` without one); earlier due ones (the process
    /// was held up) are missed, never run in a flood. A suspended schedule's ticks pass without a run.
    mutating func runDueTicks(now: Date, _ effects: inout SchedulerEffects) {
        for position in schedules.indices {
            guard let first = schedules[position].nextTick, first <= now else { continue }
            let entry = schedules[position]
            schedules[position].nextTick = entry.schedule.nextRun(after: now)
            guard !entry.suspended else { continue }
            var latest = first
            var missed = 0
            while let next = entry.schedule.nextRun(after: latest), next <= now {
                latest = next
                missed += 1
            }
            let inTime = now.timeIntervalSince(latest) <= TimeInterval(startingDeadlineSeconds ?? Self.liveStartingDeadline)
            if !inTime { missed += 1 }
            if missed > 0 { effects.reports.append(.scheduledTicksMissed(index: entry.index, count: missed)) }
            if inTime && !hasRun(entry.index, tickAtOrAfter: latest) { runTick(entry, latest, &effects) }
        }
    }

    /// What one tick does, by the cron's concurrency, given the scheduled runs that have not ended.
    mutating func runTick(_ entry: ScheduleEntry, _ tick: Date, _ effects: inout SchedulerEffects) {
        let run = ScheduledRun(index: entry.index, expression: entry.schedule.expression, tick: tick)
        let active = records.values.filter { $0.observation.scheduledRun != nil && !$0.status.state.isTerminal }.map(\.observation.name)
        switch concurrency {
        case .forbid where !active.isEmpty || !launchingRuns.isEmpty:
            effects.reports.append(.scheduledRunSkipped(run: run, running: active.sorted()))
            return
        case .replace:
            for name in active.sorted() where records[name]?.observation.stopRequested == false {
                effects.actions.append(.recordStop(name: name))
                effects.reports.append(.scheduledRunReplaced(name: name, by: run))
            }
        default:
            break
        }
        launchingRuns.insert(run)
        effects.actions.append(.launchScheduledRun(run))
    }

    /// The tick of the schedule's newest known run.
    func latestTick(of index: Int) -> Date? {
        records.values.compactMap { $0.observation.scheduledRun }.filter { $0.index == index }.map(\.tick).max()
    }

    /// Whether a run of this schedule for this tick, or a later one, exists or is being made.
    func hasRun(_ index: Int, tickAtOrAfter tick: Date) -> Bool {
        launchingRuns.contains { $0.index == index && $0.tick >= tick }
            || records.values.contains { record in
                guard let run = record.observation.scheduledRun else { return false }
                return run.index == index && run.tick >= tick
            }
    }

    /// A scheduled run this process did not make, found created and not started: its maker starts it
    /// at once, so it is claimed here only once `orphanedRunGrace` has passed since its creation, and
    /// started only if this process wins the claim (another scheduler may have found it too). Returns
    /// whether the run is such an orphan (then it is not started the usual way).
    mutating func deferOrphanedRun(_ name: String, now: Date) -> Bool {
        guard let observation = records[name]?.observation, observation.scheduledRun != nil, observation.runState == .created,
              !startsIssued.contains(name), let created = observation.created else { return false }
        if orphanedRuns[name] == nil && !claimingStarts.contains(name) { orphanedRuns[name] = created.addingTimeInterval(Self.orphanedRunGrace) }
        return true
    }

    /// Claims the orphaned runs whose grace has passed.
    mutating func claimOrphanedRuns(now: Date, _ effects: inout SchedulerEffects) {
        for (name, due) in orphanedRuns.sorted(by: { $0.key < $1.key }) where due <= now {
            orphanedRuns[name] = nil
            guard isStartable(name) else { continue }  // started, stopped or gone meanwhile
            claimingStarts.insert(name)
            effects.actions.append(.claimStart(name: name))
        }
    }

    /// The claim to start an orphaned run was decided: the winner starts it.
    public mutating func startClaimed(_ name: String, won: Bool) -> SchedulerEffects {
        var effects = SchedulerEffects()
        claimingStarts.remove(name)
        if won { startIfAccepted(name, &effects) } else { effects.reports.append(.startClaimedElsewhere(name: name)) }
        finish(&effects)
        return effects
    }

    /// The claim could not be made (the runtime failed): tried again a grace later.
    public mutating func startClaimFailed(_ name: String, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        claimingStarts.remove(name)
        if records[name] != nil { orphanedRuns[name] = now.addingTimeInterval(Self.orphanedRunGrace) }
        finish(&effects)
        return effects
    }
}
