import Foundation
@testable import SchedulerCore
import Testing

/// Keyed submissions on their own: the header's form, the request's fingerprint, and the decisions.
@Suite("Submission keys")
struct SubmissionKeyTests {
    @Test func aHeaderIsOneTo255PrintableASCIICharactersBareOrQuoted() {
        #expect(SubmissionKey.headerValue("abc-123") == "abc-123")
        #expect(SubmissionKey.headerValue("\"8e03978e-40d5-43e8\"") == "8e03978e-40d5-43e8")
        #expect(SubmissionKey.headerValue(String(repeating: "k", count: 255)) == String(repeating: "k", count: 255))
        for bad in ["", "\"\"", String(repeating: "k", count: 256), "tab\there", "é", "line\nbreak"] {
            #expect(SubmissionKey.headerValue(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func theFingerprintTellsEveryFieldApartAndIgnoresTheOrderOfMaps() {
        let base = JobRequest(payload: "p", jobId: "id", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"])
        #expect(RequestFingerprint.of(base) == RequestFingerprint.of(JobRequest(payload: "p", jobId: "id", variables: ["B": "2", "A": "1"], limits: ["cpu": "1"])))
        let others = [
            JobRequest(payload: "q", jobId: "id", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"]),
            JobRequest(payload: "p", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"]),
            JobRequest(payload: "p", jobId: "id", variables: ["A": "1,B=2"], limits: ["cpu": "1"]),
            JobRequest(payload: "p", jobId: "id", variables: ["A": "1", "B": "2"], requests: ["cpu": "1"]),
            JobRequest(payload: "p", jobId: "id", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"], timeLimitSeconds: 5),
            JobRequest(payload: "p", jobId: "id", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"], args: ["x"]),
            JobRequest(payload: "p", jobId: "id", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"], command: ["x"]),
            JobRequest(payload: nil, jobId: "id", variables: ["A": "1", "B": "2"], limits: ["cpu": "1"]),
        ]
        let prints = Set(([base] + others).map(RequestFingerprint.of))
        #expect(prints.count == others.count + 1)
        #expect(RequestFingerprint.of(BatchRequest(jobs: [base])) != RequestFingerprint.of(BatchRequest(jobs: [base, base])))
        #expect(RequestFingerprint.of(BatchRequest(batchId: "a", jobs: [base])) != RequestFingerprint.of(BatchRequest(batchId: "b", jobs: [base])))
    }

    @Test func aKeyIsReservedWhileItsSubmissionIsUnderWayAndAnswersItsJobAfter() throws {
        var state = SchedulerState(historyLimit: 10, stopGracePeriod: .seconds(30))
        let key = SubmissionKey(source: .header, value: "k", fingerprint: "f1")
        #expect(try state.beginSubmission("a", key: key) == .reserved)
        #expect(throws: SchedulerError.conflict("a request with the same Idempotency-Key \"k\" is under way; ask again once it is answered")) {
            _ = try state.beginSubmission("b", key: key)
        }
        var observation = JobObservation(name: "a", image: "img", created: Date(timeIntervalSince1970: 0), runState: .created, timeLimitSeconds: 60)
        observation.submissionKey = key
        let (made, _) = state.submissionCreated(observation, now: Date(timeIntervalSince1970: 0))
        #expect(try state.beginSubmission("c", key: key) == .repeated(made))
        #expect(throws: SchedulerError.keyReused("Idempotency-Key \"k\"", madeBy: "a")) {
            _ = try state.beginSubmission("c", key: SubmissionKey(source: .header, value: "k", fingerprint: "f2"))
        }
        // A request's own ID is another key than a header of the same text.
        #expect(try state.beginSubmission("d", key: SubmissionKey(source: .callerID, value: "k", fingerprint: "f1")) == .reserved)
        // A failed submission frees its key.
        let other = SubmissionKey(source: .header, value: "other", fingerprint: "f")
        #expect(try state.beginSubmission("e", key: other) == .reserved)
        state.submissionFailed("e")
        #expect(try state.beginSubmission("f", key: other) == .reserved)
    }
}

/// Keyed submissions with the executor and the in-memory runtime: across restarts, for batches, with
/// radixconfig's `uniqueJobIds`, and until the job leaves the history.
@Suite("Submission keys on the in-memory runtime")
struct MemorySubmissionKeyTests {
    @Test func aRepeatedKeyedRequestAnswersTheSameJobAlsoAfterARestart() async throws {
        let memory = MemoryScheduler()
        let request = JobRequest(payload: "x", variables: ["MODE": "fast"])
        let first = try await memory.running {
            let first = try await memory.scheduler.submit(request, idempotencyKey: "k1")
            #expect(try await memory.scheduler.submit(request, idempotencyKey: "k1").name == first.name)
            #expect(try await memory.scheduler.submit(request, idempotencyKey: "k2").name != first.name)
            #expect(try await memory.scheduler.submit(request).name != first.name, "no key: a new job every time")
            await #expect(throws: SchedulerError.keyReused("Idempotency-Key \"k1\"", madeBy: first.name)) {
                try await memory.scheduler.submit(JobRequest(payload: "y"), idempotencyKey: "k1")
            }
            return first
        }
        #expect(memory.runtime.containerNames.count == 3)
        let restarted = memory.restarted()
        let repeated = try await restarted.running { try await restarted.scheduler.submit(request, idempotencyKey: "k1") }
        #expect(repeated.name == first.name)
        #expect(memory.runtime.containerNames.count == 3)
    }

    @Test func aKeyIsKeptWhileItsJobIsInTheHistory() async throws {
        let memory = MemoryScheduler(historyLimit: 1)
        try await memory.running {
            let first = try await memory.scheduler.submit(JobRequest(), idempotencyKey: "k")
            try await memory.waitFor(first.name, .running)
            memory.runtime.exit(first.name, code: 0)
            try await memory.waitFor(first.name, .succeeded)
            let second = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(second.name, .running)
            memory.clock.advance(by: 1)  // it ends later: the newer of the two
            memory.runtime.exit(second.name, code: 0)
            try await eventually("the first leaves the history") { !memory.runtime.containerNames.contains(first.name) }
            #expect(try await memory.scheduler.submit(JobRequest(), idempotencyKey: "k").name != first.name)
        }
    }

    @Test func uniqueJobIdsMakeAJobIdAKeyAndABatchIdTheBatchsKey() async throws {
        let memory = MemoryScheduler(uniqueJobIds: true)
        try await memory.running {
            let job = try await memory.scheduler.submit(JobRequest(payload: "x", jobId: "order-17"))
            #expect(try await memory.scheduler.submit(JobRequest(payload: "x", jobId: "order-17")).name == job.name)
            await #expect(throws: SchedulerError.keyReused("ID \"order-17\"", madeBy: job.name)) {
                try await memory.scheduler.submit(JobRequest(payload: "other", jobId: "order-17"))
            }
            let batchRequest = BatchRequest(batchId: "nightly-0412", jobs: [JobRequest(payload: "a"), JobRequest(payload: "b")])
            let batch = try await memory.scheduler.submitBatch(batchRequest)
            #expect(try await memory.scheduler.submitBatch(batchRequest).name == batch.name)
            #expect(try await memory.scheduler.submitBatch(batchRequest, idempotencyKey: "h").name != batch.name, "a header is its own key")
            await #expect(throws: SchedulerError.self) {
                try await memory.scheduler.submitBatch(BatchRequest(batchId: "nightly-0412", jobs: [JobRequest(payload: "a")]))
            }
        }
        let restarted = memory.restarted()
        try await restarted.running {
            let batches = restarted.scheduler.batches()
            let again = try await restarted.scheduler.submitBatch(BatchRequest(batchId: "nightly-0412", jobs: [JobRequest(payload: "a"), JobRequest(payload: "b")]))
            #expect(batches.contains { $0.name == again.name })
            #expect(restarted.scheduler.batches().count == batches.count)
        }
        let plain = MemoryScheduler()
        try await plain.running {
            let one = try await plain.scheduler.submit(JobRequest(jobId: "same"))
            #expect(try await plain.scheduler.submit(JobRequest(jobId: "same")).name != one.name, "without uniqueJobIds an ID is only a label")
        }
    }
}
