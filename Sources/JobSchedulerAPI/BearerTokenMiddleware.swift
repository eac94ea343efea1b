import Foundation
import HTTPTypes
import Hummingbird
import JobSchedulerConsole

/// Optional bearer-token authentication of the API (Saturn Cloud's job API takes a token header; Radix
/// has none, so it is off unless a token is given): every request but those to `openPaths` carries
/// `Authorization: Bearer <token>`. The token is compared in constant time and never logged.
public struct APIAuthentication: Sendable {
    let token: [UInt8]
    /// Paths answered without a token (by default `/health` and `/metrics`, for probes and scrapers,
    /// and the contract and its page, `/swagger.json` and `/docs`). The console's page and files are
    /// always open: they hold no data, and the page asks for the token before it reads any.
    public var openPaths: Set<String>

    public static let defaultOpenPaths: Set<String> = ["/health", "/metrics", "/swagger.json", "/docs"]

    /// nil for a token that is empty once surrounding whitespace (a file's last newline) is taken off.
    public init?(token: String, openPaths: Set<String> = defaultOpenPaths) {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.token = Array(trimmed.utf8)
        self.openPaths = openPaths
    }

    /// Whether an `Authorization` header's value presents the token: the time taken depends on the
    /// lengths only, never on where the bytes first differ.
    func accepts(_ authorization: String?) -> Bool {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return false }
        let presented = Array(authorization.utf8.dropFirst(7))
        var difference = UInt8(presented.count == token.count ? 0 : 1)
        for index in 0..<max(presented.count, token.count) {
            let left = index < presented.count ? presented[index] : 0
            let right = index < token.count ? token[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

/// Refuses a request without the token with 401 and a Status body (and `WWW-Authenticate`).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let authentication: APIAuthentication

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if authentication.openPaths.contains(path) || ConsoleRoutes.paths.contains(path) || authentication.accepts(request.headers[.authorization]) {
            return try await next(request, context)
        }
        let message = request.headers[.authorization] == nil
            ? "this scheduler needs an Authorization: Bearer token"
            : "the Authorization header does not hold this scheduler's bearer token"
        var response = APIFailure(status: .unauthorized, reason: "Unauthorized", message: message).response()
        response.headers[.wwwAuthenticate] = "Bearer realm=\"job-scheduler\""
        return response
    }
}
