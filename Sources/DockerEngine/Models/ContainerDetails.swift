import Foundation

/// What `GET /containers/{id}/json` tells about a container, in the parts a scheduler uses.
public struct ContainerDetails: Sendable, Decodable {
    public var id: String
    /// Without the leading slash the engine puts there.
    public var name: String
    public var created: Date?
    /// The image ID (`sha256:...`) the container runs.
    public var imageID: String
    public var restartCount: Int
    public var state: ContainerState
    public var config: Config
    /// Networks the container is attached to, by name, with its address on each.
    public var networks: [String: String]

    public struct Config: Sendable, Decodable {
        public var image: String
        public var hostname: String?
        public var labels: [String: String]
        public var environment: [String]
        public var command: [String]?
        public var tty: Bool
        public var exposedPorts: [String]

        enum CodingKeys: String, CodingKey {
            case image = "Image", hostname = "Hostname", labels = "Labels", environment = "Env", command = "Cmd"
            case tty = "Tty", exposedPorts = "ExposedPorts"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
            hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
            labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
            environment = try container.decodeIfPresent([String].self, forKey: .environment) ?? []
            command = try container.decodeIfPresent([String].self, forKey: .command)
            tty = try container.decodeIfPresent(Bool.self, forKey: .tty) ?? false
            exposedPorts = try container.decodeIfPresent([String: AnyEmpty].self, forKey: .exposedPorts).map { Array($0.keys).sorted() } ?? []
        }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", imageID = "Image", restartCount = "RestartCount"
        case state = "State", config = "Config", networkSettings = "NetworkSettings"
    }

    private struct NetworkSettings: Decodable {
        var networks: [String: Endpoint]?
        struct Endpoint: Decodable {
            var ipAddress: String?
            enum CodingKeys: String, CodingKey { case ipAddress = "IPAddress" }
        }
        enum CodingKeys: String, CodingKey { case networks = "Networks" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        let rawName = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        created = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .created))
        imageID = try container.decodeIfPresent(String.self, forKey: .imageID) ?? ""
        restartCount = try container.decodeIfPresent(Int.self, forKey: .restartCount) ?? 0
        state = try container.decode(ContainerState.self, forKey: .state)
        config = try container.decode(Config.self, forKey: .config)
        let settings = try container.decodeIfPresent(NetworkSettings.self, forKey: .networkSettings)
        networks = (settings?.networks ?? [:]).mapValues { $0.ipAddress ?? "" }
    }
}

/// A container's run state, as the engine reports it.
public struct ContainerState: Sendable, Decodable, Equatable {
    public enum Status: String, Sendable, Decodable {
        case created, running, paused, restarting, removing, exited, dead
    }

    public var status: Status
    public var running: Bool
    public var oomKilled: Bool
    public var exitCode: Int
    public var error: String
    public var startedAt: Date?
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case status = "Status", running = "Running", oomKilled = "OOMKilled", exitCode = "ExitCode", error = "Error"
        case startedAt = "StartedAt", finishedAt = "FinishedAt"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(Status.self, forKey: .status)
        running = try container.decodeIfPresent(Bool.self, forKey: .running) ?? false
        oomKilled = try container.decodeIfPresent(Bool.self, forKey: .oomKilled) ?? false
        exitCode = try container.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
        error = try container.decodeIfPresent(String.self, forKey: .error) ?? ""
        startedAt = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .startedAt))
        finishedAt = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .finishedAt))
    }
}

/// One row of `GET /containers/json`.
public struct ContainerSummary: Sendable, Decodable {
    public var id: String
    /// Names without the leading slash.
    public var names: [String]
    public var image: String
    public var imageID: String
    public var created: Date
    public var state: ContainerState.Status?
    /// Human text such as `Exited (0) 3 seconds ago`.
    public var statusText: String
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", imageID = "ImageID", created = "Created", state = "State"
        case statusText = "Status", labels = "Labels"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        names = (try container.decodeIfPresent([String].self, forKey: .names) ?? []).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
        imageID = try container.decodeIfPresent(String.self, forKey: .imageID) ?? ""
        created = Date(timeIntervalSince1970: TimeInterval(try container.decodeIfPresent(Int64.self, forKey: .created) ?? 0))
        state = try container.decodeIfPresent(String.self, forKey: .state).flatMap(ContainerState.Status.init(rawValue:))
        statusText = try container.decodeIfPresent(String.self, forKey: .statusText) ?? ""
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}

/// Decodes any JSON object while ignoring its content (the engine's `{}` placeholders).
struct AnyEmpty: Decodable {}

/// The answer of `POST /containers/{id}/wait`.
public struct ContainerExit: Sendable, Decodable, Equatable {
    public var statusCode: Int
    /// Set when the engine could not wait (for example the container was removed meanwhile).
    public var errorMessage: String?

    enum CodingKeys: String, CodingKey { case statusCode = "StatusCode", error = "Error" }
    private struct ErrorBody: Decodable {
        var message: String?
        enum CodingKeys: String, CodingKey { case message = "Message" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        statusCode = try container.decode(Int.self, forKey: .statusCode)
        let message = try container.decodeIfPresent(ErrorBody.self, forKey: .error)?.message
        errorMessage = (message?.isEmpty ?? true) ? nil : message
    }
}
