import Metrics

/// What the webhook counts, with the job's name as a dimension like the scheduler's own metrics.
struct WebhookMetrics: Sendable {
    /// Attempts the receiver answered with a 2xx.
    let delivered: Counter
    /// Attempts that failed (an error status, no answer, a timeout).
    let failedAttempts: Counter
    /// Events given up after the last attempt.
    let givenUp: Counter
    /// Events dropped because the queue was full.
    let dropped: Counter
    /// Events waiting or under way.
    let queueDepth: Gauge

    init(job: String) {
        let dimensions = [("job", job)]
        delivered = Counter(label: "job_scheduler_webhook_deliveries_total", dimensions: dimensions)
        failedAttempts = Counter(label: "job_scheduler_webhook_failed_attempts_total", dimensions: dimensions)
        givenUp = Counter(label: "job_scheduler_webhook_events_given_up_total", dimensions: dimensions)
        dropped = Counter(label: "job_scheduler_webhook_events_dropped_total", dimensions: dimensions)
        queueDepth = Gauge(label: "job_scheduler_webhook_queue_depth", dimensions: dimensions)
    }
}
