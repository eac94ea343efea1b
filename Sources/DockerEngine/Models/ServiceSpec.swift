/// What a swarm service is made of: the body of `POST /services/create` (and of an update), in Swift
/// names. Only what a job needs is modelled; it is read back from `GET /services/{id}` the same way,
/// so an update sends back everything the scheduler set.
public struct ServiceSpec: Sendable, Equatable, Codable {
    public var name: String
    public var labels: [String: String]
    public var taskTemplate: TaskTemplate
    public var mode: Mode
    /// How the service's name resolves on its networks: `vip` (a virtual IP, balanced by IPVS) or
    /// `dnsrr` (its tasks' own addresses); nil for the swarm's default, `vip`.
    public var endpointSpec: EndpointSpec?

    public init(name: String, labels: [String: String], taskTemplate: TaskTemplate, mode: Mode, endpointSpec: EndpointSpec? = nil) {
        self.name = name
        self.labels = labels
        self.taskTemplate = taskTemplate
        self.mode = mode
        self.endpointSpec = endpointSpec
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", labels = "Labels", taskTemplate = "TaskTemplate", mode = "Mode", endpointSpec = "EndpointSpec"
    }

    public struct EndpointSpec: Sendable, Equatable, Codable {
        public var mode: String

        public init(mode: String) { self.mode = mode }

        enum CodingKeys: String, CodingKey { case mode = "Mode" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        taskTemplate = try container.decode(TaskTemplate.self, forKey: .taskTemplate)
        mode = try container.decode(Mode.self, forKey: .mode)
        endpointSpec = try container.decodeIfPresent(EndpointSpec.self, forKey: .endpointSpec)
    }

    /// How many tasks the service runs. A job service runs `totalCompletions` tasks to completion,
    /// `maxConcurrent` at a time; each update that forces it runs them again (a new job iteration).
    public struct Mode: Sendable, Equatable, Codable {
        public var replicatedJob: ReplicatedJob?

        public init(replicatedJob: ReplicatedJob?) { self.replicatedJob = replicatedJob }

        enum CodingKeys: String, CodingKey { case replicatedJob = "ReplicatedJob" }

        public struct ReplicatedJob: Sendable, Equatable, Codable {
            public var maxConcurrent: Int
            public var totalCompletions: Int

            public init(maxConcurrent: Int, totalCompletions: Int) {
                self.maxConcurrent = maxConcurrent
                self.totalCompletions = totalCompletions
            }

            enum CodingKeys: String, CodingKey { case maxConcurrent = "MaxConcurrent", totalCompletions = "TotalCompletions" }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                maxConcurrent = try container.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? 0
                totalCompletions = try container.decodeIfPresent(Int.self, forKey: .totalCompletions) ?? 0
            }
        }
    }

    public struct TaskTemplate: Sendable, Equatable, Codable {
        public var containerSpec: ContainerSpec
        public var resources: Resources?
        public var restartPolicy: RestartPolicy?
        public var placement: Placement?
        public var networks: [NetworkAttachment]?
        /// Changed to make the swarm run the tasks again with an unchanged spec.
        public var forceUpdate: Int

        public init(containerSpec: ContainerSpec, resources: Resources? = nil, restartPolicy: RestartPolicy? = nil,
                    placement: Placement? = nil, networks: [NetworkAttachment]? = nil, forceUpdate: Int = 0) {
            self.containerSpec = containerSpec
            self.resources = resources
            self.restartPolicy = restartPolicy
            self.placement = placement
            self.networks = networks
            self.forceUpdate = forceUpdate
        }

        enum CodingKeys: String, CodingKey {
            case containerSpec = "ContainerSpec", resources = "Resources", restartPolicy = "RestartPolicy", placement = "Placement"
            case networks = "Networks", forceUpdate = "ForceUpdate"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            containerSpec = try container.decode(ContainerSpec.self, forKey: .containerSpec)
            resources = try container.decodeIfPresent(Resources.self, forKey: .resources)
            restartPolicy = try container.decodeIfPresent(RestartPolicy.self, forKey: .restartPolicy)
            placement = try container.decodeIfPresent(Placement.self, forKey: .placement)
            networks = try container.decodeIfPresent([NetworkAttachment].self, forKey: .networks)
            forceUpdate = try container.decodeIfPresent(Int.self, forKey: .forceUpdate) ?? 0
        }
    }

    public struct ContainerSpec: Sendable, Equatable, Codable {
        public var image: String
        public var labels: [String: String]?
        /// Replaces the image's ENTRYPOINT when set.
        public var command: [String]?
        /// Replaces the image's CMD when set.
        public var args: [String]?
        public var hostname: String?
        /// `NAME=value` pairs.
        public var environment: [String]?
        public var user: String?
        public var readOnly: Bool?
        /// Files from swarm configs, in place before the task's process starts.
        public var configs: [ConfigReference]?
        /// Files and folders of the node bound into the container.
        public var mounts: [Mount]?
        /// Between SIGTERM and SIGKILL when the task is shut down, in nanoseconds.
        public var stopGracePeriod: Int64?

