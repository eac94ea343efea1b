import Hummingbird
import Logging

/// Answers every error with Radix's Status body: whatever a handler, the generated code or the router
/// throws (malformed JSON, a wrong field type, a body over the limit, an unknown route) becomes
/// `{"status":"Failure","message":…,"reason":…,"code":…}` with the matching HTTP status. Nothing
/// reaches Hummingbird's bare 500.
///
/// A path the server has, asked with a method it does not take, is a 405 with an `Allow` header
/// rather than a 404.
struct RadixStatusMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let error = error as? HTTPError, error.status == .notFound,
               let allowed = routes.allowedMethods(for: request.uri.path), !allowed.contains(request.method.rawValue) {
                let list = allowed.joined(separator: ", ")
                let failure = APIFailure(status: .methodNotAllowed,
                                         message: "\(request.method) is not allowed on \(request.uri.path); use \(list)")
                var response = failure.response()
                response.headers[.allow] = list
                return response
            }
            let failure = APIFailure(error, request: request)
            if failure.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            } else {
                context.logger.debug("\(request.method) \(request.uri.path) answered \(failure.status.code): \(failure.message)")
            }
            return failure.response()
        }
    }
}
