import DockerEngine
import Hummingbird
import JobScheduler
import Logging
import OpenAPIHummingbird
internal import OpenAPIRuntime

/// Where and how one scheduler's API listens.
public struct APIServerOptions: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body read, in bytes. A 1 MiB payload can take up to six times as much room
    /// once escaped in JSON (`\u0001`), so the default leaves room for that; the payload limit itself is
    /// the scheduler's (`SchedulerConfiguration.payloadLimit`).
    public var requestBodyLimit: Int

    public static let defaultRequestBodyLimit = 8 * 1024 * 1024

    public init(host: String = "0.0.0.0", port: Int, requestBodyLimit: Int = defaultRequestBodyLimit) {
        self.host = host
        self.port = port
        self.requestBodyLimit = requestBodyLimit
    }
}

/// Builds one job's scheduler API: creates the scheduler, rebuilds its index from the engine
/// (`reconcile()`, so nothing is served before the existing jobs are known), and returns the
/// application. Running the application serves the API and follows the engine's events; it stops on
/// graceful shutdown and leaves the job containers running.
///
/// - Throws: `SchedulerError.engineUnavailable` when the engine cannot be reached.
public func buildApplication(
    configuration: SchedulerConfiguration,
    runtime: any JobRuntime,
    server: APIServerOptions,
    logger: Logger
) async throws -> some ApplicationProtocol {
    var logger = logger
    logger[metadataKey: "job"] = .string(configuration.job.name)
    let scheduler = JobScheduler(configuration: configuration, runtime: runtime, logger: logger)
    try await scheduler.reconcile()
    let router = try buildRouter(scheduler: scheduler, requestBodyLimit: server.requestBodyLimit)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(server.host, port: server.port),
            serverName: "job-scheduler/\(configuration.job.name)"
        ),
        services: [SchedulerService(scheduler: scheduler)],
        logger: logger
    )
}

/// The routes of one scheduler: the generated `/api/v1` operations, `GET /swagger.json`, and the
/// Radix Status body for every error, unknown routes included.
public func buildRouter(
    scheduler: JobScheduler,
    requestBodyLimit: Int = APIServerOptions.defaultRequestBodyLimit
) throws -> Router<BasicRequestContext> {
    let router = Router()
    let serverURL = try Servers.Server1.url()
    // Added first, so it also wraps the answer for unknown routes.
    router.add(middleware: RadixStatusMiddleware(routes: RouteTable(
        document: OpenAPIDocument.bytes, basePath: serverURL.path, extra: [(OpenAPIDocument.path, "GET")]
    )))
    router.get(RouterPath(OpenAPIDocument.path)) { _, _ in OpenAPIDocument.response() }
    let api = JobsAPI(scheduler: scheduler)
    try api.registerHandlers(
        on: router,
        serverURL: serverURL,
        configuration: Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
        middlewares: [
            RequestBodyMiddleware(
                limit: requestBodyLimit,
                operationsWithBody: [Operations.CreateJob.id],
                diagnosis: RequestBodyDiagnosis(document: OpenAPIDocument.bytes, schema: "JobScheduleDescription")
            ),
            NullTimestampsMiddleware(
                responseSchemas: [
                    Operations.CreateJob.id: "JobStatus",
                    Operations.GetJobs.id: "JobStatus",
                    Operations.GetJob.id: "JobStatus",
                ],
                nullable: NullableProperties(document: OpenAPIDocument.bytes)
            ),
        ]
    )
    return router
}
