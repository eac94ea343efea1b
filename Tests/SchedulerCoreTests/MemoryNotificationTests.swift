import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Synchronization
import Testing

/// Keeps what a scheduler tells its webhook, in order.
final class NotificationRecorder: Sendable {
    private let recorded = Mutex<[StatusNotification]>([])

    func record(_ notifications: [StatusNotification]) { recorded.withLock { $0 += notifications } }

    var all: [StatusNotification] { recorded.withLock { $0 } }

    /// Each as `Event key state [job:state ...]`, the way a receiver would read them.
    func lines(naming names: [String: String] = [:]) -> [String] {
        all.map { notification in
            let name = { (full: String) in names[full] ?? full }
            switch notification.subject {
            case .job(let job):
                return "\(notification.event.rawValue) \(name(job.name)) \(job.state.rawValue)"
            case .batch(let batch):
                let jobs = batch.jobStatuses.map { "\(name($0.name)):\($0.state.rawValue)" }
                return (["\(notification.event.rawValue) \(name(batch.name)) \(batch.state.rawValue)"] + jobs).joined(separator: " ")
            }
        }
    }
}

/// The status notifications a webhook gets (Radix's batch events), decided with the rest, on the
/// in-memory runtime.
@Suite("Status notifications on the in-memory runtime")
struct MemoryNotificationTests {
    @Test func aSingleJobIsToldWhenCreatedAtEachChangeAndWhenDeleted() async throws {
        let recorder = NotificationRecorder()
        let memory = MemoryScheduler(notifications: recorder)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest(payload: "x"))
            try await memory.waitFor(job.name, .running)
            memory.runtime.exit(job.name, code: 3)
            try await memory.waitFor(job.name, .failed)
            try await memory.scheduler.delete(named: job.name)
            let names = [job.name: "job"]
            try await eventually("the deletion is told") { recorder.all.count == 4 }
            #expect(recorder.lines(naming: names) == ["Create job Waiting", "Update job Running", "Update job Failed", "Delete job Failed"])
            guard case .job(let failed) = recorder.all[2].subject else { Issue.record("not a job"); return }
            #expect(failed.message?.contains("3") == true, "the exit code is in the message: \(failed.message ?? "")")
        }
    }

    @Test func aBatchIsToldWholeOnCreateThenOnlyItsChangedJobs() async throws {
        let recorder = NotificationRecorder()
        let memory = MemoryScheduler(notifications: recorder)
        try await memory.running {
            let batch = try await memory.scheduler.submitBatch(BatchRequest(batchId: "b1", jobs: [JobRequest(), JobRequest()]))
            let (first, second) = (batch.jobStatuses[0].name, batch.jobStatuses[1].name)
            let names = [batch.name: "batch", first: "a", second: "b"]
            try await memory.waitFor(first, .running)
            try await memory.waitFor(second, .running)
            memory.runtime.exit(first, code: 0)
            try await memory.waitFor(first, .succeeded)
            memory.runtime.exit(second, code: 0)
            try await memory.waitFor(second, .succeeded)
            try await memory.scheduler.deleteBatch(named: batch.name)
            try await eventually("the deletion is told") { recorder.all.last?.event == .delete }
            let lines = recorder.lines(naming: names)
            #expect(lines.first == "Create batch Waiting a:Waiting b:Waiting")
            // The jobs start in one input or two: either way each Update holds only what changed.
            let beforeEnds = lines.dropFirst().prefix { !$0.contains("Succeeded") }
            #expect(beforeEnds.allSatisfy { $0.hasPrefix("Update batch Active") }, "\(lines)")
            #expect(beforeEnds.joined(separator: " ").components(separatedBy: ":Running").count - 1 == 2, "each job's start told once: \(lines)")
            #expect(Array(lines.suffix(3)) == ["Update batch Active a:Succeeded", "Update batch Completed b:Succeeded",
                                               "Delete batch Completed a:Succeeded b:Succeeded"])
            guard case .batch(let created) = recorder.all[0].subject else { Issue.record("not a batch"); return }
            #expect(created.batchId == "b1")
        }
    }

    @Test func aRestartTellsEveryJobAndBatchItFindsAsCreatedAndAsItIsNow() async throws {
        let memory = MemoryScheduler()
        let (job, batch) = try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest())
            let batch = try await memory.scheduler.submitBatch(BatchRequest(jobs: [JobRequest()]))
            try await memory.waitFor(job.name, .running)
            return (job, batch)
        }
        // While no scheduler runs, the job ends.
        memory.runtime.exit(job.name, code: 0)
        let recorder = NotificationRecorder()
        let restarted = memory.restarted(notifications: recorder)
        try await restarted.running {
            try await restarted.waitFor(job.name, .succeeded)
            try await eventually("the batch is told") { recorder.all.count == 4 }
            let names = [job.name: "job", batch.name: "batch", batch.jobStatuses[0].name: "a"]
            #expect(Set(recorder.lines(naming: names)) == ["Create job Succeeded", "Update job Succeeded",
                                                           "Create batch Active a:Running", "Update batch Active a:Running"])
        }
    }

    @Test func aJobDroppedFromTheHistoryIsToldAsDeleted() async throws {
        let recorder = NotificationRecorder()
        let memory = MemoryScheduler(historyLimit: 1, notifications: recorder)
        try await memory.running {
            let old = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(old.name, .running)
            memory.runtime.exit(old.name, code: 0)
            try await memory.waitFor(old.name, .succeeded)
            memory.clock.advance(by: 1)
            let new = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(new.name, .running)
            memory.runtime.exit(new.name, code: 0)
            try await memory.waitFor(new.name, .succeeded)
            try await eventually("the old job's deletion is told: \(recorder.lines())") { recorder.all.contains { $0.event == .delete } }
            let lines = recorder.lines(naming: [old.name: "old", new.name: "new"])
            let deletes = lines.filter { $0.hasPrefix("Delete") }
            #expect(deletes == ["Delete old Succeeded"])
            #expect(lines.last == "Delete old Succeeded", "told after the new job's end that pushed it out: \(lines)")
        }
    }

    @Test func withoutAWebhookNothingIsDecided() {
        for notifies in [false, true] {
            var state = SchedulerState(historyLimit: 10, stopGracePeriod: .seconds(1), notifies: notifies)
            let name = "work-20260101000000-aaaaaaaa"
            let reserved = state.beginSubmission(name)
            #expect(reserved)
            let job = JobObservation(name: name, image: "busybox", created: Date(), runState: .created, timeLimitSeconds: 60)
            let (_, effects) = state.submissionCreated(job, now: Date())
            #expect(effects.notifications.map(\.event) == (notifies ? [.create] : []))
        }
    }
}
