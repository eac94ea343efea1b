import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Logging
import RadixConfig
import Testing

/// A scheduler for one test: a job of a unique application, running a busybox script on the real
/// engine. `finish()` removes every container and record the test made.
struct SchedulerHarness {
    static let image = TestEngine.image
    static let engine = TestEngine.client

    let applicationName: String
    let configuration: SchedulerConfiguration
    let runtime: DockerJobRuntime
    let scheduler: JobScheduler
    let events: Task<Void, Never>
    /// The warm pool's own task, with `warmPool` > 0.
    let pool: Task<Void, Never>?

    init(script: String, payloadPath: String? = "/args", timeLimitSeconds: Int = 120, backoffLimit: Int = 0,
         failurePolicy: FailurePolicy? = nil, historyLimit: Int = 10, stopGracePeriod: Duration = .seconds(2), applicationName: String? = nil,
         network: String? = nil, ports: [PortDefinition] = [], resources: ResourceRequirements = ResourceRequirements(),
         engine: DockerEngineClient = SchedulerHarness.engine, logger: Logger? = nil, runAsUser: Int64? = nil, readOnlyFileSystem: Bool = false,
         warmPool: Int = 0, wrapRuntime: (DockerJobRuntime) -> any JobRuntime = { $0 }) async throws {
        try await TestEngine.requireEngine()
        self.applicationName = applicationName ?? "t-\(UUID().uuidString.prefix(8).lowercased())"
        var job = ResolvedJob(name: "work", image: Self.image, schedulerPort: 8000, payloadPath: payloadPath, ports: ports,
                              variables: ["FROM_CONFIG": "config"], resources: resources, timeLimitSeconds: timeLimitSeconds, backoffLimit: backoffLimit,
                              command: ["sh", "-c", script], failurePolicy: failurePolicy)
        job.runAsUser = runAsUser
        job.readOnlyFileSystem = readOnlyFileSystem
        configuration = SchedulerConfiguration(applicationName: self.applicationName, job: job, historyLimit: historyLimit,
                                               network: network, stopGracePeriod: stopGracePeriod)
        if warmPool > 0 {
            let warm = WarmPool(size: warmPool, template: try WarmPool.template(for: configuration), client: engine, logger: Logger(label: "warm"))
            try await warm.prepare()
            runtime = DockerJobRuntime(client: engine, warmPool: warm)
        } else {
            runtime = DockerJobRuntime(client: engine)
        }
        try await runtime.prepare(network: network, selector: configuration.selector)
        if let warm = runtime.warmPool {
            pool = Task { try? await warm.run() }
            try await waitUntil("the warm pool is full") { warm.readyCount == warmPool }
        } else {
            pool = nil
        }
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        let logger = logger ?? quiet
        let scheduler = JobScheduler(configuration: configuration, runtime: wrapRuntime(runtime), logger: logger)
        self.scheduler = scheduler
        try await scheduler.reconcile()
        events = Task { try? await scheduler.run() }
        // Let the events stream connect before the test acts.
        try await waitUntil("the scheduler follows the engine's events") { scheduler.engineConnected }
    }

    /// Polls the scheduler's own index (never the engine) until the job reaches one of `states`.
    @discardableResult
    func waitFor(_ name: String, _ states: Set<JobState>, timeout: Duration = .seconds(90),
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> JobStatus {
        try await waitForValue("job \(name) reaches \(states.map(\.rawValue).sorted())", timeout: timeout,
                               lastSeen: { String(describing: scheduler.currentStatus(named: name)) }, sourceLocation: sourceLocation) {
            scheduler.currentStatus(named: name).flatMap { states.contains($0.state) ? $0 : nil }
        }
    }

    /// The job containers this application has in the engine.
    func containerNames() async throws -> Set<String> {
        Set(try await TestEngine.containers(labelled: "radix-app=\(applicationName)").flatMap(\.names))
    }

    func finish() async {
        events.cancel()
        pool?.cancel()
        await pool?.value
        await TestEngine.removeApplication(applicationName)
    }
}

/// Runs `body` with a harness and always cleans up after it.
func withScheduler(script: String, payloadPath: String? = "/args", timeLimitSeconds: Int = 120, backoffLimit: Int = 0,
                   historyLimit: Int = 10, stopGracePeriod: Duration = .seconds(2), warmPool: Int = 0,
                   _ body: (SchedulerHarness) async throws -> Void) async throws {
    let harness = try await SchedulerHarness(script: script, payloadPath: payloadPath, timeLimitSeconds: timeLimitSeconds,
                                             backoffLimit: backoffLimit, historyLimit: historyLimit, stopGracePeriod: stopGracePeriod,
                                             warmPool: warmPool)
    do {
        try await body(harness)
    } catch {
        await harness.finish()
        throw error
    }
    await harness.finish()
}
