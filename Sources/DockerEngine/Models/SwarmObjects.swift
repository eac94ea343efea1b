import Foundation

/// A service as the swarm reports it: its spec, the version an update must name, and its jobs' iteration.
public struct ServiceDetails: Sendable, Decodable, Equatable {
    public var id: String
    public var version: UInt64
    public var createdAt: Date?
    /// When its spec last changed (a stop's park, a start).
    public var updatedAt: Date?
    public var spec: ServiceSpec
    /// Which run of a job service is the current one (each forced update starts the next).
    public var jobIteration: UInt64?

    enum CodingKeys: String, CodingKey { case id = "ID", version = "Version", createdAt = "CreatedAt", updatedAt = "UpdatedAt", spec = "Spec", jobStatus = "JobStatus" }
    struct Version: Decodable { var Index: UInt64 }
    /// (An iteration that has not begun is `{}`.)
    struct Iteration: Decodable { var Index: UInt64? }
    struct JobStatus: Decodable { var JobIteration: Iteration? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decode(Version.self, forKey: .version).Index
        createdAt = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .createdAt))
        updatedAt = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .updatedAt))
        spec = try container.decode(ServiceSpec.self, forKey: .spec)
        jobIteration = try container.decodeIfPresent(JobStatus.self, forKey: .jobStatus)?.JobIteration?.Index
    }
}

/// One task of a service: a container the swarm placed (or tries to place) on a node.
public struct SwarmTask: Sendable, Decodable, Equatable {
    /// The states a task goes through, in order; `complete`, `failed`, `shutdown`, `rejected`,
    /// `orphaned` and `remove` are final.
    public enum State: String, Sendable, Decodable {
        case new, allocated, pending, assigned, accepted, preparing, ready, starting, running
        case complete, shutdown, failed, rejected, remove, orphaned
        case unknown

        public init(from decoder: any Decoder) throws {
            self = State(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .unknown
        }
    }

    public var id: String
    public var serviceID: String
    public var nodeID: String?
    /// The labels of the task's container (its service's own are matched by a task list's `label` filter).
    public var containerLabels: [String: String]
    public var image: String
    public var createdAt: Date?
    public var state: State
    public var desiredState: State
    /// When the task reached its current state.
    public var stateSince: Date?
    public var message: String
    /// Why the task failed or cannot be placed (`no suitable node (insufficient resources on 3 nodes)`).
    public var error: String
    public var containerID: String?
    public var exitCode: Int?
    /// The job run this task belongs to (see `ServiceDetails.jobIteration`).
    public var jobIteration: UInt64?

    enum CodingKeys: String, CodingKey {
        case id = "ID", serviceID = "ServiceID", nodeID = "NodeID", spec = "Spec", createdAt = "CreatedAt", status = "Status"
        case desiredState = "DesiredState", jobIteration = "JobIteration"
    }
    struct Status: Decodable {
        var Timestamp: String?
        var State: SwarmTask.State
        var Message: String?
        var Err: String?
        var ContainerStatus: ContainerStatus?
    }
    struct ContainerStatus: Decodable {
        var ContainerID: String?
        var ExitCode: Int?
    }
    struct Version: Decodable { var Index: UInt64? }
    struct Spec: Decodable {
        struct ContainerSpec: Decodable {
            var Image: String?
            var Labels: [String: String]?
        }
        var ContainerSpec: ContainerSpec?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        serviceID = try container.decode(String.self, forKey: .serviceID)
        let node = try container.decodeIfPresent(String.self, forKey: .nodeID)
        nodeID = node?.isEmpty == false ? node : nil
        let spec = try container.decodeIfPresent(Spec.self, forKey: .spec)?.ContainerSpec
        containerLabels = spec?.Labels ?? [:]
        image = spec?.Image ?? ""
        createdAt = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .createdAt))
        let status = try container.decode(Status.self, forKey: .status)
        state = status.State
        stateSince = EngineTimestamp.parse(status.Timestamp)
        message = status.Message ?? ""
        error = status.Err ?? ""
        let containerID = status.ContainerStatus?.ContainerID
        self.containerID = containerID?.isEmpty == false ? containerID : nil
        exitCode = status.ContainerStatus?.ExitCode
        desiredState = try container.decode(State.self, forKey: .desiredState)
        jobIteration = try container.decodeIfPresent(Version.self, forKey: .jobIteration)?.Index ?? nil
    }
}

/// A node of the swarm, as the manager sees it.
public struct SwarmNode: Sendable, Decodable, Equatable {
    public var id: String
    public var hostname: String
    public var address: String
    /// `ready`, `down`, `disconnected` or `unknown`.
    public var state: String
    public var labels: [String: String]
    /// When the node last changed (its state, say).
    public var updatedAt: Date?

    enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec", description = "Description", status = "Status", updatedAt = "UpdatedAt" }
    struct Spec: Decodable { var Labels: [String: String]? }
    struct Description: Decodable { var Hostname: String? }
    struct Status: Decodable {
        var State: String?
        var Addr: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        labels = try container.decodeIfPresent(Spec.self, forKey: .spec)?.Labels ?? [:]
        hostname = try container.decodeIfPresent(Description.self, forKey: .description)?.Hostname ?? ""
        let status = try container.decodeIfPresent(Status.self, forKey: .status)
        state = status?.State ?? "unknown"
        address = status?.Addr ?? ""
        updatedAt = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .updatedAt))
    }
}

/// A swarm config (a small file the swarm hands to tasks), as listed: no data, its name and labels.
public struct SwarmConfigSummary: Sendable, Decodable, Equatable {
    public var id: String
    public var name: String
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec" }
    struct Spec: Decodable {
        var Name: String
        var Labels: [String: String]?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        let spec = try container.decode(Spec.self, forKey: .spec)
        name = spec.Name
        labels = spec.Labels ?? [:]
    }
}
