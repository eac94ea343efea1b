import DockerEngine
import Hummingbird
import JobSchedulerConsole
import SchedulerCore
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus

/// Where and how one scheduler's API listens.
public struct APIServerOptions: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body read, in bytes. A 1 MiB payload can take up to six times as much room
    /// once escaped in JSON (`\u0001`), so the default leaves room for that; the payload limit itself is
    /// the scheduler's (`SchedulerConfiguration.payloadLimit`).
    public var requestBodyLimit: Int
    /// The bearer token every request must carry (but to the open paths); nil: none needed.
    public var authentication: APIAuthentication?

    public static let defaultRequestBodyLimit = 8 * 1024 * 1024

    public init(host: String = "0.0.0.0", port: Int, requestBodyLimit: Int = defaultRequestBodyLimit, authentication: APIAuthentication? = nil) {
        self.host = host
        self.port = port
        self.requestBodyLimit = requestBodyLimit
        self.authentication = authentication
    }
}

/// Builds one job's scheduler API: creates the scheduler, rebuilds its index from the engine
/// (`reconcile()`, so nothing is served before the existing jobs are known), and returns the
/// application. Running the application serves the API and follows the engine's events; it stops on
/// graceful shutdown and leaves the job containers running.
///
/// `GET /metrics` shows `PrometheusMetrics.registry`. Unless the process did so already, this
/// bootstraps swift-metrics with it (`PrometheusMetrics.bootstrap()`) before the scheduler makes its
/// metrics; a process that wants another metrics backend bootstraps it before calling this.
///
/// - Parameters:
///   - clock: the time deadlines and retries are measured on (tests pass a `ManualClock`).
///   - feed: the changes `GET /api/v1/events` follows (tests give one that holds few).
/// - Throws: `SchedulerError.engineUnavailable` when the engine cannot be reached.
public func buildApplication(
    configuration: SchedulerConfiguration,
    runtime: any JobRuntime,
    clock: any SchedulerClock = WallClock(),
    server: APIServerOptions,
    logger: Logger,
    notificationSink: JobScheduler.NotificationSink? = nil,
    feed: StatusFeed = StatusFeed()
) async throws -> some ApplicationProtocol {
    PrometheusMetrics.bootstrap()
    var logger = logger
    logger[metadataKey: "job"] = .string(configuration.job.name)
    let scheduler = JobScheduler(configuration: configuration, runtime: runtime, clock: clock, logger: logger,
                                 notificationSink: notificationSink, feed: feed)
    try await scheduler.reconcile()
    // A runtime's engine can be asked directly whether it answers.
    var ping: (@Sendable () async throws -> Void)?
    if let engineBacked = runtime as? any EngineBackedRuntime {
        let client = engineBacked.client
        ping = { try await client.ping() }
    }
    let router = try await buildRouter(scheduler: scheduler, requestBodyLimit: server.requestBodyLimit, enginePing: ping,
                                       authentication: server.authentication)
    return Application(
        router: router,
        // A request the HTTP parser refuses is answered with a Status body too.
        server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestAnswer()])),
        configuration: ApplicationConfiguration(
            address: .hostname(server.host, port: server.port),
            serverName: "job-scheduler/\(configuration.job.name)"
        ),
        services: [scheduler],
        logger: logger
    )
}

/// The routes of one scheduler: the generated `/api/v1` operations, `GET /health` and `GET /metrics`,
/// the console at `GET /`, the contract at `GET /swagger.json` and its page at `GET /docs`, and the Radix Status body for every
/// error, unknown routes included.
///
/// - Parameters:
///   - enginePing: asks the engine whether it answers, for `GET /health` (beside the scheduler's
///     `engineConnected`); nil to rely on `engineConnected` alone.
///   - metrics: the registry `GET /metrics` shows.
///   - cachedReads: answer the job reads from encoded answers kept until they change
///     (`JobReadCacheMiddleware`); false sends every read through the generated operation.
public func buildRouter(
    scheduler: JobScheduler,
    requestBodyLimit: Int = APIServerOptions.defaultRequestBodyLimit,
    enginePing: (@Sendable () async throws -> Void)? = nil,
    metrics: PrometheusCollectorRegistry = PrometheusMetrics.registry,
    cachedReads: Bool = true,
    authentication: APIAuthentication? = nil
) async throws -> Router<BasicRequestContext> {
    try await buildRouter(scheduler: scheduler, requestBodyLimit: requestBodyLimit, enginePing: enginePing, metrics: metrics,
                          readCache: cachedReads ? JobReadCache() : nil, authentication: authentication)
}

/// `buildRouter` with the cache of job reads given (nil for none), so tests can see it used.
func buildRouter(
    scheduler: JobScheduler,
    requestBodyLimit: Int,
    enginePing: (@Sendable () async throws -> Void)?,
    metrics: PrometheusCollectorRegistry,
    readCache: JobReadCache?,
    authentication: APIAuthentication? = nil
) async throws -> Router<BasicRequestContext> {
    let router = Router()
    let serverURL = try Servers.Server1.url()
    let basePath = serverURL.path == "/" ? "" : serverURL.path
    // Added first, so they also wrap the answer for unknown routes; the metrics see the final status.
    router.add(middleware: RequestMetricsMiddleware(job: scheduler.configuration.job.name))
    router.add(middleware: RadixStatusMiddleware(routes: RouteTable(basePath: basePath)))
    if let authentication { router.add(middleware: BearerTokenMiddleware(authentication: authentication)) }
    router.get(RouterPath(OpenAPIDocument.path)) { _, _ in OpenAPIDocument.response() }
    router.get(RouterPath(APIPage.path)) { _, _ in APIPage.response() }
    ConsoleRoutes.add(to: router, page: try ConsolePage(facts: consoleFacts(of: scheduler.configuration, apiBasePath: basePath + "/api/v1",
                                                                           tokenRequired: authentication != nil)))
    if let readCache {
        router.add(middleware: JobReadCacheMiddleware(scheduler: scheduler, basePath: basePath, encoding: JobStatusEncoding(), cache: readCache))
    }
    let api = JobsAPI(scheduler: scheduler, health: EngineHealth(scheduler: scheduler, ping: enginePing), metrics: metrics)
    try api.registerHandlers(
        on: router,
        serverURL: serverURL,
        configuration: APIJSON.configuration,
        middlewares: [
            RequestBodyMiddleware(
                limit: requestBodyLimit,
                operationsWithBody: APIFailure.operationsWithBody,
                diagnosis: RequestBodyDiagnosis(schema: "JobScheduleDescription")
            ),
            TextContentTypeMiddleware(contentTypes: [
                Operations.GetJobLogs.id: "text/plain; charset=utf-8",
                Operations.GetMetrics.id: "text/plain; version=0.0.4; charset=utf-8",
            ]),
        ]
    )
    return router
}

/// What the console page says about the scheduler before it reads anything.
func consoleFacts(of configuration: SchedulerConfiguration, apiBasePath: String, tokenRequired: Bool) -> ConsolePage.Facts {
    let job = configuration.job
    return ConsolePage.Facts(jobName: job.name, applicationName: configuration.applicationName, environment: job.environment,
                             image: job.image, payloadPath: job.payloadPath, timeLimitSeconds: job.timeLimitSeconds,
                             backoffLimit: job.backoffLimit, historyLimit: configuration.historyLimit,
                             scheduleCount: job.cron?.schedules.count ?? 0, tokenRequired: tokenRequired,
                             apiBasePath: apiBasePath, documentationPath: APIPage.path)
}
