import ArgumentParser
import DockerEngine
import Foundation
import SchedulerCore
import JobSchedulerAPI
import Logging
import RadixConfig
import ServiceLifecycle
import WebhookNotifications

/// `job-scheduler serve`: runs the scheduler API of one job, or of every job of the config, each on its
/// own port, in one process. Stops gracefully on SIGTERM or SIGINT; job containers keep running.
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the job-scheduler API of the jobs of a radixconfig.yaml.",
        discussion: """
            Without --job, every job of the file is served on its own schedulerPort. Every option can also be \
            set through an environment variable (the option wins): JOB_SCHEDULER_CONFIG, JOB_SCHEDULER_JOB, \
            JOB_SCHEDULER_ENV, JOB_SCHEDULER_PORT, JOB_SCHEDULER_HOST, JOB_SCHEDULER_HISTORY_LIMIT, \
            JOB_SCHEDULER_NETWORK, JOB_SCHEDULER_STOP_GRACE_PERIOD, JOB_SCHEDULER_MAX_RUNNING, \
            JOB_SCHEDULER_WEBHOOK_SECRET_FILE. A job's notifications.webhook gets every change of its jobs and \
            batches (Radix's batch events), each at least once, in order per job or batch, retried with backoff. The engine is the one of DOCKER_HOST \
            (unix:///path), by default unix:///var/run/docker.sock. SIGTERM or SIGINT stops the scheduler \
            gracefully; running jobs go on and are found again at the next start.
            """
    )

    @Option(name: .long, help: "Path of the radixconfig.yaml. (default: radixconfig.yaml)")
    public var config: String?

    @Option(name: .long, help: "Serve only this job. (default: every job)")
    public var job: String?

    @Option(name: .long, help: "Apply this environment's overrides (must be listed in spec.environments).")
    public var env: String?

    @Option(name: .long, help: "Listen on this port instead of the job's schedulerPort (only with --job).")
    public var port: Int?

    @Option(name: .long, help: "Address to listen on. (default: 0.0.0.0)")
    public var host: String?

    @Option(name: .customLong("history-limit"),
            help: "How many succeeded and how many failed jobs are kept, each. (default: 10)")
    public var historyLimit: Int?

    @Option(name: .long, help: "Docker network the job containers join. (default: the engine's default bridge)")
    public var network: String?

    @Option(name: .customLong("stop-grace-period"),
            help: "Seconds between the SIGTERM and the SIGKILL of a stopped job. (default: 30)")
    public var stopGracePeriod: Int?

    @Option(name: .customLong("max-running"),
            help: "How many jobs of each job run at once; the others wait, and start in the order submitted. (default: no limit)")
    public var maxRunning: Int?

    @Option(name: .customLong("webhook-secret-file"),
            help: "File with the secret (whsec_ and base64, Standard Webhooks) that signs each webhook delivery. (default: unsigned)")
    public var webhookSecretFile: String?

    @Option(name: .long, parsing: .singleValue,
            help: "host=address: send a webhook's requests for this host to this address (repeatable), as curl's --resolve.")
    public var resolve: [String] = []

    @Option(name: .customLong("token-file"),
            help: "File with the bearer token every API request must carry (Authorization: Bearer ...). (default: none needed)")
    public var tokenFile: String?

    @Option(name: .customLong("open-endpoints"),
            help: "With --token-file, the endpoints answered without the token: some of health, metrics and docs (the page and swagger.json), or none. (default: health,metrics,docs)")
    public var openEndpoints: String?

    @Option(name: .long,
            help: "What runs the jobs: docker (containers on the engine) or swarm (services on a swarm; the engine must be a manager). (default: docker)")
    public var runtime: String?

    @Option(name: .customLong("warm-pool"),
            help: "How many containers of each job to keep started ahead: a submission that fits takes one, and the job runs within milliseconds instead of after a container's start. (default: 0, none)")
    public var warmPool: Int?

    public init() {}

    public func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        // swift-metrics once per process, before any scheduler makes its metrics: GET /metrics shows them.
        PrometheusMetrics.bootstrap()
        let status = await execute(environment: ProcessInfo.processInfo.environment, output: StandardOutput())
        if status != 0 { throw ExitCode(status) }
    }

    /// The command's work with its environment and output injected; returns the exit status once the
    /// schedulers have stopped.
    public func execute(environment: [String: String], output: some CommandOutput) async -> Int32 {
        let logger = Logger(label: "job-scheduler")
        let settings: ServeSettings
        let application: RadixApplication
        let jobs: [(job: ResolvedJob, port: Int?)]
        let host: DockerHost
        let secret: WebhookSecret?
        let authentication: APIAuthentication?
        do {
            settings = try ServeSettings.resolve(self, environment: environment)
            application = try loadApplication(settings, output: output)
            jobs = try settings.jobs(of: application)
            host = try DockerHost.fromEnvironment(environment)
            secret = try settings.webhookSecret()
            authentication = try settings.authentication()
        } catch is ConfigLoadFailure {
            return 1
        } catch {
            output.err("job-scheduler serve: \(error)")
            return 1
        }

        let client = DockerEngineClient(host: host)
        let engineCPUs: Int
        do {
            try await client.ping()
            let info = try await client.systemInfo()
            engineCPUs = info.cpus
            if settings.runtime == .swarm, !info.isSwarmManager {
                output.err("job-scheduler serve: --runtime swarm: the Docker engine at \(host) is not a swarm manager (docker swarm init, or name a manager's socket)")
                return 1
            }
        } catch {
            output.err("job-scheduler serve: cannot reach the Docker engine at \(host): \(Self.describe(error))")
            return 1
        }

        // The file was checked without an engine: what only this engine cannot honour is refused now.
        var unrunnable = jobs.flatMap { job, _ in
            EngineResourceBounds.problems(of: job.resources, hostCPUs: engineCPUs).map { "job \(job.name): resources.\($0.field): \($0.message)" }
        }
        // Its `runtime` and `node` choose nodes, which only a swarm does.
        for (job, _) in jobs {
            var configuration = SchedulerConfiguration(applicationName: application.name, job: job)
            configuration.choosesNodes = settings.runtime == .swarm
            unrunnable += JobLaunchFactory.placementProblems(of: job, configuration: configuration).map { "job \(job.name): \($0)" }
            if settings.runtime == .swarm, let size = job.warmPool, size > 0 {
                unrunnable.append("job \(job.name): warmPool works on one engine (--runtime docker): a swarm places each job's task itself")
            }
        }
        if !unrunnable.isEmpty {
            unrunnable.forEach { output.err("job-scheduler serve: \($0)") }
            return 1
        }

        let runtime: any JobRuntime = switch settings.runtime {
        case .docker: DockerJobRuntime(client: client)
        case .swarm: SwarmJobRuntime(client: client)
        }
        var services: [any Service] = []
        for (job, port) in jobs {
            var configuration = SchedulerConfiguration(
                applicationName: application.name,
                job: job,
                historyLimit: settings.historyLimit,
                network: settings.network,
                stopGracePeriod: .seconds(settings.stopGracePeriodSeconds),
                maxRunning: job.maxRunning ?? settings.maxRunning  // the job's own limit is the more specific
            )
            configuration.engineCPUs = engineCPUs
            if settings.runtime == .swarm {
                // A payload travels as a swarm config, which holds less than the API takes on one engine.
                configuration.payloadLimit = min(configuration.payloadLimit, SwarmJobRuntime.largestPayload)
                // Requests may choose the node; the manager's cores are no bound on another node's (a job
                // no node can take waits, saying why).
                configuration.choosesNodes = true
                configuration.engineCPUs = nil
            }
            var jobRuntime = runtime
            // The job's own size is the more specific.
            let warmPool = job.warmPool ?? settings.warmPool
            if warmPool > 0 {
                do {
                    let pool = WarmPool(size: warmPool, template: try WarmPool.template(for: configuration), client: client, logger: logger)
                    try await pool.prepare()
                    jobRuntime = DockerJobRuntime(client: client, warmPool: pool)
                    services.append(pool)
                    output.out("job \(job.name): \(warmPool) containers kept started ahead (warm pool)")
                } catch {
                    output.err("job-scheduler serve: job \(job.name): warm pool: \(Self.describe(error))")
                    return 1
                }
            }
            // The webhook's service goes first: it takes what the scheduler tells from its first reconcile on.
            var notifier: WebhookNotifier?
            if let webhook = job.notifications?.webhook, let url = URL(string: webhook) {
                let webhookSettings = WebhookSettings(url: url, secret: secret, hostAddresses: settings.hostAddresses)
                notifier = WebhookNotifier(settings: webhookSettings, job: job.name, logger: logger)
                output.out("job \(job.name): webhook \(webhook)\(secret == nil ? " (unsigned)" : " (signed)")")
            }
            var sink: JobScheduler.NotificationSink?
            if let notifier { sink = { notifications in notifier.enqueue(notifications) } }
            guard let port else {
                // No schedulerPort: the job runs on its schedules only, and serves no API.
                var jobLogger = logger
                jobLogger[metadataKey: "job"] = .string(job.name)
                let scheduler = JobScheduler(configuration: configuration, runtime: jobRuntime, logger: jobLogger,
                                             notificationSink: sink)
                do {
                    try await scheduler.reconcile()
                } catch {
                    output.err("job-scheduler serve: job \(job.name): \(Self.describe(error))")
                    return 1
                }
                if let notifier { services.append(notifier) }
                services.append(scheduler)
                output.out("job \(job.name): running the schedules of \(application.name)/\(job.name) (no schedulerPort: no API)")
                continue
            }
            do {
                let app = try await buildApplication(
                    configuration: configuration,
                    runtime: jobRuntime,
                    server: APIServerOptions(host: settings.host, port: port, authentication: authentication),
                    logger: logger,
                    notificationSink: sink
                )
                if let notifier { services.append(notifier) }
                services.append(app)
            } catch {
                output.err("job-scheduler serve: job \(job.name): \(Self.describe(error))")
                return 1
            }
            output.out("job \(job.name): serving \(application.name)/\(job.name) on \(settings.host):\(port)")
        }

        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            output.err("job-scheduler serve: \(Self.describe(error))")
            return 1
        }
        return 0
    }

    /// Loads and checks the config file, reporting its problems one per line like `validate` does.
    private func loadApplication(_ settings: ServeSettings, output: some CommandOutput) throws -> RadixApplication {
        do {
            let application = try RadixConfigFile.load(path: settings.configPath)
            if let env = settings.environment {
                try EnvironmentSelection.check(env, in: application, fileName: settings.configPath)
            }
            return application
        } catch {
            for problem in error.problems { output.err(problem.description) }
            throw ConfigLoadFailure()
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as any CustomStringConvertible: error.description
        default: "\(error)"
        }
    }
}

/// The config's problems were already printed.
private struct ConfigLoadFailure: Error {}
