/// A job as it runs in one environment: the job's own values with that environment's
/// override applied and the documented defaults filled in. This is what the scheduler uses.
public struct ResolvedJob: Sendable, Hashable {
    public var name: String
    /// The environment resolved for; nil means the job's base values only.
    public var environment: String?
    public var src: String?
    public var dockerfileName: String?
    /// The image with `{imageTagName}` substituted when a tag name is known.
    public var image: String?
    /// The image as configured, `{imageTagName}` placeholder included: a request's tag fills it.
    public var imageTemplate: String?
    public var imageTagName: String?
    /// nil only for a job whose cron covers every environment: it serves no API.
    public var schedulerPort: Int?
    public var payloadPath: String?
    public var ports: [PortDefinition]
    public var variables: [String: String]
    public var resources: ResourceRequirements
    public var timeLimitSeconds: Int
    public var backoffLimit: Int
    public var command: [String]?
    public var args: [String]?
    public var notifications: JobNotifications?
    /// How failed attempts count against `backoffLimit`; nil counts every one.
    public var failurePolicy: FailurePolicy?
    /// Which status a batch of this job reports; empty for the default (Waiting, Active, Completed).
    public var batchStatusRules: [BatchStatusRule]
    /// How many of this job's jobs run at once; nil when radixconfig does not say.
    public var maxRunning: Int?
    /// How many containers are kept started ahead; nil when radixconfig does not say.
    public var warmPool: Int?
    /// A request's `jobId` (a batch's `batchId`) names one submission.
    public var uniqueJobIds = false
    /// The user ID the job's container runs as; nil: the image's user.
    public var runAsUser: Int64?
    /// The job's root filesystem is read-only (its payload still readable).
    public var readOnlyFileSystem = false
    /// When the job runs by itself (the environment's `cron`, else the job's).
    public var cron: JobCron?
    /// Which nodes may run it and the GPUs it needs: the defaults of a request's `runtime` and `node`.
    public var runtime: RuntimeSelection?
    public var node: GPUSelection?

    public init(name: String, environment: String? = nil, src: String? = nil,
                dockerfileName: String? = nil, image: String? = nil, imageTemplate: String? = nil, imageTagName: String? = nil,
                schedulerPort: Int?, payloadPath: String? = nil, ports: [PortDefinition] = [],
                variables: [String: String] = [:],
                resources: ResourceRequirements = ResourceRequirements(),
                timeLimitSeconds: Int = JobDefinition.defaultTimeLimitSeconds,
                backoffLimit: Int = JobDefinition.defaultBackoffLimit,
                command: [String]? = nil, args: [String]? = nil,
                notifications: JobNotifications? = nil, failurePolicy: FailurePolicy? = nil,
                batchStatusRules: [BatchStatusRule] = [], maxRunning: Int? = nil) {
        self.maxRunning = maxRunning
        self.name = name
        self.environment = environment
        self.src = src
        self.dockerfileName = dockerfileName
        self.image = image
        self.imageTemplate = imageTemplate ?? image
        self.imageTagName = imageTagName
        self.schedulerPort = schedulerPort
        self.payloadPath = payloadPath
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
    }

    /// True when the image still contains `{imageTagName}` because no tag name was set.
    public var hasUnresolvedImageTag: Bool {
        image.map(ImageTagPlaceholder.isPresent(in:)) ?? false
    }
}
