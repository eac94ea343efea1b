import Foundation

/// The rules every input goes through: how an observation is applied, and what follows from a job's state.
extension SchedulerState {
    /// Applies what the runtime says of a job, unless something newer was applied since `ticket` was
    /// taken; then acts on the job's new state.
    mutating func apply(_ observation: JobObservation, ticket: UInt64, now: Date, _ effects: inout SchedulerEffects) {
        let name = observation.name
        if forgotten.contains(name) { return }
        if var existing = records[name], existing.ticket > ticket {
            // Too old to say what state the job is in; but what never changes still fills a gap that
            // an event's facts (applied meanwhile) left.
            if existing.observation.imageID.isEmpty && !observation.imageID.isEmpty {
                existing.observation.imageID = observation.imageID
                store(existing)
            }
            return
        }
        if let batch = observation.batchName, batches[batch] == nil, !launchingBatches.contains(batch) {
            return  // a leftover of a batch that was never recorded or is being removed: reconcile removes it
        }
        let previous = records[name]
        var record = previous ?? JobRecord(observation: observation, ticket: ticket)
        var observation = observation
        // A stop request and recorded attempts are only ever added, and our own record of them may be
        // ahead of an observation made earlier (and single readings leave them out).
        observation.stopRequested = observation.stopRequested || (previous?.observation.stopRequested ?? false)
            || stoppedWithItsBatch(observation)
        observation.attempts = JobRecord.merged(previous?.observation.attempts ?? [], observation.attempts)
        record.observation = observation
        record.ticket = ticket
        if observation.runState != .created || !observation.engineError.isEmpty { startsInFlight.remove(name) }
        store(record)
        guard let status = records[name]?.status else { return }
        if let previous = previous?.status {
            if status.isNotablyDifferent(from: previous) { noteJobChanged(name, batch: observation.batchName, appeared: false) }
        } else {
            noteJobChanged(name, batch: observation.batchName, appeared: true)
        }

        if previous?.status.state != status.state {
            effects.reports.append(.jobChanged(name: name, previous: previous?.status.state, status: status,
                                               observation: observation, activeJobs: runningCount))
        }
        retryIfDecided(observation, deadlineKilled: record.deadlineKilled, &effects)
        if status.state.isTerminal {
            // Every reading of an ended batch job (not only its change to ended): what held its batch's
            // outcome back (a start or stop in flight) may have cleared since.
            if let batch = observation.batchName, batches[batch]?.observation.outcomeRecorded == false { outcomesToCheck.insert(batch) }
            records[name]?.deadline = nil
            records[name]?.startRetry = nil
            if previous?.status.state != status.state {
                if let batch = observation.batchName {
                    historyToCheck.batches = historyToCheck.batches || batchHasEnded(batch)
                } else {
                    historyToCheck.jobs = true
                }
            }
        } else {
            // Armed once per job; re-armed only after it fired, while the job goes on.
            if record.deadline == nil && ending[name] != .kill { records[name]?.deadline = observation.deadline }
            if observation.stopRequested && [.pending, .running, .restarting, .paused].contains(observation.runState) {
                end(name, .stop, &effects)
            }
        }
    }

    /// A failed exit the decisions retry: the attempt is recorded first, then the container started
    /// again; each step once.
    mutating func retryIfDecided(_ observation: JobObservation, deadlineKilled: Bool, _ effects: inout SchedulerEffects) {
        let name = observation.name
        if restarting.contains(name) { return }  // its restart decides what comes next
        switch RetryDecision.decide(observation, attempts: observation.attempts, deadlineKilled: deadlineKilled) {
        case .retry(let attempt):
            guard retries[name] != .recording(attempt: attempt.index) else { return }
            retries[name] = .recording(attempt: attempt.index)
            effects.actions.append(.recordAttempt(name: name, attempt: attempt))
            effects.reports.append(.retryDecided(name: name, attempt: attempt))
        case .retryRecorded(let attempt), .restartRecorded(let attempt):
            guard retries[name] != .started(attempt: attempt.index) else { return }
            retries[name] = .started(attempt: attempt.index)
            effects.actions.append(.start(name: name, attempt: 0))
        case .notFailed, .final:
            if observation.runState != .exited { retries[name] = nil }
        }
    }

    /// An engine event says the job's first start happened at `time`. Returns whether that is all
    /// there is to know (an inspection had already filled in the rest).
    mutating func started(_ name: String, at time: Date, now: Date, _ effects: inout SchedulerEffects) -> Bool {
        guard let record = records[name], [.created, .pending].contains(record.observation.runState),
              record.observation.runState == .pending || record.observation.engineError.isEmpty,
              !record.observation.stopRequested else { return false }
        var observation = record.observation
        observation.runState = .running
        observation.engineError = ""
        observation.startedAt = time
        apply(observation, ticket: takeTicket(), now: now, &effects)
        return !observation.imageID.isEmpty
    }

