import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SchedulerCore
import ServiceLifecycle
import Synchronization

/// A job's webhook: takes the scheduler's status notifications (`enqueue`, the scheduler's sink, never
/// waits) and POSTs each to the receiver, at least once, in order per job or batch, as Standard
/// Webhooks 1.0 says (`webhook-id`, the same on every retry; `webhook-timestamp`; `webhook-signature`
/// with a secret). Failed attempts are retried with backoff and jitter (`WebhookRetryPolicy`).
///
/// Runs as a service beside the scheduler; what is still queued when it shuts down is told again by
/// the next process, which tells every job and batch it finds (see `SchedulerState`'s notifications).
public final class WebhookNotifier: Service, Sendable {
    public let settings: WebhookSettings
    let logger: Logger
    let metrics: WebhookMetrics
    private let outbox: Mutex<WebhookOutbox>
    /// Wakes `run()` to hand out what is due: a new event, an attempt's end, a retry's time.
    private let kicks: AsyncStream<Void>
    private let kick: AsyncStream<Void>.Continuation

    public init(settings: WebhookSettings, job: String, logger: Logger) {
        self.settings = settings
        var logger = logger
        logger[metadataKey: "job"] = "\(job)"
        logger[metadataKey: "webhook"] = "\(settings.url.absoluteString)"
        self.logger = logger
        metrics = WebhookMetrics(job: job)
        outbox = Mutex(WebhookOutbox(capacity: settings.queueCapacity, policy: settings.retry))
        (kicks, kick) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues notifications in their order. Called under the scheduler's lock: it only queues.
    public func enqueue(_ notifications: [StatusNotification]) {
        let time = Date()
        let (dropped, depth) = outbox.withLock { box in
            (notifications.filter { !box.enqueue($0, at: time) }.count, box.depth)
        }
        metrics.queueDepth.record(depth)
        if dropped > 0 {
            metrics.dropped.increment(by: dropped)
            logger.warning("webhook queue is full: events dropped", metadata: ["dropped": "\(dropped)", "capacity": "\(settings.queueCapacity)"])
        }
        kick.yield()
    }

    /// Events waiting or under way.
    public var queueDepth: Int { outbox.withLock { $0.depth } }

    public func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await _ in self.kicks {
                    let due = self.outbox.withLock { $0.takeDue(now: Date(), limit: self.settings.concurrency) }
                    for delivery in due {
                        group.addTask { await self.attempt(delivery, client: client) }
                    }
                }
                group.cancelAll()
            }
        }
        try? await client.shutdown()
    }

    private func attempt(_ delivery: WebhookOutbox.Delivery, client: HTTPClient) async {
        let key = delivery.key
        let message: WebhookMessage
        if let prepared = delivery.entry.message {
            message = prepared
        } else {
            do {
                message = try WebhookMessage(delivery.entry.notification, at: delivery.entry.queuedAt)
            } catch {
                logger.error("webhook event could not be encoded; dropped", metadata: ["key": "\(key)", "error": "\(error)"])
                await finish(key, outcome: outbox.withLock { $0.giveUp(key) })
                return
            }
            outbox.withLock { $0.prepared(message, key: key) }
        }
        let failure = await send(message, client: client)
        let outcome = outbox.withLock { $0.finished(key, delivered: failure == nil, now: Date(), jitter: Double.random(in: 0..<1)) }
        var metadata: Logger.Metadata = [
            "key": "\(key)", "event": "\(delivery.entry.notification.event.rawValue)", "webhookId": "\(message.id)",
            "attempt": "\(delivery.entry.failures + 1)",
        ]
        if let failure {
            metrics.failedAttempts.increment()
            metadata["error"] = "\(failure)"
            if case .retry(let time) = outcome { metadata["retryAt"] = "\(time)" }
            logger.log(level: outcome == .givenUp ? .error : .warning,
                       outcome == .givenUp ? "webhook event given up" : "webhook delivery failed; will retry", metadata: metadata)
        } else {
            metrics.delivered.increment()
            logger.debug("webhook event delivered", metadata: metadata)
        }
        await finish(key, outcome: outcome)
    }

    /// Counts an attempt's end and wakes `run()`; a retry's wait is spent here, in the attempt's own
    /// task (owned by the run's task group, so cancelled with it), before `run()` is woken for it.
    private func finish(_ key: String, outcome: WebhookOutbox.Outcome) async {
        metrics.queueDepth.record(queueDepth)
        switch outcome {
        case .givenUp:
            metrics.givenUp.increment()
        case .delivered:
            break
        case .retry(let time):
            // Others' events may go meanwhile: this key is not in flight while it waits.
            kick.yield()
            try? await Task.sleep(for: .milliseconds(Int(max(time.timeIntervalSinceNow, 0) * 1000) + 1))
        }
        kick.yield()
    }

    /// One POST; nil when the receiver answered 2xx, else why not.
    private func send(_ message: WebhookMessage, client: HTTPClient) async -> String? {
        var url = settings.url
        var hostHeader: String?
        if let host = url.host(), let address = settings.hostAddresses[host],
           var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            hostHeader = components.port.map { "\(host):\($0)" } ?? host
            components.host = address
            url = components.url ?? url
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "job-scheduler-webhook")
        if let hostHeader { request.headers.replaceOrAdd(name: "host", value: hostHeader) }
        let timestamp = Int(Date().timeIntervalSince1970)
        request.headers.add(name: "webhook-id", value: message.id)
        request.headers.add(name: "webhook-timestamp", value: "\(timestamp)")
        if let secret = settings.secret {
            request.headers.add(name: "webhook-signature", value: secret.signature(id: message.id, timestamp: timestamp, body: message.body))
        }
        request.body = .bytes(ByteBuffer(bytes: message.body))
        do {
            let milliseconds = Int64(settings.timeout.seconds * 1000)
            let response = try await client.execute(request, timeout: TimeAmount.milliseconds(milliseconds))
            // The answer's body means nothing to us; read (a bounded part of) it so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (200..<300).contains(response.status.code) ? nil : "the receiver answered \(response.status.code)"
        } catch {
            return "\(error)"
        }
    }
}