        public init(image: String, labels: [String: String]? = nil, command: [String]? = nil, args: [String]? = nil,
                    hostname: String? = nil, environment: [String]? = nil, user: String? = nil, readOnly: Bool? = nil,
                    configs: [ConfigReference]? = nil, mounts: [Mount]? = nil, stopGracePeriod: Int64? = nil) {
            self.image = image
            self.labels = labels
            self.command = command
            self.args = args
            self.hostname = hostname
            self.environment = environment
            self.user = user
            self.readOnly = readOnly
            self.configs = configs
            self.mounts = mounts
            self.stopGracePeriod = stopGracePeriod
        }

        enum CodingKeys: String, CodingKey {
            case image = "Image", labels = "Labels", command = "Command", args = "Args", hostname = "Hostname", environment = "Env"
            case user = "User", readOnly = "ReadOnly", configs = "Configs", mounts = "Mounts", stopGracePeriod = "StopGracePeriod"
        }
    }

    /// A bind mount of a path on the node the task runs on.
    public struct Mount: Sendable, Equatable, Codable {
        public var type: String
        public var source: String
        public var target: String
        public var readOnly: Bool?

        public static func bind(_ source: String, at target: String, readOnly: Bool) -> Mount {
            Mount(type: "bind", source: source, target: target, readOnly: readOnly ? true : nil)
        }

        enum CodingKeys: String, CodingKey { case type = "Type", source = "Source", target = "Target", readOnly = "ReadOnly" }
    }

    /// A swarm config mounted as a file.
    public struct ConfigReference: Sendable, Equatable, Codable {
        public var file: File
        public var configID: String
        public var configName: String

        public init(file: File, configID: String, configName: String) {
            self.file = file
            self.configID = configID
            self.configName = configName
        }

        enum CodingKeys: String, CodingKey { case file = "File", configID = "ConfigID", configName = "ConfigName" }

        public struct File: Sendable, Equatable, Codable {
            /// An absolute path in the container.
            public var name: String
            public var uid: String
            public var gid: String
            public var mode: UInt32

            public init(name: String, uid: String = "0", gid: String = "0", mode: UInt32 = 0o444) {
                self.name = name
                self.uid = uid
                self.gid = gid
                self.mode = mode
            }

            enum CodingKeys: String, CodingKey { case name = "Name", uid = "UID", gid = "GID", mode = "Mode" }
        }
    }

    public struct Resources: Sendable, Equatable, Codable {
        public var limits: Amounts?
        /// What the swarm sets aside on the node it places the task on: it places it only where that fits.
        public var reservations: Amounts?

        public init(limits: Amounts? = nil, reservations: Amounts? = nil) {
            self.limits = limits
            self.reservations = reservations
        }

        enum CodingKeys: String, CodingKey { case limits = "Limits", reservations = "Reservations" }

        public struct Amounts: Sendable, Equatable, Codable {
            public var nanoCPUs: Int64?
            public var memoryBytes: Int64?
            /// Named resources a node advertises (`gpu`, say), by kind and count.
            public var genericResources: [GenericResource]?

            public init(nanoCPUs: Int64? = nil, memoryBytes: Int64? = nil, genericResources: [GenericResource]? = nil) {
                self.nanoCPUs = nanoCPUs
                self.memoryBytes = memoryBytes
                self.genericResources = genericResources
            }

            enum CodingKeys: String, CodingKey { case nanoCPUs = "NanoCPUs", memoryBytes = "MemoryBytes", genericResources = "GenericResources" }
        }

        public struct GenericResource: Sendable, Equatable, Codable {
            public var discreteResourceSpec: Discrete

            public init(kind: String, value: Int64) { discreteResourceSpec = Discrete(kind: kind, value: value) }

            enum CodingKeys: String, CodingKey { case discreteResourceSpec = "DiscreteResourceSpec" }

            public struct Discrete: Sendable, Equatable, Codable {
                public var kind: String
                public var value: Int64
                enum CodingKeys: String, CodingKey { case kind = "Kind", value = "Value" }
            }
        }
    }

    public struct RestartPolicy: Sendable, Equatable, Codable {
        /// `none`, `on-failure` or `any`.
        public var condition: String

        public init(condition: String) { self.condition = condition }

        enum CodingKeys: String, CodingKey { case condition = "Condition" }
    }

    public struct Placement: Sendable, Equatable, Codable {
        /// Like `node.labels.nodeType==gpu`.
        public var constraints: [String]?

        public init(constraints: [String]?) { self.constraints = constraints }

        enum CodingKeys: String, CodingKey { case constraints = "Constraints" }
    }

    public struct NetworkAttachment: Sendable, Equatable, Codable {
        public var target: String
        public var aliases: [String]?

        public init(target: String, aliases: [String]? = nil) {
            self.target = target
            self.aliases = aliases
        }

        enum CodingKeys: String, CodingKey { case target = "Target", aliases = "Aliases" }
    }
}
