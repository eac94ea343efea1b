import HTTPTypes
import OpenAPIRuntime

/// Prepares requests for the generated server code the way Radix's scheduler reads them:
/// - the body of an operation that takes one is read up to `limit` bytes (more is a 413), and read as
///   JSON whatever its `Content-Type` says (`curl -d` sends form encoding); an empty body is no body;
/// - operations without a body ignore whatever was sent, rather than failing on it;
/// - answers are always JSON, whatever `Accept` asked for.
struct RequestBodyMiddleware: ServerMiddleware {
    /// The largest request body read, in bytes.
    var limit: Int
    /// The operations whose body is read.
    var operationsWithBody: Set<String>
    /// Explains bodies the decoder rejects without saying why.
    var diagnosis: RequestBodyDiagnosis

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.accept] = nil
        guard operationsWithBody.contains(operationID), let body else {
            request.headerFields[.contentType] = nil
            return try await next(request, nil, metadata)
        }
        let bytes = try await collect(body)
        guard bytes.contains(where: { !Self.isJSONWhitespace($0) }) else {
            request.headerFields[.contentType] = nil
            return try await next(request, nil, metadata)
        }
        request.headerFields[.contentType] = "application/json"
        do {
            return try await next(request, HTTPBody(bytes), metadata)
        } catch let error as ServerError {
            // The decoder only says the data is not valid JSON: say what is wrong, and where.
            if let decoding = error.underlyingError as? DecodingError, case .dataCorrupted(let context) = decoding,
               context.codingPath.isEmpty, let problem = diagnosis.problem(in: bytes) {
                throw APIFailure(status: .unprocessableContent, reason: "Invalid", message: "invalid request body: \(problem)")
            }
            throw error
        }
    }

    private func collect(_ body: HTTPBody) async throws -> [UInt8] {
        if case .known(let length) = body.length, length > limit { throw RequestBodyTooLarge(limit: limit) }
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.count <= limit else { throw RequestBodyTooLarge(limit: limit) }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
