/// What a caller asks for in `POST /jobs`: a payload, its own ID, and overrides of the job's
/// configuration. Everything is optional; nil keeps the configured value.
public struct JobRequest: Sendable, Equatable {
    /// Written verbatim to `<payload.path>/payload` in the container.
    public var payload: String?
    public var jobId: String?
    /// Merged over the configured variables, key by key.
    public var variables: [String: String]?
    /// `cpu` and `memory` quantities as strings (`500m`, `256Mi`), merged over the configured ones.
    public var requests: [String: String]?
    public var limits: [String: String]?
    public var timeLimitSeconds: Int?
    public var backoffLimit: Int?
    /// Replaces the image's ENTRYPOINT.
    public var command: [String]?
    /// Replaces the image's CMD.
    public var args: [String]?
    /// Fills the `{imageTagName}` placeholder of the configured image.
    public var imageTagName: String?

    public init(payload: String? = nil, jobId: String? = nil, variables: [String: String]? = nil,
                requests: [String: String]? = nil, limits: [String: String]? = nil, timeLimitSeconds: Int? = nil,
                backoffLimit: Int? = nil, command: [String]? = nil, args: [String]? = nil, imageTagName: String? = nil) {
        self.payload = payload
        self.jobId = jobId
        self.variables = variables
        self.requests = requests
        self.limits = limits
        self.timeLimitSeconds = timeLimitSeconds
        self.backoffLimit = backoffLimit
        self.command = command
        self.args = args
        self.imageTagName = imageTagName
    }
}
