import Foundation
import SchedulerCore
@testable import WebhookNotifications
import Testing

/// The webhook's queue decisions, with times given: order per key, keys side by side, backoff, bounds.
@Suite("Webhook outbox")
struct WebhookOutboxTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(_ key: String, _ state: JobState = .running, _ event: StatusNotification.Event = .update) -> StatusNotification {
        StatusNotification(event: event, subject: .job(JobStatus(name: key, state: state)))
    }

    static func outbox(capacity: Int = 100, attempts: Int = 4) -> WebhookOutbox {
        WebhookOutbox(capacity: capacity, policy: WebhookRetryPolicy(maxAttempts: attempts, firstDelay: .seconds(1), maxDelay: .seconds(4)))
    }

    @Test func eventsOfOneKeyGoOneAtATimeInOrderWhileOtherKeysGoAlongside() {
        var box = Self.outbox()
        let queued1 = box.enqueue(Self.event("a", .waiting, .create), at: Self.t0)
        #expect(queued1)
        let queued2 = box.enqueue(Self.event("a", .running), at: Self.t0)
        #expect(queued2)
        let queued3 = box.enqueue(Self.event("b", .waiting, .create), at: Self.t0)
        #expect(queued3)
        let first = box.takeDue(now: Self.t0, limit: 4)
        #expect(first.map(\.key) == ["a", "b"], "one of a's at a time")
        #expect(first[0].entry.notification.event == .create)
        let nothingDue4 = box.takeDue(now: Self.t0, limit: 4).isEmpty
        #expect(nothingDue4, "a and b are in flight")
        let outcome5 = box.finished("a", delivered: true, now: Self.t0, jitter: 0)
        #expect(outcome5 == .delivered)
        let second = box.takeDue(now: Self.t0, limit: 4)
        #expect(second.map(\.key) == ["a"])
        #expect(second[0].entry.notification == Self.event("a", .running))
        #expect(box.depth == 2)
    }

    @Test func theLimitBoundsAttemptsInFlight() {
        var box = Self.outbox()
        for key in ["a", "b", "c"] { _ = box.enqueue(Self.event(key), at: Self.t0) }
        let dueKeys6 = box.takeDue(now: Self.t0, limit: 2).map(\.key)
        #expect(dueKeys6 == ["a", "b"])
        let nothingDue7 = box.takeDue(now: Self.t0, limit: 2).isEmpty
        #expect(nothingDue7)
        _ = box.finished("b", delivered: true, now: Self.t0, jitter: 0)
        let dueKeys8 = box.takeDue(now: Self.t0, limit: 2).map(\.key)
        #expect(dueKeys8 == ["c"])
    }

    @Test func aFailedEventIsRetriedAfterADoublingCappedJitteredWaitWithTheSameMessageAndHoldsBackItsKey() throws {
        var box = Self.outbox(attempts: 5)
        _ = box.enqueue(Self.event("a", .waiting, .create), at: Self.t0)
        _ = box.enqueue(Self.event("a"), at: Self.t0)
        let delivery = box.takeDue(now: Self.t0, limit: 1)[0]
        let message = try WebhookMessage(delivery.entry.notification, at: delivery.entry.queuedAt)
        box.prepared(message, key: "a")
        var now = Self.t0
        // Waits with jitter 0 (the lower half's bottom) and 0.999 (the top): 1 s doubled, capped at 4 s.
        let expected: [(low: TimeInterval, high: TimeInterval)] = [(0.5, 1), (1, 2), (2, 4), (2, 4)]
        for (index, bounds) in expected.enumerated() {
            let jitter = index.isMultiple(of: 2) ? 0 : 0.999
            guard case .retry(let at) = box.finished("a", delivered: false, now: now, jitter: jitter) else {
                Issue.record("attempt \(index + 1) was not retried"); return
            }
            let wait = at.timeIntervalSince(now)
            #expect(wait >= bounds.low - 0.01 && wait <= bounds.high + 0.01, "wait \(wait) after failure \(index + 1)")
            let nothingDue9 = box.takeDue(now: at.addingTimeInterval(-0.01), limit: 1).isEmpty
            #expect(nothingDue9, "not before its time, nor a's next event")
            now = at
            let retry = box.takeDue(now: now, limit: 1)
            #expect(retry.count == 1)
            #expect(retry.first?.entry.message == message, "a retry sends the same id and body")
            #expect(retry.first?.entry.notification.event == .create)
        }
        let outcome10 = box.finished("a", delivered: false, now: now, jitter: 0)
        #expect(outcome10 == .givenUp, "the fifth failure is the last")
        let nextEvent = box.takeDue(now: now, limit: 1).first?.entry.notification
        #expect(nextEvent == Self.event("a"), "then the key's next event goes")
    }

    @Test func aFullQueueDropsNewEventsAndCountsThem() {
        var box = Self.outbox(capacity: 2)
        let queued12 = box.enqueue(Self.event("a"), at: Self.t0)
        #expect(queued12)
        let queued13 = box.enqueue(Self.event("b"), at: Self.t0)
        #expect(queued13)
        let queuedOverCapacity = box.enqueue(Self.event("c"), at: Self.t0)
        #expect(!queuedOverCapacity)
        #expect(box.dropped == 1)
        #expect(box.depth == 2)
        _ = box.takeDue(now: Self.t0, limit: 1)
        _ = box.finished("a", delivered: true, now: Self.t0, jitter: 0)
        let queued15 = box.enqueue(Self.event("c"), at: Self.t0)
        #expect(queued15, "room again once one is delivered")
    }

    @Test func theRetryPolicysWaitsStayWithinTheirBounds() {
        let policy = WebhookRetryPolicy(maxAttempts: 20, firstDelay: .milliseconds(500), maxDelay: .seconds(60))
        for failures in 1...20 {
            let full = min(0.5 * pow(2, Double(failures - 1)), 60)
            for jitter in [0, 0.3, 0.999] {
                let wait = policy.delay(afterFailures: failures, jitter: jitter).seconds
                #expect(wait >= full / 2 - 1e-6 && wait <= full + 1e-6, "failure \(failures), jitter \(jitter): \(wait)")
            }
        }
    }
}

