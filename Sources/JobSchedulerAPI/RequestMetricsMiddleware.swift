import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Counts every answer of one scheduler's API by route, method and status, and times it (to its last
/// byte when it is streamed, a followed log; else until it is ready to be written):
/// `job_scheduler_api_requests_total` and `job_scheduler_api_request_duration_seconds`, through swift-metrics. Added before every other
/// middleware, so it sees the status a client gets, errors included.
///
/// `route` is the path as the contract writes it (`/api/v1/jobs/{jobName}`), or `unknown` for a path
/// the server does not have, so that the number of series stays bounded whatever clients ask.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let job: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let route = Self.route(context.endpointPath)
            let method = request.method.rawValue
            let job = job
            let body = response.body
            if body.contentLength != nil {
                // A body of known length is in hand already (the JSON answers): wrapping it would turn
                // one write of head and body into several, the largest cost of a cached read.
                Self.record(job: job, route: route, method: method, status: status, since: start)
                return response
            }
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                // Timed to the last byte written, or to the failure that ended the body.
                defer { Self.record(job: job, route: route, method: method, status: status, since: start) }
                try await body.write(writer)
            }
            return response
        } catch {
            // RadixStatusMiddleware answers every error; this only sees what escapes it.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            Self.record(job: job, route: Self.route(context.endpointPath), method: request.method.rawValue, status: status, since: start)
            throw error
        }
    }

    static func route(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath.hasPrefix("/") else { return "unknown" }
        return endpointPath
    }

    private static func record(job: String, route: String, method: String, status: Int, since start: UInt64) {
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let handles = RequestMetricHandles.shared.handles(job: job, route: route, method: method, status: status)
        handles.count.increment()
        handles.duration.recordNanoseconds(Int64(elapsed))
    }
}

/// The metric objects of each (job, route, method, status), made once: making them per request (a
/// factory lookup, two objects and their dimension arrays) was a good part of a cached read's cost.
/// Bounded: routes are the contract's (or `unknown`), statuses the few the API answers.
final class RequestMetricHandles: Sendable {
    static let shared = RequestMetricHandles()

    struct Key: Hashable {
        var job: String
        var route: String
        var method: String
        var status: Int
    }
    struct Handles: Sendable {
        var count: Counter
        var duration: Metrics.Timer
    }
    private let made = Mutex<[Key: Handles]>([:])

    func handles(job: String, route: String, method: String, status: Int) -> Handles {
        let key = Key(job: job, route: route, method: method, status: status)
        if let known = made.withLock({ $0[key] }) { return known }
        let handles = Handles(
            count: Counter(label: "job_scheduler_api_requests_total",
                           dimensions: [("job", job), ("route", route), ("method", method), ("status", String(status))]),
            duration: Metrics.Timer(label: "job_scheduler_api_request_duration_seconds",
                                    dimensions: [("job", job), ("route", route), ("method", method)], preferredDisplayUnit: .seconds))
        made.withLock { $0[key] = handles }
        return handles
    }
}
