/// `notifications:` of a job: the URL that receives job status changes.
public struct JobNotifications: Sendable, Hashable {
    public var webhook: String?
    public var extra: [String: YAMLValue]

    public init(webhook: String? = nil, extra: [String: YAMLValue] = [:]) {
        self.webhook = webhook
        self.extra = extra
    }
}
