import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
@_exported import OpenAPIRuntime
import OpenAPIURLSession

// The generated `Client` (every operation of swagger.json as an async method), `Components` (its
// schemas) and `Operations` (each operation's input and output) are this module's public API; this
// file adds a way to make a client for a scheduler's URL.

extension Client {
    /// A client of the scheduler that answers at `baseURL`, the root of its port (for example
    /// `http://compute:8000`; a URL ending in the API's base path `/api/v1` is taken as well).
    ///
    /// ```swift
    /// let scheduler = try Client.make(baseURL: URL(string: "http://localhost:8000")!)
    /// let job = try await scheduler.createJob(body: .json(.init(payload: #"{"x": 1}"#))).ok.body.json
    /// ```
    ///
    /// - Parameters:
    ///   - session: The URLSession requests go through. Its request timeout bounds every answer, so a
    ///     session for following logs (`getJobLogs` with `follow`) needs a long one.
    ///   - middlewares: Client middlewares (authentication, logging), outermost first.
    public static func make(
        baseURL: URL,
        session: URLSession = .shared,
        middlewares: [any ClientMiddleware] = []
    ) throws -> Client {
        Client(
            serverURL: try JobSchedulerURL.serverURL(for: baseURL),
            configuration: Configuration(dateTranscoder: .iso8601),
            transport: URLSessionTransport(configuration: .init(session: session)),
            middlewares: middlewares
        )
    }

    /// Like `make(baseURL:)`, from text such as `http://localhost:8000` or `localhost:8000`.
    public static func make(
        baseURL text: String,
        session: URLSession = .shared,
        middlewares: [any ClientMiddleware] = []
    ) throws -> Client {
        try make(baseURL: try JobSchedulerURL.parse(text), session: session, middlewares: middlewares)
    }
}

/// Sends a scheduler's bearer token with every request (`Authorization: Bearer <token>`), for a
/// scheduler started with `--token-file`:
///
/// ```swift
/// let scheduler = try Client.make(baseURL: url, middlewares: [BearerToken(token)])
/// ```
public struct BearerToken: ClientMiddleware {
    private let value: String

    /// The token as a file holds it: surrounding whitespace (a last newline) is not part of it.
    public init(_ token: String) {
        value = "Bearer " + token.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                          next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = value
        return try await next(request, body, baseURL)
    }
}

/// A scheduler URL that cannot be used.
public struct InvalidSchedulerURL: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var description: String { "not a scheduler URL (http://HOST:PORT): \(url)" }
}

/// Turns what a user gives as the scheduler's URL into the URL the generated client needs.
public enum JobSchedulerURL {
    /// Where the jobs API lives on a scheduler's port, as in Radix.
    public static let jobsAPIBasePath = "/api/v1"

    /// `http://host:port` for `host:port`, and the URL itself when it has a scheme.
    public static func parse(_ text: String) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let url = URL(string: withScheme), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw InvalidSchedulerURL(url: text)
        }
        return url
    }

    /// The root of the scheduler's port followed by the document's server path, without a trailing
    /// slash (the transport appends each operation's path as it is).
    public static func serverURL(for baseURL: URL) throws -> URL {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: true), components.host != nil else {
            throw InvalidSchedulerURL(url: baseURL.absoluteString)
        }
        let serverPath = try Servers.Server1.url().path
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        // A URL of the jobs API itself (what Radix clients are configured with) names the same port.
        if path.hasSuffix(jobsAPIBasePath) { path.removeLast(jobsAPIBasePath.count) }
        let base = serverPath == "/" ? "" : serverPath
        if !base.isEmpty, path.hasSuffix(base) { path.removeLast(base.count) }
        components.path = path + base
        components.query = nil
        components.fragment = nil
        guard let url = components.url else { throw InvalidSchedulerURL(url: baseURL.absoluteString) }
        return url
    }
}
