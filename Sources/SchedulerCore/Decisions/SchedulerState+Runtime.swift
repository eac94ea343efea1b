import Foundation

/// What the runtime and the clock tell the state: reconciles, observations, events, the outcomes of the
/// actions carried out, and the time. Each applies the rules (SchedulerState+Rules) and returns the effects.
extension SchedulerState {
    // MARK: - Runtime

    /// A ticket for an observation about to be made: whatever is applied after it was taken is newer.
    public mutating func takeTicket() -> UInt64 {
        lastTicket += 1
        return lastTicket
    }

    /// Every job the runtime has, read under `ticket`: rebuilds the index, and carries out what a
    /// previous process left undone (starts accepted jobs, removes half-made submissions, resumes
    /// stops, enforces deadlines and the history).
    public mutating func reconciled(_ observations: [JobObservation], batches found: [BatchObservation] = [], tally: RunTally? = nil,
                                    ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        runTallyFound(tally)
        reconcileBatches(found, ticket: ticket, &effects)
        let seen = Set(observations.map(\.name))
        for (name, record) in records where !seen.contains(name) && !launching.contains(name) && record.ticket < ticket {
            forget(name, .containerRemoved, &effects)
        }
        for observation in observations {
            let name = observation.name
            if observation.batchName == nil, records[name] == nil, isFolded(name) {
                // Counted in the tally before its removal, which a death cut short (a batch's jobs go
                // with their batch, whose record the history still removes).
                if runTally.hasFolded(name) { effects.actions.append(.remove(name: name)) }
                continue
            }
            if let batch = observation.batchName, batches[batch] == nil, !launchingBatches.contains(batch) {
                // A job of a batch whose submission never completed (or whose deletion did not finish).
                effects.actions.append(.remove(name: name))
                effects.reports.append(.unfinishedSubmissionDiscarded(name: name))
                continue
            }
            if observation.runState == .created && !observation.submissionComplete {
                // A submission that died before it was answered: nobody knows of this job.
                // (Unless this process made or started it: then it was complete.)
                if !launching.contains(name) && !startsIssued.contains(name) && records[name] == nil {
                    effects.actions.append(.remove(name: name))
                    effects.reports.append(.unfinishedSubmissionDiscarded(name: name))
                }
                continue
            }
            apply(observation, ticket: ticket, now: now, &effects)
            if !launching.contains(name) && !deferOrphanedRun(name, now: now) { startIfAccepted(name, &effects) }
        }
        if let pending = pendingReconcile, ticket >= pending { pendingReconcile = nil }
        armSchedules(now: now, &effects)
        effects.reports.append(.reconciled(jobs: records.count))
        finish(&effects)
        return effects
    }

    /// One job read from the runtime under `ticket`; nil when the runtime has no such job.
    public mutating func observed(_ name: String, _ observation: JobObservation?, ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if let observation {
            apply(observation, ticket: ticket, now: now, &effects)
            retryStartIfDue(observation, &effects)
        } else if !launching.contains(name), let record = records[name], record.ticket < ticket {
            forget(name, .containerRemoved, &effects)
        }
        finish(&effects)
        return effects
    }

    /// The runtime could not be read for one job: a start retry waiting for this reading is given up.
    public mutating func observationFailed(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if records[name]?.startRetry != nil { records[name]?.startRetry = nil }
        finish(&effects)
        return effects
    }

    public mutating func handle(_ event: RuntimeEvent, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        switch event {
        case .connected, .reconnected:
            // Changes made while no events flowed are only seen in a fresh list.
            eventsFlow = true
            askForReconcile(&effects)
        case .disconnected(let reason):
            if eventsFlow { effects.reports.append(.engineLost(reason: reason)) }
            eventsFlow = false
            pendingReconcile = nil
            reconcileRetry = nil
        case .jobChanged(let name):
            effects.actions.append(.observe(name: name, ticket: takeTicket()))
        case .jobStarted(let name, let time):
            // A first start's facts are all in the event once an inspection has given the image ID:
            // then no inspection is sent, sparing the runtime while it starts other jobs.
            if !started(name, at: time, now: now, &effects) {
                effects.actions.append(.observe(name: name, ticket: takeTicket()))
            }
        case .jobExited(let name, let exitCode, let time):
            exited(name, exitCode: exitCode, at: time, now: now, &effects)
            effects.actions.append(.observe(name: name, ticket: takeTicket()))
        case .jobRemoved(let name):
            if !launching.contains(name), records[name] != nil { forget(name, .containerRemoved, &effects) }
        }
        finish(&effects)
        return effects
    }

