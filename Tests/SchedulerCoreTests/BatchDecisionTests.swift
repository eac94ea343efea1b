import Foundation
import RadixConfig
@testable import SchedulerCore
import Testing

/// Batches in the decisions alone: the submission's commit point, status, stop, history and restart.
@Suite("Batch decisions")
struct BatchDecisionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var state = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30))

    static func job(_ name: String, of batch: String, index: Int = 0, _ runState: JobObservation.RunState = .created,
                    started: TimeInterval? = nil, finished: TimeInterval? = nil, exit: Int = 0) -> JobObservation {
        JobObservation(name: name, batchName: batch, batchIndex: index, image: "img", imageID: "sha256:1", created: t0,
                       startedAt: (started ?? (runState == .created ? nil : 1)).map { t0.addingTimeInterval($0) },
                       finishedAt: finished.map { t0.addingTimeInterval($0) }, runState: runState, exitCode: exit, timeLimitSeconds: 600)
    }

    static func work(_ effects: SchedulerEffects) -> [SchedulerAction] {
        effects.actions.filter { if case .armTimer = $0 { false } else { true } }
    }

    static func starts(_ effects: SchedulerEffects) -> Set<String> {
        Set(work(effects).compactMap { if case .start(let name, _) = $0 { name } else { nil } })
    }

    /// Submits a batch the way the executor does; returns the effects of its acceptance.
    mutating func submit(_ batch: String, jobs: Int, at time: Date = t0, batchId: String? = nil) -> SchedulerEffects {
        let names = (0..<jobs).map { "\(batch)-j\($0)" }
        expectTrue(state.beginBatchSubmission(batch, jobs: names))
        let observations = names.enumerated().map { Self.job($1, of: batch, index: $0) }
        return state.batchSubmissionCreated(BatchObservation(name: batch, batchId: batchId, created: time), jobs: observations, now: time).1
    }

    /// Every job of `batch` exits with `code` (after it started).
    mutating func finishAll(_ batch: String, jobs: Int, code: Int = 0, at finished: TimeInterval = 5) {
        for index in 0..<jobs {
            let name = "\(batch)-j\(index)"
            _ = state.observed(name, Self.job(name, of: batch, index: index, .exited, finished: finished, exit: code),
                               ticket: state.takeTicket(), now: Self.t0.addingTimeInterval(finished))
        }
    }

    @Test mutating func aBatchsJobsStartOnlyOnceItIsRecordedAndEachOnce() {
        expectTrue(state.beginBatchSubmission("b", jobs: ["b-j0", "b-j1"]))
        // Creation events arrive while the batch is being made: the jobs are known, not started.
        let early = state.observed("b-j0", Self.job("b-j0", of: "b"), ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.starts(early).isEmpty)
        let accepted = state.batchSubmissionCreated(BatchObservation(name: "b", created: Self.t0),
                                                    jobs: [Self.job("b-j0", of: "b"), Self.job("b-j1", of: "b", index: 1)], now: Self.t0)
        #expect(Self.starts(accepted.1) == ["b-j0", "b-j1"])
        #expect(accepted.0.state == .waiting)
        #expect(accepted.0.jobStatuses.map(\.name) == ["b-j0", "b-j1"])
        #expect(accepted.0.jobStatuses.allSatisfy { $0.batchName == "b" })
        let again = state.reconciled([Self.job("b-j0", of: "b"), Self.job("b-j1", of: "b", index: 1)],
                                     batches: [BatchObservation(name: "b", created: Self.t0)], ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.starts(again).isEmpty)
    }

    @Test mutating func aRestartRemovesTheJobsOfAnUnrecordedBatchAndStartsARecordedOne() {
        let effects = state.reconciled(
            [Self.job("half-j0", of: "half"), Self.job("half-j1", of: "half", .created), Self.job("whole-j0", of: "whole")],
            batches: [BatchObservation(name: "whole", created: Self.t0)], ticket: state.takeTicket(), now: Self.t0)
        let removed = Set(Self.work(effects).compactMap { if case .remove(let name) = $0 { name } else { nil } })
        #expect(removed == ["half-j0", "half-j1"])
        #expect(Self.starts(effects) == ["whole-j0"])
        #expect(state.batchStatus(of: "half") == nil)
        #expect(state.status(of: "half-j0") == nil)
        #expect(state.batchesNewestFirst().map(\.name) == ["whole"])
    }

    @Test mutating func aBatchIsWaitingActiveThenCompletedAndItsJobsAreNotSingleJobs() {
        _ = submit("b", jobs: 2, batchId: "mine")
        #expect(state.batchStatus(of: "b")?.state == .waiting)
        _ = state.handle(.jobStarted(name: "b-j0", at: Self.t0.addingTimeInterval(1)), now: Self.t0)
        _ = state.observed("b-j0", Self.job("b-j0", of: "b", .running), ticket: state.takeTicket(), now: Self.t0)
        #expect(state.batchStatus(of: "b")?.state == .active)
        finishAll("b", jobs: 2, code: 0)
        let status = state.batchStatus(of: "b")
        #expect(status?.state == .completed)
        #expect(status?.isFinished == true && status?.succeeded == true)
        #expect(status?.ended == Self.t0.addingTimeInterval(5))
        #expect(status?.jobStatuses.allSatisfy { $0.batchId == "mine" } == true)
        #expect(state.jobsNewestFirst().isEmpty, "a batch's jobs are not listed among single jobs")
        #expect(throws: SchedulerError.badRequest("job b-j0 belongs to batch b: delete the batch")) { _ = try state.beginDeletion("b-j0") }
    }

    @Test func radixconfigsRulesDecideABatchsStatusFirstMatchWinning() {
        let rules = [
            BatchStatusRule(condition: .any, operator: .in, jobStatuses: ["Failed"], batchStatus: "Failed"),
            BatchStatusRule(condition: .all, operator: .in, jobStatuses: ["Succeeded"], batchStatus: "Succeeded"),
        ]
        let batch = BatchObservation(name: "b", created: Self.t0)
        func status(_ states: [JobState]) -> BatchState {
            let jobs = states.enumerated().map { (index: $0, status: JobStatus(name: "j\($0)", state: $1)) }
            return BatchStatusDerivation.status(of: batch, jobs: jobs, rules: rules).state
        }
        #expect(status([.succeeded, .failed, .running]).rawValue == "Failed")
        #expect(status([.succeeded, .succeeded]).rawValue == "Succeeded")
        #expect(status([.succeeded, .running]) == .active)
        #expect(status([.succeeded, .stopped]) == .completed)
        #expect(status([.waiting, .waiting]) == .waiting)
    }

    @Test mutating func stoppingABatchStopsWhatRunsCancelsWhatWaitsAndLeavesWhatEnded() throws {
        _ = submit("b", jobs: 3)
        _ = state.observed("b-j0", Self.job("b-j0", of: "b", .exited, finished: 2, exit: 0), ticket: state.takeTicket(), now: Self.t0)
        _ = state.observed("b-j1", Self.job("b-j1", of: "b", index: 1, .running), ticket: state.takeTicket(), now: Self.t0)
        expectTrue(try state.batchStopNeedsRecording("b") == nil)
        let stopAt = Self.t0.addingTimeInterval(3)
        let (status, effects) = try state.batchStopRecorded("b", at: stopAt, now: stopAt)
        #expect(Self.work(effects) == [.stop(name: "b-j1", gracePeriod: .seconds(30))])
        #expect(status.jobStatuses.map(\.state) == [.succeeded, .stopping, .stopped])
        #expect(try state.batchStopNeedsRecording("b") != nil, "a second stop is answered without recording it again")

        // A new process reads the same from the runtime: the stop's time tells what had ended before it.
        var fresh = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30))
        let restarted = fresh.reconciled(
            [Self.job("b-j0", of: "b", .exited, finished: 2), Self.job("b-j1", of: "b", index: 1, .exited, finished: 4, exit: 143),
             Self.job("b-j2", of: "b", index: 2)],
            batches: [BatchObservation(name: "b", created: Self.t0, stopRequestedAt: stopAt)], ticket: fresh.takeTicket(), now: stopAt)
        #expect(Self.starts(restarted).isEmpty, "a stopped batch's waiting job never starts")
        #expect(fresh.batchStatus(of: "b")?.jobStatuses.map(\.state) == [.succeeded, .stopped, .stopped])
        #expect(fresh.batchStatus(of: "b")?.state == .completed)
        #expect(throws: SchedulerError.batchAlreadyEnded("b", state: "Completed")) { try fresh.batchStopNeedsRecording("b") }
    }

    /// A batch that ends with its stop is the newest in its history group: it stays, older ones go, and
    /// the stop is answered with its status whatever the history does.
    @Test mutating func aBatchStoppedBeforeItsJobsStartedEndsWhenStopped() throws {
        var state = SchedulerState(historyLimit: 1, stopGracePeriod: .seconds(30))
        swap(&state, &self.state)
        defer { swap(&state, &self.state) }
        _ = submit("old", jobs: 1, at: Self.t0)
        _ = submit("done", jobs: 1, at: Self.t0.addingTimeInterval(1))
        finishAll("done", jobs: 1, code: 0, at: 5)
        let stopAt = Self.t0.addingTimeInterval(10)
        let (status, effects) = try self.state.batchStopRecorded("old", at: stopAt, now: stopAt)
        #expect(status.state == .completed && status.ended == stopAt)
        #expect(SchedulerStateTests.workWithFoldsRecorded(effects, in: &self.state).contains(.removeBatch(name: "done", jobs: ["done-j0"])))
        #expect(self.state.batchesNewestFirst().map(\.name) == ["old"])
    }

    @Test mutating func aJobOfABatchIsFoundByItsFullOrShortName() throws {
        _ = submit("batch-x", jobs: 1)
        #expect(try state.batchJobName("batch-x-j0", in: "batch-x") == "batch-x-j0")
        #expect(try state.batchJobName("j0", in: "batch-x") == "batch-x-j0")
        #expect(throws: SchedulerError.jobNotFound("zz")) { try state.batchJobName("zz", in: "batch-x") }
        #expect(throws: SchedulerError.batchNotFound("nope")) { try state.batchJobName("j0", in: "nope") }
    }

    @Test mutating func historyKeepsTheNewestBatchesOfEachGroupWholeAndLeavesSingleJobsAlone() {
        // Three succeeded and one failed batch, ending in that order; the limit is 2 per group.
        for (index, name) in ["s1", "s2", "s3"].enumerated() {
            _ = submit(name, jobs: 2, at: Self.t0.addingTimeInterval(Double(index)))
            finishAll(name, jobs: 2, code: 0, at: 10 + Double(index))
        }
        _ = submit("f1", jobs: 2)
        var removals: [SchedulerAction] = []
        for index in 0..<2 {
            let name = "f1-j\(index)"
            removals += Self.work(state.observed(name, Self.job(name, of: "f1", index: index, .exited, finished: 20, exit: index),
                                                 ticket: state.takeTicket(), now: Self.t0))
        }
        #expect(Set(state.batchesNewestFirst().map(\.name)) == ["s2", "s3", "f1"])
        #expect(state.status(of: "s1-j0") == nil && state.status(of: "s1-j1") == nil)
        #expect(state.batchStatus(of: "f1")?.succeeded == false)
        #expect(!removals.contains { if case .removeBatch = $0 { true } else { false } }, "the failed group holds one batch only")
    }

    @Test mutating func aDeletedBatchDoesNotComeBackFromAnOlderListing() throws {
        _ = submit("b", jobs: 1)
        let ticket = state.takeTicket()  // a listing under way when the batch is deleted
        let deletable = try state.checkBatchDeletable("b")
        #expect(deletable == ["b-j0"])
        _ = state.batchDeleted("b")
        _ = state.reconciled([Self.job("b-j0", of: "b")], batches: [BatchObservation(name: "b", created: Self.t0)], ticket: ticket, now: Self.t0)
        #expect(state.batchStatus(of: "b") == nil)
        #expect(state.status(of: "b-j0") == nil)
    }

    static func outcomeRequests(_ effects: SchedulerEffects) -> [SchedulerAction] {
        work(effects).filter { if case .recordBatchOutcome = $0 { true } else { false } }
    }

    @Test mutating func anEndedBatchsOutcomeIsAskedForOnceWithAllItsJobs() {
        _ = submit("b", jobs: 3)
        var asked: [SchedulerAction] = []
        for index in 0..<3 {
            let name = "b-j\(index)"
            let exited = state.observed(name, Self.job(name, of: "b", index: index, .exited, finished: 5, exit: index == 1 ? 1 : 0),
                                        ticket: state.takeTicket(), now: Self.t0.addingTimeInterval(5))
            asked += Self.outcomeRequests(exited)
            if index < 2 { #expect(asked.isEmpty, "not while a job of the batch has not ended") }
        }
        #expect(asked == [.recordBatchOutcome(name: "b", jobs: ["b-j0", "b-j1", "b-j2"])])
        let ended = (0..<3).map { Self.job("b-j\($0)", of: "b", index: $0, .exited, finished: 5, exit: $0 == 1 ? 1 : 0) }
        let listing = [BatchObservation(name: "b", created: Self.t0)]
        let whileRecording = state.reconciled(ended, batches: listing, ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(whileRecording).isEmpty, "asked once while it is being recorded")
        _ = state.batchOutcomeRecorded("b")
        // A listing made before the record was made does not undo it.
        let after = state.reconciled(ended, batches: listing, ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(after).isEmpty)
    }

    @Test mutating func anOutcomeNotRecordedIsAskedForAgainAtTheNextReconcileAndByAFreshProcess() {
        _ = submit("b", jobs: 1)
        let exited = state.observed("b-j0", Self.job("b-j0", of: "b", .exited, finished: 5), ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(exited).count == 1)
        for _ in 0..<SchedulerState.outcomeRetries {
            #expect(Self.outcomeRequests(state.batchOutcomeRecordFailed("b")).count == 1, "asked again at once")
        }
        #expect(Self.outcomeRequests(state.batchOutcomeRecordFailed("b")).isEmpty, "then no more")
        let ended = [Self.job("b-j0", of: "b", .exited, finished: 5)]
        let reconciled = state.reconciled(ended, batches: [BatchObservation(name: "b", created: Self.t0)], ticket: state.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(reconciled) == [.recordBatchOutcome(name: "b", jobs: ["b-j0"])], "until the next reconcile")

        var fresh = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30))
        let unrecorded = fresh.reconciled(ended, batches: [BatchObservation(name: "b", created: Self.t0)], ticket: fresh.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(unrecorded).count == 1)
        var another = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30))
        let recorded = another.reconciled(ended, batches: [BatchObservation(name: "b", created: Self.t0, outcomeRecorded: true)],
                                          ticket: another.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(recorded).isEmpty, "recorded already")
        var running = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30))
        let active = running.reconciled([Self.job("b-j0", of: "b", .running)], batches: [BatchObservation(name: "b", created: Self.t0)],
                                        ticket: running.takeTicket(), now: Self.t0)
        #expect(Self.outcomeRequests(active).isEmpty, "not for a batch whose job runs")
    }

    @Test mutating func aJobStoppedJustAsItWasStartedHoldsTheOutcomeBackUntilItsEndIsSeen() throws {
        _ = submit("b", jobs: 2)  // both starts issued
        _ = state.observed("b-j0", Self.job("b-j0", of: "b", .exited, finished: 1), ticket: state.takeTicket(), now: Self.t0)
        // Stopped before its start was seen: it looks ended ("stopped before it started"), but it may run.
        let stopped = try state.batchStopRecorded("b", at: Self.t0.addingTimeInterval(2), now: Self.t0.addingTimeInterval(2))
        #expect(state.status(of: "b-j1")?.state == .stopped)
        #expect(Self.outcomeRequests(stopped.1).isEmpty)
        _ = state.observed("b-j1", Self.job("b-j1", of: "b", index: 1, .running), ticket: state.takeTicket(), now: Self.t0.addingTimeInterval(3))
        #expect(state.status(of: "b-j1")?.state == .stopping)
        let ended = state.observed("b-j1", Self.job("b-j1", of: "b", index: 1, .exited, finished: 4, exit: 143), ticket: state.takeTicket(),
                                   now: Self.t0.addingTimeInterval(4))
        #expect(Self.outcomeRequests(ended).isEmpty, "its stop has not returned")
        let stopReturned = state.endFinished("b-j1")
        #expect(Self.outcomeRequests(stopReturned) == [.recordBatchOutcome(name: "b", jobs: ["b-j0", "b-j1"])])
        // The runtime found a job running after all: asked again while the batch still looks ended, a few times.
        var again = 0
        for _ in 0..<5 { again += Self.outcomeRequests(state.batchOutcomeRecordFailed("b")).count }
        #expect(again == SchedulerState.outcomeRetries)
    }

    @Test mutating func anOutcomeRecordedWhileItsBatchWasBeingDeletedIsRemoved() throws {
        _ = submit("b", jobs: 1)
        _ = state.observed("b-j0", Self.job("b-j0", of: "b", .exited, finished: 5), ticket: state.takeTicket(), now: Self.t0)
        _ = try state.checkBatchDeletable("b")  // the deletion removes the records while the outcome is being made
        let recorded = state.batchOutcomeRecorded("b")
        #expect(Self.work(recorded).contains(.removeBatch(name: "b", jobs: [])))
        _ = state.batchDeleted("b")
        _ = submit("c", jobs: 1)
        _ = state.observed("c-j0", Self.job("c-j0", of: "c", .exited, finished: 5), ticket: state.takeTicket(), now: Self.t0)
        let kept = state.batchOutcomeRecorded("c")
        #expect(!Self.work(kept).contains { if case .removeBatch = $0 { true } else { false } })
    }

    @Test mutating func aStoppedBatchsOutcomeWaitsForItsRunningJobAndIncludesTheOnesThatNeverStarted() throws {
        state = SchedulerState(historyLimit: 2, stopGracePeriod: .seconds(30), maxRunning: 1)  // the second job waits its turn
        _ = submit("b", jobs: 2)
        _ = state.observed("b-j0", Self.job("b-j0", of: "b", .running), ticket: state.takeTicket(), now: Self.t0)
        let stopped = try state.batchStopRecorded("b", at: Self.t0.addingTimeInterval(2), now: Self.t0.addingTimeInterval(2))
        #expect(stopped.0.jobStatuses.map(\.state) == [.stopping, .stopped])
        #expect(Self.outcomeRequests(stopped.1).isEmpty, "a job still runs")
        _ = state.observed("b-j0", Self.job("b-j0", of: "b", .exited, finished: 3, exit: 143), ticket: state.takeTicket(),
                           now: Self.t0.addingTimeInterval(3))
        let stopReturned = state.endFinished("b-j0")
        #expect(Self.outcomeRequests(stopReturned) == [.recordBatchOutcome(name: "b", jobs: ["b-j0", "b-j1"])])
    }

    @Test func aJobsOverridesWinOverTheBatchDefaultsKeyByKeyListsWhole() {
        let defaults = JobRequest(variables: ["A": "1", "B": "2"], limits: ["cpu": "1", "memory": "1Gi"], timeLimitSeconds: 100,
                                  command: ["sh", "-c"], args: ["echo default"],
                                  failurePolicy: FailurePolicy(rules: [.init(action: .ignore, onExitCodes: .init(operator: .in, values: [3]))]))
        let job = JobRequest(payload: "p", jobId: "j", variables: ["B": "job"], limits: ["memory": "2Gi"], args: [])
        let merged = job.merged(over: defaults)
        #expect(merged.variables == ["A": "1", "B": "job"])
        #expect(merged.limits == ["cpu": "1", "memory": "2Gi"])
        #expect(merged.timeLimitSeconds == 100)
        #expect(merged.command == ["sh", "-c"])
        #expect(merged.args == [], "an empty list replaces the default's")
        #expect(merged.failurePolicy == defaults.failurePolicy)
        #expect(merged.payload == "p" && merged.jobId == "j")
        let own = JobRequest(failurePolicy: FailurePolicy(rules: [])).merged(over: defaults)
        #expect(own.failurePolicy == FailurePolicy(rules: []), "a job's failure policy replaces the default's whole")
    }
}

private func expectTrue(_ condition: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, sourceLocation: sourceLocation)
}