    // The runtime answers an inspection of a container that just exited only once it has cleaned it
    // up (a hundred milliseconds and more), and an exit is all most ends are: so the event's own facts
    // are applied at once where they alone decide the status; the inspection follows and has the last word.

    /// An engine event says the job's container exited: after which, if no retry follows, the job has ended.
    mutating func exited(_ name: String, exitCode: Int, at time: Date, now: Date, _ effects: inout SchedulerEffects) {
        // Only once an inspection has filled in what events do not carry: a finished job's status is complete.
        guard let record = records[name], record.observation.runState == .running, !record.observation.imageID.isEmpty else { return }
        var observation = record.observation
        observation.runState = .exited
        observation.exitCode = exitCode
        observation.finishedAt = time
        // A retry needs the runtime's own record of the exit (the inspection brings it); only an end is
        // applied from the event.
        guard !RetryDecision.decide(observation, attempts: observation.attempts, deadlineKilled: record.deadlineKilled).retries else { return }
        apply(observation, ticket: takeTicket(), now: now, &effects)
    }

    /// Lists the runtime anew; until that listing is applied the index is not in step with the runtime.
    mutating func askForReconcile(_ effects: inout SchedulerEffects) {
        let ticket = takeTicket()
        pendingReconcile = ticket
        effects.actions.append(.observeAll(ticket: ticket))
    }

    /// Starts an accepted job: created, complete, not stopped, and not started by this process before;
    /// under `maxRunning`, it joins the queue instead.
    mutating func startIfAccepted(_ name: String, _ effects: inout SchedulerEffects) {
        guard isStartable(name) else { return }
        if maxRunning != nil {
            queued.insert(name)
            return
        }
        startsIssued.insert(name)
        startsInFlight.insert(name)
        effects.actions.append(.start(name: name, attempt: 0))
    }

    func isStartable(_ name: String) -> Bool {
        guard let record = records[name], record.observation.runState == .created, record.observation.engineError.isEmpty,
              record.observation.submissionComplete, !record.observation.stopRequested,
              !startsIssued.contains(name) else { return false }
        // A batch's jobs start once the batch is recorded: before, they may be a half-made submission.
        if let batch = record.observation.batchName, batches[batch] == nil { return false }
        return true
    }

    /// Starts queued jobs, oldest submission first, while fewer than `maxRunning` run. A job runs from
    /// its start until it ends, waiting between retries included.
    mutating func startQueued(_ effects: inout SchedulerEffects) {
        guard let limit = maxRunning, !queued.isEmpty else { return }
        var free = limit - records.reduce(0) { count, entry in
            let (name, record) = entry
            let running = !record.status.state.isTerminal && (record.observation.runState != .created || startsIssued.contains(name))
            return count + (running ? 1 : 0)
        }
        guard free > 0 else { return }
        // A batch's jobs are submitted when the batch is (their containers are made side by side, so their
        // own creation times, read back after a restart, are not in the batch's order).
        func submitted(_ job: JobObservation) -> Date {
            job.batchName.flatMap { batches[$0]?.observation.created } ?? job.created ?? .distantPast
        }
        let order = queued.compactMap { records[$0]?.observation }.sorted {
            (submitted($0), $0.batchName ?? "", $0.batchIndex, $0.name) < (submitted($1), $1.batchName ?? "", $1.batchIndex, $1.name)
        }
        for observation in order {
            guard free > 0 else { break }
            queued.remove(observation.name)
            guard isStartable(observation.name) else { continue }  // stopped or gone meanwhile
            startsIssued.insert(observation.name)
            startsInFlight.insert(observation.name)
            effects.actions.append(.start(name: observation.name, attempt: 0))
            free -= 1
        }
    }

    /// A reading taken for a due start retry: start again only if the job has still never started.
    mutating func retryStartIfDue(_ observation: JobObservation, _ effects: inout SchedulerEffects) {
        let name = observation.name
        guard let retry = records[name]?.startRetry, retry.awaitingObservation else { return }
        records[name]?.startRetry = nil
        guard observation.runState == .created, observation.engineError.isEmpty,
              records[name]?.observation.stopRequested == false else { return }
        effects.actions.append(.start(name: name, attempt: retry.attempt))
    }

