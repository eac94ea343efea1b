/// What a new container is made of: the body of `POST /containers/create`, in Swift names.
public struct ContainerSpec: Sendable, Equatable, Encodable {
    public var image: String
    public var hostname: String?
    public var labels: [String: String]
    /// `NAME=value` pairs, as the engine takes them.
    public var environment: [String]
    /// Replaces the image's CMD when set.
    public var command: [String]?
    /// Replaces the image's ENTRYPOINT when set.
    public var entrypoint: [String]?
    public var workingDirectory: String?
    public var user: String?
    public var tty: Bool
    /// Stdin stays open for an attach stream (opened before the start) to write to.
    public var openStdin = false
    /// Container ports to expose, like `3000/tcp`.
    public var exposedPorts: [String]
    public var host: HostSettings
    /// Network to join at creation, with the extra DNS names the container gets there.
    public var network: NetworkAttachment?

    public init(image: String, hostname: String? = nil, labels: [String: String] = [:], environment: [String] = [],
                command: [String]? = nil, entrypoint: [String]? = nil, workingDirectory: String? = nil,
                user: String? = nil, tty: Bool = false, exposedPorts: [String] = [],
                host: HostSettings = HostSettings(), network: NetworkAttachment? = nil) {
        self.image = image
        self.hostname = hostname
        self.labels = labels
        self.environment = environment
        self.command = command
        self.entrypoint = entrypoint
        self.workingDirectory = workingDirectory
        self.user = user
        self.tty = tty
        self.exposedPorts = exposedPorts
        self.host = host
        self.network = network
    }

    public struct NetworkAttachment: Sendable, Equatable {
        public var name: String
        public var aliases: [String]
        public init(name: String, aliases: [String] = []) {
            self.name = name
            self.aliases = aliases
        }
    }

    /// The subset of the engine's HostConfig a job scheduler needs.
    public struct HostSettings: Sendable, Equatable, Encodable {
        /// CPU limit in units of 1e-9 CPUs.
        public var nanoCPUs: Int64?
        /// Memory limit in bytes.
        public var memoryBytes: Int64?
        /// Soft memory limit in bytes: what the job asked to have reserved.
        public var memoryReservationBytes: Int64?
        /// Relative CPU weight (1024 = one CPU's worth), used for CPU requests.
        public var cpuShares: Int64?
        public var networkMode: String?
        public var restartPolicy: RestartPolicy
        public var securityOptions: [String]
        public var readOnlyRootFilesystem: Bool
        public var autoRemove: Bool
        /// Runs a tiny init as PID 1, so signals reach the job and zombies are reaped.
        public var initProcess: Bool?
        /// Volumes mounted in the container, as `name:/path`.
        public var binds: [String]?

        public init(nanoCPUs: Int64? = nil, memoryBytes: Int64? = nil, memoryReservationBytes: Int64? = nil,
                    cpuShares: Int64? = nil, networkMode: String? = nil, restartPolicy: RestartPolicy = .no,
                    securityOptions: [String] = [], readOnlyRootFilesystem: Bool = false, autoRemove: Bool = false,
                    initProcess: Bool? = nil, binds: [String]? = nil) {
            self.binds = binds
            self.nanoCPUs = nanoCPUs
            self.memoryBytes = memoryBytes
            self.memoryReservationBytes = memoryReservationBytes
            self.cpuShares = cpuShares
            self.networkMode = networkMode
            self.restartPolicy = restartPolicy
            self.securityOptions = securityOptions
            self.readOnlyRootFilesystem = readOnlyRootFilesystem
            self.autoRemove = autoRemove
            self.initProcess = initProcess
        }

        enum CodingKeys: String, CodingKey {
            case nanoCPUs = "NanoCpus", memoryBytes = "Memory", memoryReservationBytes = "MemoryReservation"
            case cpuShares = "CpuShares", networkMode = "NetworkMode", restartPolicy = "RestartPolicy"
            case securityOptions = "SecurityOpt", readOnlyRootFilesystem = "ReadonlyRootfs", autoRemove = "AutoRemove"
            case initProcess = "Init", binds = "Binds"
        }
    }

    public enum RestartPolicy: Sendable, Equatable, Encodable {
        case no, always, unlessStopped
        case onFailure(maximumRetries: Int)

        enum CodingKeys: String, CodingKey { case name = "Name", maximumRetryCount = "MaximumRetryCount" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .no: try container.encode("no", forKey: .name)
            case .always: try container.encode("always", forKey: .name)
            case .unlessStopped: try container.encode("unless-stopped", forKey: .name)
            case .onFailure(let retries):
                try container.encode("on-failure", forKey: .name)
                try container.encode(retries, forKey: .maximumRetryCount)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", hostname = "Hostname", labels = "Labels", environment = "Env", command = "Cmd"
        case entrypoint = "Entrypoint", workingDirectory = "WorkingDir", user = "User", tty = "Tty"
        case exposedPorts = "ExposedPorts", host = "HostConfig", networking = "NetworkingConfig"
        case openStdin = "OpenStdin", attachStdin = "AttachStdin"
    }

    private struct Empty: Encodable {}
    private struct EndpointSettings: Encodable {
        var aliases: [String]
        enum CodingKeys: String, CodingKey { case aliases = "Aliases" }
    }
    private struct NetworkingConfig: Encodable {
        var endpoints: [String: EndpointSettings]
        enum CodingKeys: String, CodingKey { case endpoints = "EndpointsConfig" }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encodeIfPresent(hostname, forKey: .hostname)
        try container.encode(labels, forKey: .labels)
        try container.encode(environment, forKey: .environment)
        try container.encodeIfPresent(command, forKey: .command)
        try container.encodeIfPresent(entrypoint, forKey: .entrypoint)
        try container.encodeIfPresent(workingDirectory, forKey: .workingDirectory)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encode(tty, forKey: .tty)
        if openStdin {
            try container.encode(true, forKey: .openStdin)
            try container.encode(true, forKey: .attachStdin)
        }
        try container.encode(Dictionary(uniqueKeysWithValues: exposedPorts.map { ($0, Empty()) }), forKey: .exposedPorts)
        try container.encode(host, forKey: .host)
        if let network {
            let endpoints = [network.name: EndpointSettings(aliases: network.aliases)]
            try container.encode(NetworkingConfig(endpoints: endpoints), forKey: .networking)
        }
    }
}

/// The answer to a container create.
public struct ContainerCreated: Sendable, Decodable {
    public var id: String
    public var warnings: [String]

    enum CodingKeys: String, CodingKey { case id = "Id", warnings = "Warnings" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }
}
