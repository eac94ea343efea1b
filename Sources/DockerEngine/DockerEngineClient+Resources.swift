import Foundation

/// A named volume, as the engine lists it.
public struct VolumeSummary: Sendable, Decodable, Equatable {
    public var name: String
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey { case name = "Name", labels = "Labels" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}

/// The size and mode of a path inside a container (the archive stat header).
public struct PathStat: Sendable, Decodable, Equatable {
    public var name: String
    public var size: Int64
    public var mode: UInt32
    /// When the file last changed (the container's clock, which is the engine host's).
    public var modified: Date?

    enum CodingKeys: String, CodingKey { case name, size, mode, mtime }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        size = try container.decode(Int64.self, forKey: .size)
        mode = try container.decode(UInt32.self, forKey: .mode)
        modified = EngineTimestamp.parse(try container.decodeIfPresent(String.self, forKey: .mtime))
    }
}

extension DockerEngineClient {
    // MARK: - Volumes (small labelled records that outlive the scheduler)

    /// Creates a named volume; creating one that exists is not an error.
    public func createVolume(name: String, labels: [String: String]) async throws {
        struct Body: Encodable {
            var Name: String
            var Labels: [String: String]
        }
        try await perform(request(.post, "/volumes/create", headers: Self.jsonHeaders, body: try Self.encode(Body(Name: name, Labels: labels))))
    }

    public func listVolumes(labels: [String]) async throws -> [VolumeSummary] {
        struct List: Decodable { var Volumes: [VolumeSummary]? }
        let query: [(String, String?)] = [("filters", labels.isEmpty ? nil : encodeFilters(["label": labels]))]
        return try decode(List.self, from: try await perform(request(.get, "/volumes", query: query))).Volumes ?? []
    }

    /// Removes a volume; a missing one is `.notFound`.
    public func removeVolume(name: String, force: Bool = false) async throws {
        try await perform(request(.delete, "/volumes/\(percentEncoded(name))", query: [("force", force ? "true" : "false")]))
    }

    // MARK: - Networks

    /// Whether a network of that name or ID exists.
    public func networkExists(_ name: String) async throws -> Bool {
        do {
            try await perform(request(.get, "/networks/\(percentEncoded(name))"))
            return true
        } catch DockerEngineError.notFound {
            return false
        }
    }

    /// Creates a bridge network with labels.
    public func createNetwork(name: String, labels: [String: String] = [:]) async throws {
        struct Body: Encodable {
            var Name: String
            var Driver = "bridge"
            var Labels: [String: String]
            var CheckDuplicate = true
        }
        try await perform(request(.post, "/networks/create", headers: Self.jsonHeaders, body: try Self.encode(Body(Name: name, Labels: labels))))
    }

    public func removeNetwork(_ name: String) async throws {
        try await perform(request(.delete, "/networks/\(percentEncoded(name))"))
    }

    // MARK: - Containers, continued

    /// Stat of a path in a container (running or not); `.notFound` when the path does not exist.
    public func statPath(_ id: String, path: String) async throws -> PathStat {
        let response = try await perform(request(.head, "/containers/\(percentEncoded(id))/archive", query: [("path", path)]))
        guard let header = response.head.header("x-docker-container-path-stat"),
              let data = Data(base64Encoded: header),
              let stat = try? JSONDecoder.engine.decode(PathStat.self, from: data) else {
            throw DockerEngineError.invalidResponse("archive stat without a readable X-Docker-Container-Path-Stat header")
        }
        return stat
    }

    /// Changes a running container's CPU and memory bounds; nil leaves one as it is (the engine cannot
    /// take a bound away this way). A memory limit gets swap of the same size, as at creation.
    public func updateResources(_ id: String, nanoCPUs: Int64?, cpuShares: Int64?, memoryBytes: Int64?, memoryReservationBytes: Int64?) async throws {
        struct Body: Encodable {
            var NanoCpus: Int64?
            var CpuShares: Int64?
            var Memory: Int64?
            var MemorySwap: Int64?
            var MemoryReservation: Int64?
        }
        try await update(id, Body(NanoCpus: nanoCPUs, CpuShares: cpuShares, Memory: memoryBytes, MemorySwap: memoryBytes.map { $0 * 2 },
                                  MemoryReservation: memoryReservationBytes))
    }

    /// Changes a container's restart policy (for example to stop the engine retrying a job).
    public func updateRestartPolicy(_ id: String, to policy: ContainerSpec.RestartPolicy) async throws {
        struct Body: Encodable { var RestartPolicy: ContainerSpec.RestartPolicy }
        try await update(id, Body(RestartPolicy: policy))
    }

    /// `POST /containers/{id}/update` with what is to change.
    private func update(_ id: String, _ body: some Encodable) async throws {
        try await perform(request(.post, "/containers/\(percentEncoded(id))/update", headers: Self.jsonHeaders, body: try Self.encode(body)))
    }
}
