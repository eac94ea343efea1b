import HTTPTypes
import OpenAPIRuntime

/// Completes the `Content-Type` of text answers, which the generated code sends as the contract's bare
/// `text/plain`: with the charset, and for `GET /metrics` the Prometheus text format's version.
struct TextContentTypeMiddleware: ServerMiddleware {
    /// The full content type of each operation's successful text answer.
    var contentTypes: [String: String]

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, responseBody) = try await next(request, body, metadata)
        if let contentType = contentTypes[operationID], response.headerFields[.contentType] == "text/plain" {
            response.headerFields[.contentType] = contentType
        }
        return (response, responseBody)
    }
}