/// What goes over the wire: Standard Webhooks signatures and Radix's event body.
@Suite("Webhook messages")
struct WebhookMessageTests {
    @Test func theSignatureIsStandardWebhooks() throws {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = secret.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func aBadSecretIsRefusedWithWhy() {
        #expect(throws: WebhookSecret.ParseError.missingPrefix) { try WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }
        #expect(throws: WebhookSecret.ParseError.notBase64) { try WebhookSecret("whsec_***") }
        #expect(throws: WebhookSecret.ParseError.tooShort(bytes: 3)) { try WebhookSecret("whsec_YWJj") }
    }

    @Test func aSingleJobsEventIsABatchOfTypeJobHoldingIt() throws {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let job = JobStatus(name: "work-1", jobId: "mine", created: created, state: .running, podStatuses: [])
        let message = try WebhookMessage(StatusNotification(event: .update, subject: .job(job)), at: created.addingTimeInterval(5))
        let body = try #require(try JSONSerialization.jsonObject(with: message.body) as? [String: Any])
        #expect(body["event"] as? String == "Update")
        #expect(body["name"] as? String == "work-1")
        #expect(body["batchType"] as? String == "job")
        #expect(body["batchId"] as? String == "")
        #expect(body["status"] as? String == "Running")
        #expect(body["updated"] as? String == "2027-01-15T08:00:05Z")
        let jobs = try #require(body["jobStatuses"] as? [[String: Any]])
        #expect(jobs.count == 1)
        #expect(jobs.first?["jobId"] as? String == "mine")
        #expect(jobs.first?["batchName"] == nil)
    }

    @Test func theIdFollowsTheChangeNotTheTimeItIsTold() throws {
        let batch = BatchStatus(name: "batch-work-1", state: .active, jobStatuses: [JobStatus(name: "batch-work-1-aaaaaaaa", state: .running)],
                                isFinished: false, succeeded: false)
        let update = StatusNotification(event: .update, subject: .batch(batch))
        let now = try WebhookMessage(update, at: Date())
        let later = try WebhookMessage(update, at: Date().addingTimeInterval(60))
        #expect(now.id == later.id)
        #expect(now.id.hasPrefix("msg_"))
        #expect(now.body != later.body, "`updated` is the time it is told")
        var ended = batch
        ended.state = .completed
        #expect(try WebhookMessage(StatusNotification(event: .update, subject: .batch(ended)), at: Date()).id != now.id)
        #expect(try WebhookMessage(StatusNotification(event: .create, subject: .batch(batch)), at: Date()).id != now.id)
        var empty = batch
        empty.jobStatuses = []
        let body = try #require(try JSONSerialization.jsonObject(with: try WebhookMessage(StatusNotification(event: .update, subject: .batch(empty)), at: Date()).body) as? [String: Any])
        #expect(body["jobStatuses"] == nil, "left out when no job changed")
        #expect(body["batchType"] as? String == "batch")
    }
}
