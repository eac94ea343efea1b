/// Where the engine listens. Only Unix sockets are supported: the scheduler talks to the engine of
/// the machine it runs on.
public struct DockerHost: Sendable, Equatable, CustomStringConvertible {
    public static let defaultSocketPath = "/var/run/docker.sock"

    public var socketPath: String

    public init(socketPath: String) { self.socketPath = socketPath }

    /// Parses a `DOCKER_HOST` value (`unix:///path`, or a bare absolute path).
    public init(dockerHost value: String) throws {
        if value.hasPrefix("unix://") {
            socketPath = String(value.dropFirst("unix://".count))
        } else if value.hasPrefix("/") {
            socketPath = value
        } else {
            throw DockerHostError.unsupported(value)
        }
        guard socketPath.hasPrefix("/") else { throw DockerHostError.unsupported(value) }
    }

    /// `DOCKER_HOST` from the environment, or the default socket.
    public static func fromEnvironment(_ environment: [String: String]) throws -> DockerHost {
        guard let value = environment["DOCKER_HOST"], !value.isEmpty else { return DockerHost(socketPath: defaultSocketPath) }
        return try DockerHost(dockerHost: value)
    }

    public var description: String { "unix://" + socketPath }
}

public enum DockerHostError: Error, Equatable, CustomStringConvertible {
    case unsupported(String)

    public var description: String {
        switch self {
        case .unsupported(let value): "DOCKER_HOST=\(value) is not supported: use unix:///path/to/docker.sock"
        }
    }
}
