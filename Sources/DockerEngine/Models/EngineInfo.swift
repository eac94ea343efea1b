import Foundation

/// `GET /version`: which engine answers, and the API versions it speaks.
public struct EngineVersion: Sendable, Decodable {
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String?
    public var os: String
    public var architecture: String
    public var kernelVersion: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion", os = "Os"
        case architecture = "Arch", kernelVersion = "KernelVersion"
    }
}

/// `GET /images/{name}/json`, in the parts a scheduler uses.
public struct ImageDetails: Sendable, Decodable {
    public var id: String
    public var repoTags: [String]
    public var created: Date?
    public var size: Int64
    public var command: [String]?
    public var entrypoint: [String]?
    public var environment: [String]
    public var user: String
    public var workingDirectory: String
    public var exposedPorts: [String]

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", created = "Created", size = "Size", config = "Config"
    }
    private enum ConfigKeys: String, CodingKey {
        case command = "Cmd", entrypoint = "Entrypoint", environment = "Env", user = "User", workingDirectory = "WorkingDir"
        case exposedPorts = "ExposedPorts"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        repoTags = try container.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        created = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .created))
        size = try container.decodeIfPresent(Int64.self, forKey: .size) ?? 0
        let config = try? container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        command = try config?.decodeIfPresent([String].self, forKey: .command)
        entrypoint = try config?.decodeIfPresent([String].self, forKey: .entrypoint)
        environment = try config?.decodeIfPresent([String].self, forKey: .environment) ?? []
        user = try config?.decodeIfPresent(String.self, forKey: .user) ?? ""
        workingDirectory = try config?.decodeIfPresent(String.self, forKey: .workingDirectory) ?? ""
        exposedPorts = try config?.decodeIfPresent([String: AnyEmpty].self, forKey: .exposedPorts).map { Array($0.keys).sorted() } ?? []
    }
}

/// What `GET /info` tells of the engine's host that the scheduler uses.
public struct EngineSystemInfo: Sendable, Decodable {
    /// The host's CPUs: the most a container's CPU limit may be.
    public var cpus: Int
    public var memoryBytes: Int64
    /// The engine manages a swarm (its API takes services).
    public var isSwarmManager: Bool

    enum CodingKeys: String, CodingKey { case cpus = "NCPU", memoryBytes = "MemTotal", swarm = "Swarm" }
    struct Swarm: Decodable {
        var LocalNodeState: String?
        var ControlAvailable: Bool?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cpus = try container.decode(Int.self, forKey: .cpus)
        memoryBytes = try container.decode(Int64.self, forKey: .memoryBytes)
        let swarm = try container.decodeIfPresent(Swarm.self, forKey: .swarm)
        isSwarmManager = swarm?.LocalNodeState == "active" && swarm?.ControlAvailable == true
    }
}
