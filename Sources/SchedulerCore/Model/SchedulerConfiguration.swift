import RadixConfig

/// How one job's scheduler behaves.
public struct SchedulerConfiguration: Sendable {
    public var applicationName: String
    /// The job's definition, resolved for the environment being served.
    public var job: ResolvedJob
    /// How many succeeded (stopped included) and how many failed jobs are kept, each.
    public var historyLimit: Int
    /// The Docker network job containers join, where siblings reach them by job name.
    public var network: String?
    /// Between the SIGTERM of a stop and the SIGKILL.
    public var stopGracePeriod: Duration
    /// The largest payload accepted, in bytes.
    public var payloadLimit: Int
    /// How many jobs run at once; the others wait in the order they were submitted. nil: no limit.
    public var maxRunning: Int?
    /// The engine's cores, when known: a CPU limit over them is refused (the engine would not start the job).
    public var engineCPUs: Int?
    /// Whether the jobs run on a swarm of nodes, where a request may choose the node's type and
    /// architecture (on one engine there is nothing to choose, and such a request is refused).
    public var choosesNodes = false

    public init(applicationName: String, job: ResolvedJob, historyLimit: Int = 10, network: String? = nil,
                stopGracePeriod: Duration = .seconds(30), payloadLimit: Int = 1_048_576, maxRunning: Int? = nil) {
        self.maxRunning = maxRunning
        self.applicationName = applicationName
        self.job = job
        self.historyLimit = historyLimit
        self.network = network
        self.stopGracePeriod = stopGracePeriod
        self.payloadLimit = payloadLimit
    }

    public var selector: JobSelector { JobSelector(applicationName: applicationName, jobComponent: job.name) }
}
