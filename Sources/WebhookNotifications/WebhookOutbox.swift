import Foundation
import SchedulerCore

/// How hard a webhook is tried.
public struct WebhookRetryPolicy: Sendable, Equatable {
    /// Attempts of one event before it is given up (the first included).
    public var maxAttempts: Int
    /// The wait before the first retry; doubled after each failure, up to `maxDelay`.
    public var firstDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 12, firstDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60)) {
        self.maxAttempts = maxAttempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// The wait after `failures` failed attempts: the doubled delay, capped, drawn in its upper half
    /// (`jitter` in 0..<1), so receivers that come back are not hit by every sender at once.
    public func delay(afterFailures failures: Int, jitter: Double) -> Duration {
        let doubled = firstDelay * Int(pow(2, Double(min(max(failures - 1, 0), 30))))
        let capped = min(doubled, maxDelay)
        return capped * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}

/// The webhook's queue, as a value: which event goes next, when a failed one is tried again, and what
/// is given up. Events of one key (a single job or a batch) go one at a time, in order; keys go side by
/// side. Bounded: an event that finds it full is dropped (and counted), so the scheduler never waits.
struct WebhookOutbox: Sendable {
    struct Entry: Sendable {
        var notification: StatusNotification
        var queuedAt: Date
        /// Made once, before the first attempt; retries send the same.
        var message: WebhookMessage?
        var failures = 0
        /// Not tried again before this.
        var notBefore: Date?
    }

    /// A head of a key's queue, handed out for one attempt.
    struct Delivery: Sendable {
        var key: String
        var entry: Entry
    }

    enum Outcome: Sendable, Equatable {
        case delivered
        /// Will be tried again at this time.
        case retry(at: Date)
        case givenUp
    }

    let capacity: Int
    let policy: WebhookRetryPolicy
    private var queues: [String: [Entry]] = [:]
    /// Keys with events, in the order they got their first pending one.
    private var keys: [String] = []
    private var inFlight: Set<String> = []
    private(set) var depth = 0
    private(set) var dropped = 0

    init(capacity: Int, policy: WebhookRetryPolicy) {
        self.capacity = capacity
        self.policy = policy
    }

    /// False when the queue is full: the event is dropped.
    mutating func enqueue(_ notification: StatusNotification, at time: Date) -> Bool {
        guard depth < capacity else {
            dropped += 1
            return false
        }
        let key = notification.key
        if queues[key] == nil { keys.append(key) }
        queues[key, default: []].append(Entry(notification: notification, queuedAt: time))
        depth += 1
        return true
    }

    /// The heads that may be tried now, up to `limit` attempts in flight in all; each is in flight
    /// until `finished`.
    mutating func takeDue(now: Date, limit: Int) -> [Delivery] {
        var due: [Delivery] = []
        for key in keys where inFlight.count < limit && !inFlight.contains(key) {
            guard let head = queues[key]?.first, (head.notBefore ?? .distantPast) <= now else { continue }
            inFlight.insert(key)
            due.append(Delivery(key: key, entry: head))
        }
        return due
    }

    /// Keeps the message made for a key's head, so its retries send the same.
    mutating func prepared(_ message: WebhookMessage, key: String) {
        guard queues[key]?.isEmpty == false else { return }
        queues[key]![0].message = message
    }

    /// The end of an attempt of `key`'s head. `jitter` (0..<1) draws the wait before a retry.
    mutating func finished(_ key: String, delivered: Bool, now: Date, jitter: Double) -> Outcome {
        inFlight.remove(key)
        guard var head = queues[key]?.first else { return .givenUp }
        if !delivered {
            head.failures += 1
            if head.failures < policy.maxAttempts {
                let due = now.addingTimeInterval(policy.delay(afterFailures: head.failures, jitter: jitter).seconds)
                head.notBefore = due
                queues[key]![0] = head
                return .retry(at: due)
            }
        }
        removeHead(key)
        return delivered ? .delivered : .givenUp
    }

    private mutating func removeHead(_ key: String) {
        queues[key]!.removeFirst()
        depth -= 1
        if queues[key]!.isEmpty {
            queues[key] = nil
            keys.removeAll { $0 == key }
        }
    }

    /// Drops `key`'s head without another attempt.
    mutating func giveUp(_ key: String) -> Outcome {
        inFlight.remove(key)
        guard queues[key]?.isEmpty == false else { return .givenUp }
        removeHead(key)
        return .givenUp
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