    /// A start failed; `transient` when the runtime may not have received it (a transport failure).
    /// Such a start is tried again, but only while the job has never started: one whose answer was
    /// lost must not run the job a second time.
    public mutating func startFailed(_ name: String, attempt: Int, transient: Bool, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        startsInFlight.remove(name)
        // A retry's start is sent again once a reading shows the job still waiting for it.
        if case .started = retries[name], transient { retries[name] = nil }
        if transient, attempt + 1 < Self.startAttempts, records[name] != nil {
            let due = now.addingTimeInterval(Self.firstStartRetryDelay * Double(1 << attempt))
            records[name]?.startRetry = JobRecord.StartRetry(attempt: attempt + 1, due: due)
            effects.reports.append(.startRetryScheduled(name: name, attempt: attempt + 1, at: due))
        } else {
            // The runtime's refusal (no such executable) shows in the job's state.
            effects.actions.append(.observe(name: name, ticket: takeTicket()))
        }
        finish(&effects)
        return effects
    }

    /// A failed attempt is recorded in the runtime: the job is started again (unless something changed meanwhile).
    public mutating func attemptRecorded(_ attempt: JobAttempt, name: String, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if var observation = records[name]?.observation {
            observation.attempts = JobRecord.merged(observation.attempts, [attempt])
            apply(observation, ticket: takeTicket(), now: now, &effects)
        }
        finish(&effects)
        return effects
    }

    /// A failed attempt could not be recorded: read the job again, and decide anew.
    public mutating func attemptRecordFailed(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        retries[name] = nil
        if records[name] != nil { effects.actions.append(.observe(name: name, ticket: takeTicket())) }
        finish(&effects)
        return effects
    }

    /// The runtime could not be listed for a reconcile: it is tried again shortly, while events flow.
    public mutating func reconcileFailed(ticket: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if eventsFlow, pendingReconcile == ticket { reconcileRetry = now.addingTimeInterval(Self.reconcileRetryDelay) }
        finish(&effects)
        return effects
    }

    /// A stop or kill returned (done or failed): the job's state tells which.
    public mutating func endFinished(_ name: String) -> SchedulerEffects {
        var effects = SchedulerEffects()
        ending[name] = nil
        if let batch = records[name]?.observation.batchName { outcomesToCheck.insert(batch) }  // it held the outcome back
        if records[name] != nil { effects.actions.append(.observe(name: name, ticket: takeTicket())) }
        finish(&effects)
        return effects
    }

    // MARK: - Clock

    /// The time is `now`: kills the jobs past their deadline, and reads the jobs whose start is to be retried.
    public mutating func tick(now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        armedWakeUp = nil
        if let retry = reconcileRetry, retry <= now {
            reconcileRetry = nil
            askForReconcile(&effects)
        }
        runDueTicks(now: now, &effects)
        claimOrphanedRuns(now: now, &effects)
        retryDueFolds(now: now, &effects)
        for (name, record) in records {
            if let deadline = record.deadline, deadline <= now { deadlineReached(name, &effects) }
            if let retry = record.startRetry, !retry.awaitingObservation, retry.due <= now {
                records[name]?.startRetry?.awaitingObservation = true
                effects.actions.append(.observe(name: name, ticket: takeTicket()))
            }
        }
        finish(&effects)
        return effects
    }

    /// When the clock next matters: the earliest deadline, start retry, reconcile retry, tick or
    /// orphaned run's start.
    public var nextWakeUp: Date? {
        var earliest = reconcileRetry
        for date in schedules.compactMap(\.nextTick) + orphanedRuns.values + [nextFoldRetry].compactMap({ $0 }) where earliest == nil || date < earliest! { earliest = date }
        for record in records.values {
            for date in [record.deadline, record.startRetry.flatMap { $0.awaitingObservation ? nil : $0.due }] {
                if let date, earliest == nil || date < earliest! { earliest = date }
            }
        }
        return earliest
    }
}
