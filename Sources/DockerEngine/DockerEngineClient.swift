import Foundation

/// A client for the Docker Engine API on a Unix socket. Every call is `async` and many may be in
/// flight at once; the transfers themselves run on libcurl's dedicated thread.
public struct DockerEngineClient: Sendable {
    /// The API version this client speaks; engines from Docker 20.10 on understand it.
    public static let defaultAPIVersion = "1.41"

    public let host: DockerHost
    public let apiVersion: String
    let transport: EngineTransport

    public init(host: DockerHost = DockerHost(socketPath: DockerHost.defaultSocketPath), apiVersion: String = defaultAPIVersion) {
        self.host = host
        self.apiVersion = apiVersion
        self.transport = EngineTransport(socketPath: host.socketPath)
    }

    // MARK: - Request helpers shared by the operations

    func request(_ method: EngineRequest.Method, _ path: String, query: [(String, String?)] = [],
                 headers: [String: String] = [:], body: [UInt8]? = nil, timeout: Duration? = .seconds(60)) -> EngineRequest {
        EngineRequest(method, "/v\(apiVersion)" + path, query: query, headers: headers, body: body, timeout: timeout)
    }

    /// Sends a request and fails on any status outside 2xx (and 304, which the engine uses for "already so").
    @discardableResult
    func perform(_ request: EngineRequest, accepting accepted: Set<Int> = []) async throws -> EngineResponse {
        let response = try await transport.send(request)
        let status = response.head.status
        guard (200..<300).contains(status) || accepted.contains(status) else {
            throw DockerEngineError.fromResponse(status: status, body: response.body)
        }
        return response
    }

    /// Opens a streaming request; an error status is read whole and thrown.
    func openStream(_ request: EngineRequest) async throws -> EngineStreamResponse {
        let response = try await transport.open(request)
        guard (200..<300).contains(response.head.status) else {
            var body: [UInt8] = []
            for try await chunk in response.body { body += chunk }
            throw DockerEngineError.fromResponse(status: response.head.status, body: body)
        }
        return response
    }

    func decode<T: Decodable>(_ type: T.Type, from response: EngineResponse) throws -> T {
        do {
            return try JSONDecoder.engine.decode(type, from: Data(response.body))
        } catch {
            throw DockerEngineError.invalidResponse("\(T.self): \(error)")
        }
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder.engine.encode(value))
    }

    static let jsonHeaders = ["Content-Type": "application/json"]

    // MARK: - System

    /// Checks that the engine answers, on a connection of its own: an engine shutting down stops taking
    /// new connections at once, and answers on its old ones for seconds more.
    public func ping() async throws {
        var ping = request(.get, "/_ping", timeout: .seconds(10))
        ping.freshConnection = true
        let response = try await perform(ping)
        guard String(decoding: response.body, as: UTF8.self) == "OK" else {
            throw DockerEngineError.invalidResponse("ping answered \(String(decoding: response.body, as: UTF8.self))")
        }
    }

    public func systemInfo() async throws -> EngineSystemInfo {
        try decode(EngineSystemInfo.self, from: try await perform(request(.get, "/info")))
    }

    public func version() async throws -> EngineVersion {
        try decode(EngineVersion.self, from: try await perform(request(.get, "/version")))
    }

    // MARK: - Images

    public func inspectImage(_ reference: String) async throws -> ImageDetails {
        try decode(ImageDetails.self, from: try await perform(request(.get, "/images/\(percentEncoded(reference))/json")))
    }
}
