import Foundation

/// The swarm's own objects, on a manager's socket: services (a job is one), their tasks, configs
/// (a job's payload file), nodes, and overlay networks.
extension DockerEngineClient {
    // MARK: - Services

    /// Creates a service; returns its ID. A name in use is `.conflict`.
    @discardableResult
    public func createService(_ spec: ServiceSpec) async throws -> String {
        struct Created: Decodable { var ID: String }
        let response = try await perform(request(.post, "/services/create", headers: Self.jsonHeaders, body: try Self.encode(spec)))
        return try decode(Created.self, from: response).ID
    }

    public func inspectService(_ id: String) async throws -> ServiceDetails {
        try decode(ServiceDetails.self, from: try await perform(request(.get, "/services/\(percentEncoded(id))")))
    }

    public func listServices(labels: [String]) async throws -> [ServiceDetails] {
        let query: [(String, String?)] = [("filters", labels.isEmpty ? nil : encodeFilters(["label": labels]))]
        return try decode([ServiceDetails].self, from: try await perform(request(.get, "/services", query: query)))
    }

    /// Replaces a service's spec; `version` is the one read with it: a change made meanwhile by anyone
    /// else makes this fail (an engine error "update out of sequence"), so nothing is overwritten blind.
    public func updateService(_ id: String, version: UInt64, spec: ServiceSpec) async throws {
        try await perform(request(.post, "/services/\(percentEncoded(id))/update", query: [("version", String(version))],
                                  headers: Self.jsonHeaders, body: try Self.encode(spec)))
    }

    /// Removes a service; its tasks are shut down (each with its grace period) by the swarm.
    public func removeService(_ id: String) async throws {
        try await perform(request(.delete, "/services/\(percentEncoded(id))"))
    }

    // MARK: - Tasks

    /// The tasks matching every filter (`service`, `label`, `desired-state`, `node`), all nodes'.
    public func listTasks(services: [String] = [], labels: [String] = [], desiredStates: [String] = []) async throws -> [SwarmTask] {
        var filters: [String: [String]] = [:]
        if !services.isEmpty { filters["service"] = services }
        if !labels.isEmpty { filters["label"] = labels }
        if !desiredStates.isEmpty { filters["desired-state"] = desiredStates }
        let query: [(String, String?)] = [("filters", filters.isEmpty ? nil : encodeFilters(filters))]
        return try decode([SwarmTask].self, from: try await perform(request(.get, "/tasks", query: query)))
    }

    // MARK: - Configs

    /// The most a config can hold (swarmkit's limit for configs and secrets).
    public static let maxConfigBytes = 500 * 1024

    /// Creates a config holding `data`; returns its ID. A name in use is `.conflict`.
    @discardableResult
    public func createConfig(name: String, labels: [String: String], data: [UInt8]) async throws -> String {
        struct Body: Encodable {
            var Name: String
            var Labels: [String: String]
            var Data: String
        }
        struct Created: Decodable { var ID: String }
        let body = Body(Name: name, Labels: labels, Data: Foundation.Data(data).base64EncodedString())
        let response = try await perform(request(.post, "/configs/create", headers: Self.jsonHeaders, body: try Self.encode(body)))
        return try decode(Created.self, from: response).ID
    }

    public func listConfigs(labels: [String]) async throws -> [SwarmConfigSummary] {
        let query: [(String, String?)] = [("filters", labels.isEmpty ? nil : encodeFilters(["label": labels]))]
        return try decode([SwarmConfigSummary].self, from: try await perform(request(.get, "/configs", query: query)))
    }

    /// Removes a config; one a service still uses is refused, a missing one `.notFound`.
    public func removeConfig(_ id: String) async throws {
        try await perform(request(.delete, "/configs/\(percentEncoded(id))"))
    }

    // MARK: - Nodes and networks

    public func listNodes() async throws -> [SwarmNode] {
        try decode([SwarmNode].self, from: try await perform(request(.get, "/nodes")))
    }

    /// Creates an attachable overlay network: tasks on any node join it, and so can plain containers.
    public func createOverlayNetwork(name: String, labels: [String: String] = [:]) async throws {
        struct Body: Encodable {
            var Name: String
            var Driver = "overlay"
            var Attachable = true
            var Labels: [String: String]
            var CheckDuplicate = true
        }
        try await perform(request(.post, "/networks/create", headers: Self.jsonHeaders, body: try Self.encode(Body(Name: name, Labels: labels))))
    }
}
