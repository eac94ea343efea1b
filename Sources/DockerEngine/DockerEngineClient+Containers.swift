import Foundation

extension DockerEngineClient {
    /// Creates a container (not started). `name` must be unique on the engine: a clash is `.conflict`.
    public func createContainer(name: String?, spec: ContainerSpec) async throws -> ContainerCreated {
        let request = request(.post, "/containers/create", query: [("name", name)],
                              headers: Self.jsonHeaders, body: try Self.encode(spec))
        return try decode(ContainerCreated.self, from: try await perform(request))
    }

    /// Starts a created or stopped container. Starting a running one is not an error: false says it ran already.
    @discardableResult
    public func startContainer(_ id: String) async throws -> Bool {
        // The engine sets containers' networks up one at a time (a lock per network, a synced write
        // each): under a burst of starts, one waits its turn well past a minute. Giving up then would
        // not stop the engine from doing it, only tell a caller it failed; so a start waits longer.
        try await perform(request(.post, "/containers/\(percentEncoded(id))/start", timeout: .seconds(600)), accepting: [304]).head.status != 304
    }

    public func inspectContainer(_ id: String) async throws -> ContainerDetails {
        try decode(ContainerDetails.self, from: try await perform(request(.get, "/containers/\(percentEncoded(id))/json")))
    }

    /// Lists containers; `labels` are `key` or `key=value` conditions that must all hold.
    public func listContainers(all: Bool = true, labels: [String] = [], names: [String] = []) async throws -> [ContainerSummary] {
        var filters: [String: [String]] = [:]
        if !labels.isEmpty { filters["label"] = labels }
        if !names.isEmpty { filters["name"] = names }
        let query: [(String, String?)] = [("all", all ? "true" : "false"), ("filters", filters.isEmpty ? nil : encodeFilters(filters))]
        return try decode([ContainerSummary].self, from: try await perform(request(.get, "/containers/json", query: query)))
    }

    /// Stops a container: SIGTERM (or its stop signal), then SIGKILL after `timeout` seconds.
    /// Returns false when it was not running.
    @discardableResult
    public func stopContainer(_ id: String, timeout seconds: Int? = nil) async throws -> Bool {
        let allowance = Duration.seconds((seconds ?? 10) + 30)
        let request = request(.post, "/containers/\(percentEncoded(id))/stop", query: [("t", seconds.map(String.init))], timeout: allowance)
        return try await perform(request, accepting: [304]).head.status != 304
    }

    /// Sends a signal. A container that is not running answers `.conflict`.
    public func killContainer(_ id: String, signal: String = "SIGKILL") async throws {
        try await perform(request(.post, "/containers/\(percentEncoded(id))/kill", query: [("signal", signal)]))
    }

    /// Removes a container; `force` kills it first if it runs.
    public func removeContainer(_ id: String, force: Bool = false, removeVolumes: Bool = true) async throws {
        let query: [(String, String?)] = [("force", force ? "true" : "false"), ("v", removeVolumes ? "true" : "false")]
        try await perform(request(.delete, "/containers/\(percentEncoded(id))", query: query))
    }

    /// Renames a container (running or not); the new name must be free: a clash is `.conflict`. On a
    /// user-defined network, the engine's DNS answers for the new name.
    public func renameContainer(_ id: String, to name: String) async throws {
        try await perform(request(.post, "/containers/\(percentEncoded(id))/rename", query: [("name", name)]))
    }

    /// Extracts a tar archive into a container's filesystem at `path` (which must exist in it).
    /// Works on created containers, so files can be in place before the process starts.
    public func uploadArchive(_ id: String, to path: String, archive: [UInt8]) async throws {
        let request = request(.put, "/containers/\(percentEncoded(id))/archive", query: [("path", path)],
                              headers: ["Content-Type": "application/x-tar"], body: archive)
        try await perform(request)
    }
}

/// When a wait on a container returns.
public enum WaitCondition: String, Sendable {
    /// The next time the container stops (set it up before `start`).
    case nextExit = "next-exit"
    /// As soon as the container is not running (at once if it is not).
    case notRunning = "not-running"
    /// When the container is removed.
    case removed
}

/// A wait the engine has registered: the exit it is waiting for cannot be missed anymore.
public struct ContainerWaiter: Sendable {
    let response: EngineStreamResponse

    /// Suspends until the container reaches the condition, and returns its exit code.
    public func exit() async throws -> ContainerExit {
        var body: [UInt8] = []
        for try await chunk in response.body { body += chunk }
        do {
            return try JSONDecoder.engine.decode(ContainerExit.self, from: Data(body))
        } catch {
            throw DockerEngineError.invalidResponse("wait: \(String(decoding: body, as: UTF8.self))")
        }
    }
}

extension DockerEngineClient {
    /// Registers a wait and returns as soon as the engine has it, before the container exits.
    /// Set up a `.nextExit` wait before `startContainer` and no exit is missed, however short the run.
    public func waitForContainer(_ id: String, condition: WaitCondition = .notRunning) async throws -> ContainerWaiter {
        let request = request(.post, "/containers/\(percentEncoded(id))/wait", query: [("condition", condition.rawValue)], timeout: nil)
        return ContainerWaiter(response: try await openStream(request))
    }
}
