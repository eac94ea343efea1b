import AsyncHTTPClient
import Foundation
import HTTPTypes
import JobSchedulerClient
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// What the scheduler answered when it refused a request: its Radix Status body.
struct SchedulerRefusal: Error, CustomStringConvertible {
    var code: Int
    var reason: String?
    var message: String

    var description: String { "\(message) (\(code)\(reason.map { " \($0)" } ?? ""))" }
}

/// Turns every error answer into a `SchedulerRefusal` carrying the Status body's message, so each
/// command only handles success.
struct RefusalMiddleware: ClientMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var bytes = Data()
        if let responseBody { bytes = try await Data(collecting: responseBody, upTo: 1 << 20) }
        struct Status: Decodable { var message: String?; var reason: String? }
        let status = try? JSONDecoder().decode(Status.self, from: bytes)
        let message = status?.message ?? (String(data: bytes, encoding: .utf8).flatMap { $0.isEmpty ? nil : $0 } ?? response.status.reasonPhrase)
        throw SchedulerRefusal(code: response.status.code, reason: status?.reason, message: message)
    }
}

/// A client of one scheduler. AsyncHTTPClient is the transport because it streams bodies on Linux
/// (followed logs arrive as they are written).
struct SchedulerConnection {
    let client: Client
    private let httpClient: HTTPClient

    init(url: String, token: String? = nil) throws {
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        client = Client(
            serverURL: try JobSchedulerURL.serverURL(for: try JobSchedulerURL.parse(url)),
            configuration: Configuration(dateTranscoder: .iso8601),
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: .hours(24))),
            middlewares: [RefusalMiddleware()] + (token.map { [BearerToken($0)] } ?? [])
        )
    }

    func close() async {
        try? await httpClient.shutdown()
    }

    /// Runs `body` with a connection and always closes it.
    static func with<T>(url: String, token: String? = nil, _ body: (Client) async throws -> T) async throws -> T {
        let connection = try SchedulerConnection(url: url, token: token)
        do {
            let result = try await body(connection.client)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// Why a request to the scheduler failed, in one line: the transport's own error, without the OpenAPI
/// runtime's wrapping (the operation, its input, the request).
enum ConnectionFailure {
    static func line(_ error: any Error, url: String) -> String {
        let cause = (error as? ClientError)?.underlyingError ?? error
        if cause is DecodingError {
            return "\(url) answered, but not as a job scheduler does (\(String(describing: cause).prefix(200)))"
        }
        return "cannot reach the scheduler at \(url): \(describe(cause))"
    }

    private static func describe(_ cause: any Error) -> String {
        if let io = cause as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let http = cause as? HTTPClientError {
            switch http {
            case .connectTimeout: return "no connection within the time limit"
            case .remoteConnectionClosed: return "the connection was closed before an answer"
            case .readTimeout: return "no answer within the time limit"
            default: return "\(http)"
            }
        }
        return String(String(describing: cause).prefix(300))
    }
}
