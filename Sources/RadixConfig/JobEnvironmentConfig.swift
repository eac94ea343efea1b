/// A job's `environmentConfig[]` entry: values that replace or extend the job's own for
/// one environment. Nil/empty means "inherit from the job".
public struct JobEnvironmentConfig: Sendable, Hashable {
    public var environment: String
    public var variables: [String: String]
    public var resources: ResourceRequirements
    public var image: String?
    public var imageTagName: String?
    public var timeLimitSeconds: Int?
    public var backoffLimit: Int?
    public var command: [String]?
    public var args: [String]?
    public var notifications: JobNotifications?
    public var failurePolicy: FailurePolicy?
    public var batchStatusRules: [BatchStatusRule]?
    /// Replaces the job's `cron` whole.
    public var cron: JobCron?
    /// Each replaces the job's whole when given.
    public var runtime: RuntimeSelection?
    public var node: GPUSelection?
    public var extra: [String: YAMLValue]

    public init(environment: String, variables: [String: String] = [:],
                resources: ResourceRequirements = ResourceRequirements(),
                image: String? = nil, imageTagName: String? = nil,
                timeLimitSeconds: Int? = nil, backoffLimit: Int? = nil,
                command: [String]? = nil, args: [String]? = nil,
                notifications: JobNotifications? = nil, failurePolicy: FailurePolicy? = nil,
                batchStatusRules: [BatchStatusRule]? = nil, extra: [String: YAMLValue] = [:]) {
        self.environment = environment
        self.variables = variables
        self.resources = resources
        self.image = image
        self.imageTagName = imageTagName
        self.timeLimitSeconds = timeLimitSeconds
        self.backoffLimit = backoffLimit
        self.command = command
        self.args = args
        self.notifications = notifications
        self.failurePolicy = failurePolicy
        self.batchStatusRules = batchStatusRules
        self.extra = extra
    }
}
