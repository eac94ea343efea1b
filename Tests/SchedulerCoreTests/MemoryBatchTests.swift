import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Testing

/// Batches through the executor on the in-memory runtime.
@Suite("Batches on the in-memory runtime")
struct MemoryBatchTests {
    @Test func aBatchRunsEachJobOnceWithItsOwnPayloadAndIsReportedInOrder() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            let request = BatchRequest(batchId: "nightly", jobs: (0..<4).map { JobRequest(payload: "p\($0)", jobId: "j\($0)") },
                                       defaults: JobRequest(variables: ["MODE": "batch"]))
            let accepted = try await memory.scheduler.submitBatch(request)
            #expect(accepted.name.hasPrefix("batch-work"))
            #expect(accepted.batchId == "nightly")
            #expect(accepted.jobStatuses.map(\.jobId) == ["j0", "j1", "j2", "j3"])
            #expect(memory.runtime.batchNames == [accepted.name])
            for (index, job) in accepted.jobStatuses.enumerated() {
                #expect(job.name.hasPrefix(accepted.name + "-") && job.name.count == accepted.name.count + 9)
                let container = memory.runtime.container(job.name)
                #expect(container?.launch.payload?.bytes == Array("p\(index)".utf8))
                #expect(container?.launch.environment["MODE"] == "batch")
                try await memory.waitFor(job.name, .running)
            }
            #expect(try memory.scheduler.batch(named: accepted.name).state == .active)
            for job in accepted.jobStatuses { memory.runtime.exit(job.name, code: 0) }
            for job in accepted.jobStatuses { try await memory.waitFor(job.name, .succeeded) }
            let done = try memory.scheduler.batch(named: accepted.name)
            #expect(done.state == .completed)
            #expect(accepted.jobStatuses.allSatisfy { memory.runtime.container($0.name)?.starts == 1 })
            #expect(memory.scheduler.jobs().isEmpty, "GET /jobs lists single jobs only")
            let short = String(accepted.jobStatuses[2].name.suffix(8))
            #expect(try memory.scheduler.job(named: short, inBatch: accepted.name).name == accepted.jobStatuses[2].name)
        }
    }

    @Test func aBatchThatCannotBeMadeWholeLeavesNothingAndRunsNothing() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            memory.runtime.failCreation(afterSucceeding: 2)
            await #expect(throws: SchedulerError.self) {
                try await memory.scheduler.submitBatch(BatchRequest(jobs: Array(repeating: JobRequest(), count: 5)))
            }
            #expect(memory.runtime.containerNames.isEmpty)
            #expect(memory.runtime.batchNames.isEmpty)
            #expect(memory.scheduler.batches().isEmpty)
        }
    }

    @Test func aBatchMustHoldOneTo500ValidJobs() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            await #expect(throws: SchedulerError.invalidRequest(["jobScheduleDescriptions: a batch has 1 to 500 jobs, got 0"])) {
                try await memory.scheduler.submitBatch(BatchRequest(jobs: []))
            }
            await #expect(throws: SchedulerError.invalidRequest(["jobScheduleDescriptions: a batch has 1 to 500 jobs, got 501"])) {
                try await memory.scheduler.submitBatch(BatchRequest(jobs: Array(repeating: JobRequest(), count: 501)))
            }
            await #expect(throws: SchedulerError.invalidRequest(["jobScheduleDescriptions[1].timeLimitSeconds: must be at least 1, got 0"])) {
                try await memory.scheduler.submitBatch(BatchRequest(jobs: [JobRequest(), JobRequest(timeLimitSeconds: 0)]))
            }
            #expect(memory.runtime.containerNames.isEmpty)
        }
    }

    @Test func aStoppedBatchStaysStoppedAcrossARestartAndItsDeletionRemovesEverything() async throws {
        let memory = MemoryScheduler()
        let batch = try await memory.running {
            let batch = try await memory.scheduler.submitBatch(BatchRequest(jobs: [JobRequest(), JobRequest()]))
            let first = batch.jobStatuses[0].name, second = batch.jobStatuses[1].name
            try await memory.waitFor(first, .running)
            try await memory.waitFor(second, .running)
            memory.runtime.exit(first, code: 0)
            try await memory.waitFor(first, .succeeded)
            memory.clock.advance(by: 1)  // the stop's time is after the first job's end, as it is on a real clock
            _ = try await memory.scheduler.stopBatch(named: batch.name)
            try await memory.waitFor(second, .stopped)
            await #expect(throws: SchedulerError.batchAlreadyEnded(batch.name, state: "Completed")) {
                try await memory.scheduler.stopBatch(named: batch.name)
            }
            try await eventually("the ended batch's outcome is recorded") { memory.runtime.outcomeRecordings == 1 }
            return batch
        }
        let fresh = memory.restarted()
        try await fresh.running {
            let status = try fresh.scheduler.batch(named: batch.name)
            #expect(status.jobStatuses.map(\.state) == [.succeeded, .stopped])
            // The batch had ended: its outcome was recorded once, by the first process, and not again.
            #expect(fresh.runtime.outcomeRecordings == 1)
            try await fresh.scheduler.deleteBatch(named: batch.name)
            #expect(fresh.runtime.containerNames.isEmpty)
            #expect(fresh.runtime.batchNames.isEmpty)
            #expect(throws: SchedulerError.batchNotFound(batch.name)) { try fresh.scheduler.batch(named: batch.name) }
        }
    }
}

@Suite("Run queue on the in-memory runtime")
struct MemoryRunQueueTests {
    /// A batch of 12 under a limit of 3: never more than 3 run, each job runs once, in the batch's order.
    @Test func aBatchUnderALimitRunsEachJobOnceNeverMoreThanTheLimitAtOnce() async throws {
        let memory = MemoryScheduler(maxRunning: 3)
        try await memory.running {
            let batch = try await memory.scheduler.submitBatch(BatchRequest(jobs: (0..<12).map { JobRequest(jobId: "j\($0)") }))
            let names = batch.jobStatuses.map(\.name)
            var startedOrder: [String] = []
            for finished in 0..<names.count {
                try await eventually("the queue fills the free places") {
                    names.filter { memory.runtime.container($0)?.runState == .running }.count == min(3, names.count - finished)
                }
                let running = names.filter { memory.runtime.container($0)?.runState == .running }
                #expect(running.count <= 3)
                startedOrder += running.filter { !startedOrder.contains($0) }
                memory.runtime.exit(running.first!, code: 0)
                try await memory.waitFor(running.first!, .succeeded)
            }
            for name in names { try await memory.waitFor(name, .succeeded) }
            #expect(names.allSatisfy { memory.runtime.container($0)?.starts == 1 })
            #expect(startedOrder == names, "jobs start in the order they were given")
        }
    }
}
