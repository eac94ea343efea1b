import Foundation

/// Where a job's webhook goes and how it is delivered.
public struct WebhookSettings: Sendable {
    /// radixconfig's `notifications.webhook` (already validated: a sibling's host and port).
    public var url: URL
    /// Signs each delivery (`webhook-signature`) when given.
    public var secret: WebhookSecret?
    /// One attempt's limit, connection and answer included.
    public var timeout: Duration
    public var retry: WebhookRetryPolicy
    /// Events kept waiting at most; more are dropped (and counted).
    public var queueCapacity: Int
    /// Attempts under way at once (each to a different job or batch).
    public var concurrency: Int
    /// Addresses to send to for host names, as curl's `--resolve` does (a scheduler run outside the
    /// application's network reaching a sibling published on this machine).
    public var hostAddresses: [String: String]

    public init(url: URL, secret: WebhookSecret? = nil, timeout: Duration = .seconds(10), retry: WebhookRetryPolicy = WebhookRetryPolicy(),
                queueCapacity: Int = 10_000, concurrency: Int = 4, hostAddresses: [String: String] = [:]) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.retry = retry
        self.queueCapacity = queueCapacity
        self.concurrency = concurrency
        self.hostAddresses = hostAddresses
    }
}