    mutating func deadlineReached(_ name: String, _ effects: inout SchedulerEffects) {
        records[name]?.deadline = nil
        guard let record = records[name], !record.status.state.isTerminal, record.observation.runState != .created,
              ending[name] != .kill else { return }
        records[name]?.deadlineKilled = true
        effects.reports.append(.deadlineReached(name: name, timeLimitSeconds: record.observation.timeLimitSeconds))
        end(name, .kill, &effects)
    }

    /// Sends the stop (grace period, then kill) or the deadline kill, once; a kill overrides a stop in flight.
    mutating func end(_ name: String, _ how: Ending, _ effects: inout SchedulerEffects) {
        switch (ending[name], how) {
        case (nil, _), (.stop, .kill): break
        default: return
        }
        ending[name] = how
        effects.actions.append(how == .kill ? .kill(name: name) : .stop(name: name, gracePeriod: stopGracePeriod))
    }

    /// Keeps the latest `historyLimit` of each history group; removes older ones from the runtime (a
    /// batch whole). Once per input, for the groups whose members ended.
    mutating func enforceHistoryLimit(_ effects: inout SchedulerEffects) {
        let check = historyToCheck
        historyToCheck = HistoryCheck()
        // The runs removed are counted in the runtime's tally first: their removals follow.
        var runs: [RunOutcome] = [], removals: [SchedulerAction] = []
        if check.jobs {
            let singles = records.values.filter {
                $0.observation.batchName == nil && !jobsBeingDeleted.contains($0.status.name) && !restarting.contains($0.status.name)
            }.map(\.status)
            for name in HistoryRetention.jobsToRemove(from: singles, limit: historyLimit) {
                if let status = records[name]?.status { runs.append(RunOutcome(of: status)) }
                forget(name, .removedFromHistory, &effects)
                // Should the removal fail, the job is still in the runtime: the next reconcile removes it again.
                removals.append(.remove(name: name))
            }
        }
        if check.batches {
            let ended = batches.keys.filter(batchHasEnded).compactMap(batchStatus(of:))
            for name in HistoryRetention.batchesToRemove(from: ended, limit: historyLimit) {
                runs += (jobsOfBatch[name] ?? []).sorted().compactMap { records[$0].map { RunOutcome(of: $0.status) } }
                let jobs = forgetBatch(name, .removedFromHistory, &effects)
                removals.append(.removeBatch(name: name, jobs: jobs))
            }
        }
        removeAfterFolding(runs, then: removals, &effects)
    }

    mutating func forget(_ name: String, _ reason: SchedulerReport.ForgetReason, _ effects: inout SchedulerEffects) {
        noteForgetting(name, &effects)
        if let removed = records.removeValue(forKey: name) {
            revision &+= 1
            unindexKey(of: removed.observation)
            if removed.status.state.runsNow { runningCount -= 1 }
            if let batch = removed.observation.batchName { jobsOfBatch[batch]?.remove(name) }
        }
        startsIssued.remove(name)
        startsInFlight.remove(name)
        queued.remove(name)
        retries[name] = nil
        forgotten.insert(name)
        effects.reports.append(.jobForgotten(name: name, reason: reason))
    }

    /// Stores a record with its status derived anew; the revision moves when the status changed.
    mutating func store(_ record: JobRecord) {
        var record = record
        record.status = JobStatusDerivation.status(of: record.observation, deadlineKilled: record.deadlineKilled)
        record.status.batchName = record.observation.batchName
        record.status.schedule = record.observation.scheduledRun?.expression
        record.status.scheduledAt = record.observation.scheduledRun?.tick
        let name = record.observation.name
        if let batch = record.observation.batchName, records[name] == nil { jobsOfBatch[batch, default: []].insert(name) }
        if records[name] == nil { indexKey(of: record.observation) }
        let previous = records.updateValue(record, forKey: name)
        if previous?.status != record.status { revision &+= 1 }
        runningCount += (record.status.state.runsNow ? 1 : 0) - (previous?.status.state.runsNow == true ? 1 : 0)
    }

    /// Completes an input's effects: asks for the clock when the earliest wake-up changed.
    mutating func finish(_ effects: inout SchedulerEffects) {
        // The input's changes are told before what they lead to (an end pushing an older job out of the history).
        tellAllPending(&effects)
        if historyToCheck.jobs || historyToCheck.batches { enforceHistoryLimit(&effects) }
        if !outcomesToCheck.isEmpty { recordEndedBatchOutcomes(&effects) }
        startQueued(&effects)
        tellAllPending(&effects)
        let next = nextWakeUp
        if next != armedWakeUp {
            armedWakeUp = next
            effects.actions.append(.armTimer(at: next))
        }
    }
}
