/// An entry of `spec.jobs`: a short-lived container the job-scheduler starts on request.
/// Fields hold what the file says; defaults and environment overrides are applied by
/// `resolved(for:)`, so the file's intent stays inspectable.
public struct JobDefinition: Sendable, Hashable {
    public static let defaultTimeLimitSeconds = 43_200
    public static let defaultBackoffLimit = 0

    public var name: String
    public var src: String?
    public var dockerfileName: String?
    public var image: String?
    public var imageTagName: String?
    /// Port of this job's scheduler API (required by validation).
    /// nil only for a job whose cron covers every environment: it serves no API.
    public var schedulerPort: Int?
    public var payload: JobPayload?
    public var ports: [PortDefinition]
    public var variables: [String: String]
    public var resources: ResourceRequirements
    public var timeLimitSeconds: Int?
    public var backoffLimit: Int?
    public var command: [String]?
    public var args: [String]?
    public var notifications: JobNotifications?
    public var failurePolicy: FailurePolicy?
    /// Nil when not given; an environment's list replaces it whole.
    public var batchStatusRules: [BatchStatusRule]?
    /// How many of this job's jobs run at once (this scheduler's own key; Radix has none). Nil: the
    /// scheduler's `--max-running`, else no limit.
    public var maxRunning: Int?
    /// How many containers of this job are kept started ahead for submissions to take (this
    /// scheduler's own key; Radix has none). Nil: the scheduler's `--warm-pool`, else none.
    public var warmPool: Int?
    /// Each pooled container holds its image's waiter process and a network endpoint.
    public static let largestWarmPool = 32
    /// A request's `jobId` (a batch's `batchId`) names one submission: a repeated request answers the
    /// job it made (this scheduler's own key; Radix has none).
    public var uniqueJobIds = false
    /// The user ID the job's container runs as; nil: the image's user.
    public var runAsUser: Int64?
    /// The job's root filesystem is read-only (its payload still readable).
    public var readOnlyFileSystem = false
    /// When the job runs by itself; nil: only when asked through the API.
    public var cron: JobCron?
    /// Which nodes may run it (`runtime`) and the GPUs it needs (`node`); nil when not given.
    public var runtime: RuntimeSelection?
    public var node: GPUSelection?
    public var environmentConfig: [JobEnvironmentConfig]
    /// Keys this package does not model (cron, volumeMounts, ...), kept as written.
    public var extra: [String: YAMLValue]

    public init(name: String, src: String? = nil, dockerfileName: String? = nil,
                image: String? = nil, imageTagName: String? = nil, schedulerPort: Int?,
                payload: JobPayload? = nil, ports: [PortDefinition] = [],
                variables: [String: String] = [:],
                resources: ResourceRequirements = ResourceRequirements(),
                timeLimitSeconds: Int? = nil, backoffLimit: Int? = nil,
                command: [String]? = nil, args: [String]? = nil,
                notifications: JobNotifications? = nil,
                failurePolicy: FailurePolicy? = nil, batchStatusRules: [BatchStatusRule]? = nil,
                environmentConfig: [JobEnvironmentConfig] = [],
                extra: [String: YAMLValue] = [:]) {
        self.name = name
        self.src = src
        self.dockerfileName = dockerfileName
        self.image = image
        self.imageTagName = imageTagName
        self.schedulerPort = schedulerPort
        self.payload = payload
        self.ports = ports
        self.variables = variables
        self.resources = resources
        self.timeLimitSeconds = timeLimitSeconds
        self.backoffLimit = backoffLimit
        self.command = command
        self.args = args
        self.notifications = notifications
        self.failurePolicy = failurePolicy
        self.batchStatusRules = batchStatusRules
        self.environmentConfig = environmentConfig
        self.extra = extra
    }

    /// The override for `environment`, if the job has one.
    public func environmentConfig(for environment: String) -> JobEnvironmentConfig? {
        environmentConfig.first { $0.environment == environment }
    }
}
