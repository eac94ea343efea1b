import Foundation
@testable import SchedulerCore
import Testing

/// The scheduler's decisions on their own: sequences of inputs, no runtime, no clock but the times given.
@Suite("Scheduler decisions")
struct SchedulerStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var state = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30))

    static func job(_ name: String, _ runState: JobObservation.RunState, created: Date = t0, started: TimeInterval? = nil,
                    finished: TimeInterval? = nil, exit: Int = 0, restarts: Int = 0, backoff: Int = 0, limit: Int = 60,
                    stop: Bool = false, complete: Bool = true, imageID: String = "sha256:1", error: String = "") -> JobObservation {
        JobObservation(name: name, image: "img", imageID: imageID, created: created,
                       startedAt: (started ?? (runState == .created ? nil : 1)).map { created.addingTimeInterval($0) },
                       finishedAt: finished.map { created.addingTimeInterval($0) }, runState: runState, exitCode: exit,
                       engineError: error, restartCount: restarts, timeLimitSeconds: limit, backoffLimit: backoff,
                       stopRequested: stop, submissionComplete: complete)
    }

    /// Submits a job the way the executor does: name reserved, created, accepted.
    mutating func submit(_ name: String, limit: Int = 60, backoff: Int = 0, at time: Date = t0) -> SchedulerEffects {
        check(state.beginSubmission(name))
        return state.submissionCreated(Self.job(name, .created, created: time, backoff: backoff, limit: limit, imageID: ""), now: time).1
    }

    /// The actions other than the timer's.
    static func work(_ effects: SchedulerEffects) -> [SchedulerAction] {
        effects.actions.filter { if case .armTimer = $0 { false } else { true } }
    }

    /// The work, with each fold of runs into the tally recorded as the runtime would: what waited for
    /// it (the runs' removals) follows it.
    static func workWithFoldsRecorded(_ effects: SchedulerEffects, in state: inout SchedulerState, at time: Date = t0) -> [SchedulerAction] {
        var done: [SchedulerAction] = []
        for action in work(effects) {
            done.append(action)
            guard case .foldRuns(let id, let runs) = action else { continue }
            done += workWithFoldsRecorded(state.runsFolded(id: id, tally: state.runTally.folding(runs, at: time)), in: &state, at: time)
        }
        return done
    }

    static func timer(_ effects: SchedulerEffects) -> [Date?] {
        effects.actions.compactMap { if case .armTimer(let at) = $0 { at } else { nil } }
    }

    // MARK: - Starting

    @Test mutating func anAcceptedJobIsStartedOnceAndItsNameNeverReused() {
        let effects = submit("a")
        #expect(Self.work(effects) == [.start(name: "a", attempt: 0)])
        #expect(state.status(of: "a")?.state == .waiting)
        check(!state.beginSubmission("a"))
        // A reconcile and a stale reading that still show it never started do not start it again.
        let ticket = state.takeTicket()
        check(Self.work(state.reconciled([Self.job("a", .created)], ticket: ticket, now: Self.t0)) == [])
        check(Self.work(state.observed("a", Self.job("a", .created), ticket: state.takeTicket(), now: Self.t0)) == [])
        _ = state.deleted("a")
        check(!state.beginSubmission("a"), "a deleted job's name came back")
    }

    @Test mutating func aSubmissionTheRuntimeRefusedLeavesNothing() {
        check(state.beginSubmission("a"))
        state.submissionFailed("a")
        #expect(state.status(of: "a") == nil)
        #expect(state.jobCount == 0)
    }

    @Test mutating func aStartLostInTransportIsRetriedOnlyWhileTheJobHasNeverStarted() {
        _ = submit("a")
        let retry = state.startFailed("a", attempt: 0, transient: true, now: Self.t0)
        #expect(Self.work(retry) == [])
        #expect(Self.timer(retry) == [Self.t0.addingTimeInterval(0.5)])
        check(Self.work(state.tick(now: Self.t0.addingTimeInterval(0.4))) == [])
        let due = Self.work(state.tick(now: Self.t0.addingTimeInterval(0.5)))
        guard case .observe("a", let ticket) = due.first, due.count == 1 else { Issue.record("expected a reading, got \(due)"); return }
        check(Self.work(state.observed("a", Self.job("a", .created), ticket: ticket, now: Self.t0)) == [.start(name: "a", attempt: 1)])

        // The second start's answer was lost too, but the start itself went through: no third start.
        let again = state.startFailed("a", attempt: 1, transient: true, now: Self.t0.addingTimeInterval(1))
        #expect(Self.timer(again) == [Self.t0.addingTimeInterval(2)])
        guard case .observe("a", let second) = Self.work(state.tick(now: Self.t0.addingTimeInterval(2))).first else {
            Issue.record("expected a reading"); return
        }
        check(Self.work(state.observed("a", Self.job("a", .running), ticket: second, now: Self.t0)) == [])
        #expect(state.status(of: "a")?.state == .running)
    }

    @Test mutating func aRefusedOrExhaustedStartIsOnlyReadBack() {
        _ = submit("a")
        guard case .observe("a", _) = Self.work(state.startFailed("a", attempt: 0, transient: false, now: Self.t0)).first else {
            Issue.record("a refused start is read back"); return
        }
        guard case .observe("a", _) = Self.work(state.startFailed("a", attempt: SchedulerState.startAttempts - 1, transient: true, now: Self.t0)).first else {
            Issue.record("the last attempt is not retried"); return
        }
        let failed = Self.job("a", .created, error: "exec: \"x\": executable file not found")
        _ = state.observed("a", failed, ticket: state.takeTicket(), now: Self.t0)
        #expect(state.status(of: "a")?.state == .failed)
    }

    // MARK: - Observations and events

    @Test mutating func anOlderObservationNeverOverwritesANewerOne() {
        _ = submit("a")
        let early = state.takeTicket()  // a reading starts while the job is still waiting...
        _ = state.handle(.jobStarted(name: "a", at: Self.t0.addingTimeInterval(1)), now: Self.t0)  // ...then it starts
        #expect(state.status(of: "a")?.state == .running)
        // The reading comes back: too old to say the job waits, but its image ID fills the gap.
        _ = state.observed("a", Self.job("a", .created, imageID: "sha256:late"), ticket: early, now: Self.t0)
        #expect(state.status(of: "a")?.state == .running)
        #expect(state.status(of: "a")?.podStatuses.first?.imageId == "sha256:late")
    }

    @Test mutating func eventsAloneMoveAJobToRunningAndToItsEnd() {
        _ = submit("a")
        _ = state.observed("a", Self.job("a", .created), ticket: state.takeTicket(), now: Self.t0)  // the image ID is known
        let start = state.handle(.jobStarted(name: "a", at: Self.t0.addingTimeInterval(1)), now: Self.t0)
        #expect(Self.work(start) == [], "no reading needed once the image ID is known")
        #expect(state.status(of: "a")?.state == .running)
        let exit = state.handle(.jobExited(name: "a", exitCode: 0, at: Self.t0.addingTimeInterval(3)), now: Self.t0)
        #expect(state.status(of: "a")?.state == .succeeded)
        #expect(state.status(of: "a")?.ended == Self.t0.addingTimeInterval(3))
        guard case .observe("a", _) = Self.work(exit).first else { Issue.record("the inspection still has the last word"); return }
    }

    @Test mutating func anExitWithARetryLeftDoesNotEndTheJob() {
        _ = submit("a", backoff: 1)
        _ = state.observed("a", Self.job("a", .running, backoff: 1), ticket: state.takeTicket(), now: Self.t0)
        _ = state.handle(.jobExited(name: "a", exitCode: 3, at: Self.t0.addingTimeInterval(2)), now: Self.t0)
        #expect(state.status(of: "a")?.state == .running)
        _ = state.observed("a", Self.job("a", .exited, finished: 4, exit: 3, restarts: 1, backoff: 1), ticket: state.takeTicket(), now: Self.t0)
        #expect(state.status(of: "a")?.state == .failed)
        #expect(state.status(of: "a")?.failed == 2)
    }

    @Test mutating func aRemovedContainerIsForgottenAndNeverComesBack() {
        _ = submit("a")
        let ticket = state.takeTicket()
        let removed = state.handle(.jobRemoved(name: "a"), now: Self.t0)
        #expect(removed.reports.contains(.jobForgotten(name: "a", reason: .containerRemoved)))
        _ = state.observed("a", Self.job("a", .running), ticket: ticket, now: Self.t0)
        _ = state.reconciled([Self.job("a", .running)], ticket: state.takeTicket(), now: Self.t0)
        #expect(state.status(of: "a") == nil)
    }

    @Test mutating func theRevisionMovesOnlyWhenAStatusChanges() {
        _ = submit("a")
        let before = state.revision
        _ = state.observed("a", Self.job("a", .created, imageID: ""), ticket: state.takeTicket(), now: Self.t0)
        #expect(state.revision == before)
        _ = state.observed("a", Self.job("a", .running), ticket: state.takeTicket(), now: Self.t0)
        #expect(state.revision != before)
    }

    // MARK: - Retries

    @Test mutating func aFailedAttemptIsRecordedThenStartedAgainEachStepOnce() throws {
        _ = submit("a", backoff: 1)
        _ = state.observed("a", Self.job("a", .running, backoff: 1), ticket: state.takeTicket(), now: Self.t0)
        let failed = Self.job("a", .exited, finished: 5, exit: 3, backoff: 1)
        let exit = state.observed("a", failed, ticket: state.takeTicket(), now: Self.t0)
        guard case .recordAttempt("a", let attempt) = Self.work(exit).first else { Issue.record("the attempt is recorded first: \(exit)"); return }
        #expect(attempt.index == 0 && attempt.exitCode == 3 && attempt.counted)
        #expect(state.status(of: "a")?.state == .running, "a retry is due")
        check(Self.work(state.observed("a", failed, ticket: state.takeTicket(), now: Self.t0)) == [], "recorded twice")
        check(Self.work(state.attemptRecorded(attempt, name: "a", now: Self.t0)) == [.start(name: "a", attempt: 0)])
        check(Self.work(state.observed("a", failed, ticket: state.takeTicket(), now: Self.t0)) == [], "started twice")
        // The second run fails too: with a backoff limit of 1 that is the end.
        _ = state.observed("a", Self.job("a", .running, started: 6, backoff: 1), ticket: state.takeTicket(), now: Self.t0)
        check(Self.work(state.observed("a", Self.job("a", .exited, started: 6, finished: 8, exit: 3, backoff: 1),
                                       ticket: state.takeTicket(), now: Self.t0)) == [])
        let status = try #require(state.status(of: "a"))
        #expect(status.state == .failed)
        #expect(status.failed == 2)
        #expect(status.podStatuses.count == 2)
    }

    @Test mutating func aRetryRecordedBeforeTheSchedulerDiedIsStartedOnce() {
        var exited = Self.job("a", .exited, finished: 5, exit: 3, backoff: 2)
        exited.attempts = [JobAttempt(index: 0, exitCode: 3, startedAt: exited.startedAt, finishedAt: exited.finishedAt, counted: true)]
        check(Self.work(state.reconciled([exited], ticket: state.takeTicket(), now: Self.t0)) == [.start(name: "a", attempt: 0)])
        #expect(state.status(of: "a")?.state == .running)
        // A single reading leaves the records out: the scheduler's own knowledge of them holds.
        exited.attempts = []
        check(Self.work(state.observed("a", exited, ticket: state.takeTicket(), now: Self.t0)) == [])
        #expect(state.status(of: "a")?.podStatuses.count == 1)
    }

    @Test mutating func aStopBetweenAttemptsEndsTheJobWithoutARetry() throws {
        _ = submit("a", backoff: 3)
        let exit = state.observed("a", Self.job("a", .exited, finished: 5, exit: 3, backoff: 3), ticket: state.takeTicket(), now: Self.t0)
        guard case .recordAttempt("a", let attempt) = Self.work(exit).first else { Issue.record("a retry is decided"); return }
        #expect(try state.stopNeedsRecording("a") == nil)
        _ = try state.stopRecorded("a", now: Self.t0)
        #expect(state.status(of: "a")?.state == .stopped)
        check(Self.work(state.attemptRecorded(attempt, name: "a", now: Self.t0)) == [], "a stopped job was started again")
    }

    @Test mutating func aRecordThatFailedIsDecidedAnew() {
        _ = submit("a", backoff: 1)
        let failed = Self.job("a", .exited, finished: 5, exit: 3, backoff: 1)
        _ = state.observed("a", failed, ticket: state.takeTicket(), now: Self.t0)
        guard case .observe("a", let ticket) = Self.work(state.attemptRecordFailed("a")).first else { Issue.record("read again"); return }
        guard case .recordAttempt("a", _) = Self.work(state.observed("a", failed, ticket: ticket, now: Self.t0)).first else {
            Issue.record("recorded again"); return
        }
    }

    // MARK: - Stopping

    @Test mutating func aStopIsRecordedBeforeItIsCarriedOutAndSentOnce() throws {
        _ = submit("a")
        _ = state.observed("a", Self.job("a", .running), ticket: state.takeTicket(), now: Self.t0)
        #expect(try state.stopNeedsRecording("a") == nil, "not recorded yet: the runtime records it first")
        let (stopping, effects) = try state.stopRecorded("a", now: Self.t0)
        #expect(stopping.state == .stopping)
        #expect(Self.work(effects) == [.stop(name: "a", gracePeriod: .seconds(30))])
        #expect(try state.stopNeedsRecording("a")?.state == .stopping)
        // Readings made before the request know nothing of it; it is kept all the same, and not sent again.
        let again = state.observed("a", Self.job("a", .running), ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.work(again) == [])
        #expect(state.status(of: "a")?.state == .stopping)
        _ = state.endFinished("a")
        _ = state.observed("a", Self.job("a", .exited, finished: 5, exit: 143), ticket: state.takeTicket(), now: Self.t0)
        #expect(state.status(of: "a")?.state == .stopped)
        #expect(throws: SchedulerError.jobAlreadyEnded("a")) { try state.stopNeedsRecording("a") }
        #expect(throws: SchedulerError.jobNotFound("b")) { try state.stopNeedsRecording("b") }
    }

    @Test mutating func aJobStoppedBeforeItStartedIsNeverStarted() {
        let effects = state.reconciled([Self.job("a", .created, stop: true)], ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.work(effects) == [])
        #expect(state.status(of: "a")?.state == .stopped)
    }

    // MARK: - Deadlines

    @Test mutating func aTimeLimitCountsFromCreationAndCoversEveryAttempt() {
        let effects = submit("a", limit: 60, backoff: 3)
        #expect(Self.timer(effects) == [Self.t0.addingTimeInterval(60)])
        _ = state.observed("a", Self.job("a", .running, backoff: 3), ticket: state.takeTicket(), now: Self.t0)
        check(Self.work(state.tick(now: Self.t0.addingTimeInterval(59))) == [])
        // A retry later does not move the deadline.
        let retried = state.observed("a", Self.job("a", .running, started: 40, exit: 1, restarts: 1, backoff: 3),
                                     ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.timer(retried).isEmpty)
        let due = state.tick(now: Self.t0.addingTimeInterval(60))
        #expect(Self.work(due) == [.kill(name: "a")])
        #expect(due.reports.contains(.deadlineReached(name: "a", timeLimitSeconds: 60)))
        // The kill's exit is not retried and ends the job as past its deadline.
        _ = state.handle(.jobExited(name: "a", exitCode: 137, at: Self.t0.addingTimeInterval(60)), now: Self.t0)
        let status = state.status(of: "a")
        #expect(status?.state == .failed)
        #expect(status?.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
    }

    @Test mutating func aDeadlineKillOverridesAStopInFlightAndIsSentOnce() throws {
        _ = submit("a", limit: 60)
        _ = state.observed("a", Self.job("a", .running), ticket: state.takeTicket(), now: Self.t0)
        _ = try state.stopRecorded("a", now: Self.t0)
        check(Self.work(state.tick(now: Self.t0.addingTimeInterval(61))) == [.kill(name: "a")])
        _ = state.observed("a", Self.job("a", .running, stop: true), ticket: state.takeTicket(), now: Self.t0)
        check(Self.work(state.tick(now: Self.t0.addingTimeInterval(62))) == [], "the kill is in flight")
        // The kill returned and the job still runs: it is killed again.
        _ = state.endFinished("a")
        _ = state.observed("a", Self.job("a", .running, stop: true), ticket: state.takeTicket(), now: Self.t0)
        check(Self.work(state.tick(now: Self.t0.addingTimeInterval(63))) == [.kill(name: "a")])
    }

    @Test mutating func theClockIsAskedForTheEarliestMomentOnly() {
        check(Self.timer(submit("late", limit: 600)) == [Self.t0.addingTimeInterval(600)])
        check(Self.timer(submit("early", limit: 60)) == [Self.t0.addingTimeInterval(60)])
        check(Self.timer(submit("later", limit: 900)) == [], "the earliest moment did not change")
        _ = state.observed("early", Self.job("early", .exited, finished: 5), ticket: state.takeTicket(), now: Self.t0)
        #expect(state.nextWakeUp == Self.t0.addingTimeInterval(600))
    }

    // MARK: - History

    @Test mutating func theLatestSucceededAndFailedAreKeptEach() {
        var removed: [SchedulerAction] = []
        for (index, exit) in [0, 1, 0, 1, 0, 1].enumerated() {
            let name = "j\(index)"
            _ = submit(name)
            let ended = Self.job(name, .exited, created: Self.t0, finished: Double(index + 1), exit: exit)
            removed += Self.workWithFoldsRecorded(state.observed(name, ended, ticket: state.takeTicket(), now: Self.t0), in: &state)
        }
        _ = submit("running")
        #expect(Set(state.jobsNewestFirst().map(\.name)) == ["j2", "j3", "j4", "j5", "running"])
        #expect(removed.filter { if case .remove = $0 { true } else { false } } == [.remove(name: "j0"), .remove(name: "j1")])
        // Each removed run was counted in the tally before its removal was asked for.
        let folds = removed.compactMap { if case .foldRuns(_, let runs) = $0 { runs.map(\.name) } else { nil } }
        #expect(folds == [["j0"], ["j1"]])
        #expect(removed.firstIndex(of: .remove(name: "j0"))! > removed.firstIndex { if case .foldRuns = $0 { true } else { false } }!)
        #expect(state.runSummary() == RunSummary(successCount: 3, failureCount: 3, lastSuccessAt: Self.t0.addingTimeInterval(5),
                                                 lastFailureAt: Self.t0.addingTimeInterval(6)))
    }

    /// A job killed by its deletion ends as failed on the way out: it must not push the oldest failed job
    /// out of the history (it goes itself), and it counts as stopped.
    @Test mutating func aJobBeingDeletedPushesNoOtherOutOfTheHistory() throws {
        for (index, name) in ["f0", "f1"].enumerated() {
            _ = submit(name)
            _ = state.observed(name, Self.job(name, .exited, finished: Double(index + 1), exit: 1), ticket: state.takeTicket(), now: Self.t0)
        }
        _ = submit("doomed")
        _ = state.observed("doomed", Self.job("doomed", .running), ticket: state.takeTicket(), now: Self.t0)
        #expect(try state.beginDeletion("doomed") == RunOutcome(name: "doomed", result: .stopped, ended: nil))
        let killed = state.observed("doomed", Self.job("doomed", .exited, finished: 5, exit: 137), ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.work(killed).isEmpty, "nothing removed: \(Self.work(killed))")
        _ = state.deleted("doomed")
        #expect(Set(state.jobsNewestFirst().map(\.name)) == ["f0", "f1"])
    }

    /// A restart needs a job that has started, and one at a time.
    @Test mutating func aRestartNeedsAStartedJobAndOneAtATime() throws {
        _ = submit("waiting")
        #expect(throws: SchedulerError.badRequest("job waiting has not started: there is nothing to restart")) { _ = try state.beginRestart("waiting") }
        _ = submit("ran")
        _ = state.observed("ran", Self.job("ran", .exited, finished: 2, exit: 0), ticket: state.takeTicket(), now: Self.t0)
        let plan = try state.beginRestart("ran")
        #expect(plan == SchedulerState.RestartPlan(running: false, attemptIndex: 0,
                                                   outcome: RunOutcome(name: "ran#run0", result: .succeeded, ended: Self.t0.addingTimeInterval(2))))
        #expect(throws: SchedulerError.conflict("job ran is being restarted; ask again once it is answered")) { _ = try state.beginRestart("ran") }
        #expect(throws: SchedulerError.jobNotFound("nope")) { _ = try state.beginRestart("nope") }
    }

    // MARK: - Restarts and reconnects

    /// A new process finds what an old one left: every kind of job it can meet.
    @Test mutating func aFreshSchedulerCarriesOutWhatTheLastOneLeftUndone() {
        let now = Self.t0.addingTimeInterval(100)
        let effects = state.reconciled([
            Self.job("accepted", .created),
            Self.job("half-made", .created, complete: false),
            Self.job("stopping", .running, limit: 1000, stop: true),
            Self.job("overdue", .running, limit: 60),
            Self.job("done", .exited, finished: 5),
            Self.job("failed", .exited, finished: 5, exit: 5),
        ], ticket: state.takeTicket(), now: now)
        #expect(Set(Self.work(effects)) == [.start(name: "accepted", attempt: 0), .remove(name: "half-made"),
                                            .stop(name: "stopping", gracePeriod: .seconds(30))])
        #expect(state.status(of: "half-made") == nil)
        #expect(state.status(of: "done")?.state == .succeeded)
        #expect(state.status(of: "failed")?.podStatuses.first?.exitCode == 5)
        #expect(state.status(of: "stopping")?.state == .stopping)
        // The overdue job's deadline passed while no scheduler ran: the first tick kills it.
        #expect(Self.timer(effects) == [Self.t0.addingTimeInterval(60)])
        check(Self.work(state.tick(now: now)) == [.kill(name: "overdue")])
    }

    @Test mutating func aReconnectRebuildsTheIndexWithoutLosingJobsBeingMade() {
        _ = submit("old")
        guard case .observeAll(let ticket) = state.handle(.connected, now: Self.t0).actions.first else {
            Issue.record("a connection reconciles"); return
        }
        #expect(!state.engineConnected, "not in step with the runtime before the listing is applied")
        check(state.beginSubmission("new"))  // created meanwhile, not answered yet
        _ = submit("newer")                     // accepted after the listing started
        let lost = state.handle(.disconnected("gone"), now: Self.t0)
        #expect(lost.reports == [.engineLost(reason: "gone")])
        #expect(!state.engineConnected)
        check(state.handle(.disconnected("still gone"), now: Self.t0).reports.isEmpty, "reported once")
        _ = state.reconciled([], ticket: ticket, now: Self.t0)
        #expect(!state.engineConnected, "the events were lost meanwhile")
        #expect(state.status(of: "old") == nil, "gone from the runtime")
        #expect(state.status(of: "newer") != nil, "applied after the listing began")
        _ = state.submissionCreated(Self.job("new", .created), now: Self.t0)
        #expect(state.status(of: "new") != nil)
    }

    @Test mutating func theIndexFollowsTheRuntimeOnlyOnceAListingAfterTheConnectionIsApplied() {
        guard case .observeAll(let first) = state.handle(.connected, now: Self.t0).actions.first else {
            Issue.record("a connection reconciles"); return
        }
        #expect(!state.engineConnected)
        // The listing fails: it is tried again a second later, and only its success puts the index in step.
        let failed = state.reconcileFailed(ticket: first, now: Self.t0)
        #expect(Self.timer(failed) == [Self.t0.addingTimeInterval(1)])
        check(Self.work(state.tick(now: Self.t0.addingTimeInterval(0.5))) == [])
        guard case .observeAll(let second) = Self.work(state.tick(now: Self.t0.addingTimeInterval(1))).first else {
            Issue.record("the listing is tried again"); return
        }
        _ = state.reconciled([], ticket: first, now: Self.t0)
        #expect(!state.engineConnected, "an older listing does not count")
        _ = state.reconciled([], ticket: second, now: Self.t0)
        #expect(state.engineConnected)
    }

    @Test mutating func aHalfMadeSubmissionThisProcessIsMakingIsKept() {
        check(state.beginSubmission("making"))
        let effects = state.reconciled([Self.job("making", .created, complete: false)], ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.work(effects) == [])
    }
}

/// `#expect` for conditions that change the state under test: the macro cannot take mutating calls apart.
private func check(_ condition: Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, comment, sourceLocation: sourceLocation)
}
