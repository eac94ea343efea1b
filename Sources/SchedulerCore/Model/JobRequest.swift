import RadixConfig

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
    /// Replaces radixconfig's failure policy whole.
    public var failurePolicy: FailurePolicy?
    /// The user ID the job runs as, over radixconfig's `runAsUser` (else the image's user).
    public var runAsUser: Int64?
    /// Where the job may run (Radix's `runtime`): nodes labelled `nodetype=<nodeType>`, of this CPU architecture.
    public var nodeType: String?
    public var architecture: String?
    /// GPUs (Radix's `node`): the allowed types, comma-separated (`-type` excludes one), and how many.
    public var gpu: String?
    public var gpuCount: String?

    public init(payload: String? = nil, jobId: String? = nil, variables: [String: String]? = nil,
                requests: [String: String]? = nil, limits: [String: String]? = nil, timeLimitSeconds: Int? = nil,
                backoffLimit: Int? = nil, command: [String]? = nil, args: [String]? = nil, imageTagName: String? = nil,
                failurePolicy: FailurePolicy? = nil, runAsUser: Int64? = nil, nodeType: String? = nil, architecture: String? = nil,
                gpu: String? = nil, gpuCount: String? = nil) {
        self.gpu = gpu
        self.gpuCount = gpuCount
        self.runAsUser = runAsUser
        self.nodeType = nodeType
        self.architecture = architecture
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
        self.failurePolicy = failurePolicy
    }

    /// This job's request over a batch's defaults, as Radix merges them: variables and resources key by
    /// key, the job's value winning; any other field the job sets wins whole (lists and the failure
    /// policy included, an empty list too). The payload and ID are the job's own.
    public func merged(over defaults: JobRequest) -> JobRequest {
        func keyByKey(_ base: [String: String]?, _ own: [String: String]?) -> [String: String]? {
            guard let base else { return own }
            return base.merging(own ?? [:]) { _, job in job }
        }
        return JobRequest(payload: payload, jobId: jobId,
                          variables: keyByKey(defaults.variables, variables),
                          requests: keyByKey(defaults.requests, requests),
                          limits: keyByKey(defaults.limits, limits),
                          timeLimitSeconds: timeLimitSeconds ?? defaults.timeLimitSeconds,
                          backoffLimit: backoffLimit ?? defaults.backoffLimit,
                          command: command ?? defaults.command,
                          args: args ?? defaults.args,
                          imageTagName: imageTagName ?? defaults.imageTagName,
                          failurePolicy: failurePolicy ?? defaults.failurePolicy,
                          runAsUser: runAsUser ?? defaults.runAsUser,
                          nodeType: nodeType ?? defaults.nodeType,
                          architecture: architecture ?? defaults.architecture,
                          gpu: gpu ?? defaults.gpu,
                          gpuCount: gpuCount ?? defaults.gpuCount)
    }
}

/// What a caller asks for in `POST /batches`: jobs that run and are reported together.
public struct BatchRequest: Sendable, Equatable {
    /// The most jobs one batch may hold.
    public static let maximumJobs = 500

    /// The caller's own ID for the batch.
    public var batchId: String?
    public var jobs: [JobRequest]
    /// Overrides every job takes unless it sets its own (`defaultRadixJobComponentConfig`).
    public var defaults: JobRequest?

    public init(batchId: String? = nil, jobs: [JobRequest], defaults: JobRequest? = nil) {
        self.batchId = batchId
        self.jobs = jobs
        self.defaults = defaults
    }

    /// Each job's request with the defaults merged in.
    public var mergedJobs: [JobRequest] {
        guard let defaults else { return jobs }
        return jobs.map { $0.merged(over: defaults) }
    }
}
