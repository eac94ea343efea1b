import DockerEngine
// Exported so that every file of this target sees the shared test helpers (TestEngine, waitUntil).
@_exported import EngineTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SchedulerCore
@testable import JobSchedulerAPI
import Logging
import RadixConfig
import Testing

/// One scheduler API for a throwaway application: a unique application name per test, so tests never
/// see each other's jobs. On the real engine (the default), every container and volume of the
/// application is removed at the end; `runtime: .memory` runs the jobs in memory instead, for the tests
/// the engine adds nothing to.
struct APIFixture {
    /// Where the scheduler's jobs run.
    enum Runtime {
        /// The real engine; without one, the test fails at once naming its socket.
        case engine
        /// The real engine reached through another client (a proxy that can be cut).
        case engineVia(DockerEngineClient)
        /// In memory: a job runs until the test ends it (`exit(_:code:)`).
        case inMemory(InMemoryJobRuntime)

        /// Jobs in memory, on the wall clock the application's scheduler uses.
        static var memory: Runtime { .inMemory(InMemoryJobRuntime(clock: WallClock())) }
    }

    let applicationName = "api-\(UUID().uuidString.prefix(8).lowercased())"
    /// The job's name: metrics carry it, so tests that read them give their own.
    var jobName = "work"
    var script = "exit 0"
    var payloadPath: String? = "/args"
    var historyLimit = 10
    var backoffLimit = 0
    var batchStatusRules: [BatchStatusRule] = []
    var cron: JobCron?
    /// radixconfig's `runtime` and `node` of the job.
    var runtimeSelection: RuntimeSelection?
    var gpuSelection: GPUSelection?
    var stopGracePeriod: Duration = .seconds(2)
    var requestBodyLimit = APIServerOptions.defaultRequestBodyLimit
    var host = "127.0.0.1"
    var port = 0
    var runtime: Runtime = .engine
    /// The bearer token the API asks for; nil for none.
    var authentication: APIAuthentication?
    /// How many changes the event stream holds for a reader that fell behind.
    var feedCapacity = 4096
    /// The network the jobs join (`serve --network`); nil for the engine's default.
    var network: String?
    /// Whether requests may choose the node: as `serve --runtime swarm` sets it, on a swarm.
    var choosesNodes = TestEngine.onSwarm
    /// Leaves the engine as the run left it (for a second run, a restarted scheduler, to find).
    var keepsWhatItLeaves = false

    var job: ResolvedJob {
        var job = ResolvedJob(name: jobName, image: TestEngine.image, schedulerPort: 8000, payloadPath: payloadPath,
                              timeLimitSeconds: 120, backoffLimit: backoffLimit, command: ["sh", "-c", script],
                              batchStatusRules: batchStatusRules)
        job.cron = cron
        job.runtime = runtimeSelection
        job.node = gpuSelection
        return job
    }

    var configuration: SchedulerConfiguration {
        var configuration = SchedulerConfiguration(applicationName: applicationName, job: job, historyLimit: historyLimit, network: network,
                                                   stopGracePeriod: stopGracePeriod, payloadLimit: Self.largestPayload)
        configuration.choosesNodes = choosesNodes
        return configuration
    }

    /// The largest payload the runtime takes, as `serve` sets it: 1 MiB, or on a swarm what a config holds.
    static var largestPayload: Int { TestEngine.onSwarm ? SwarmJobRuntime.largestPayload : 1_048_576 }

    static let logger: Logger = {
        var logger = Logger(label: "api-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    /// Builds the application with `buildApplication`, runs `body` against it once the scheduler follows
    /// its runtime's events, then removes everything the test's application left in the engine, whether
    /// the test passed or not.
    @discardableResult
    func run<T: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let jobRuntime: any JobRuntime
        switch runtime {
        case .engine:
            try await TestEngine.requireEngine()
            jobRuntime = Self.engineRuntime(client: TestEngine.client)
        case .engineVia(let client):
            try await TestEngine.requireEngine()
            jobRuntime = Self.engineRuntime(client: client)
        case .inMemory(let jobs):
            jobRuntime = jobs
        }
        // swift-metrics is bootstrapped once for the whole test process, before any scheduler exists.
        PrometheusMetrics.bootstrap()
        do {
            let app = try await buildApplication(
                configuration: configuration,
                runtime: jobRuntime,
                server: APIServerOptions(host: host, port: port, requestBodyLimit: requestBodyLimit, authentication: authentication),
                logger: Self.logger,
                feed: StatusFeed(capacity: feedCapacity)
            )
            let result = try await app.test(setup) { client in
                try await Self.waitUntilFollowingEvents(client)
                return try await body(client)
            }
            await removeLeftovers()
            return result
        } catch {
            await removeLeftovers()
            throw error
        }
    }

    /// The jobs of `.engine` fixtures run as containers; or, when the tests run on a swarm
    /// (`TestEngine.onSwarm`), as services: the same tests prove both runtimes.
    static func engineRuntime(client: DockerEngineClient) -> any JobRuntime {
        TestEngine.onSwarm ? SwarmJobRuntime(client: client) : DockerJobRuntime(client: client)
    }

    /// Waits until `GET /health` says the scheduler follows its engine's events. The scheduler
    /// reconciles when its event stream connects; a job submitted while that first reconcile lists
    /// the containers can be dropped from the index (a race in the core, reported), so tests start
    /// once the stream is connected.
    static func waitUntilFollowingEvents(_ client: any TestClientProtocol) async throws {
        try await waitUntil("the scheduler follows its engine's events (GET /health answers 200)", timeout: .seconds(120)) {
            try await client.execute(uri: "/health", method: .get, headers: [:], body: nil).status == .ok
        }
    }

    /// Removes the application's containers and volumes from the engine (nothing to do in memory).
    func removeLeftovers() async {
        if case .inMemory = runtime { return }
        if keepsWhatItLeaves { return }
        await TestEngine.removeApplication(applicationName)
    }
}

// MARK: - Requests and answers

extension TestClientProtocol {
    func request(_ method: HTTPRequest.Method, _ path: String, json: String? = nil,
                 headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// POSTs a job and returns its name.
    func submit(_ json: String? = nil) async throws -> String {
        let response = try await request(.post, "/api/v1/jobs", json: json)
        try #require(response.status == .ok, "POST /jobs answered \(response.status): \(response.text)")
        return try #require(try response.object()["name"] as? String)
    }

    func status(of name: String) async throws -> [String: Any] {
        let response = try await request(.get, "/api/v1/jobs/\(name)")
        try #require(response.status == .ok, "GET /jobs/\(name) answered \(response.status): \(response.text)")
        return try response.object()
    }

    /// Polls `GET /jobs/{name}` until the job's status is one of `states`; returns that status.
    @discardableResult
    func waitFor(_ name: String, toBe states: Set<String>, timeout: Duration = .seconds(120),
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        return try await waitForValue("job \(name) is \(states.sorted())", timeout: timeout, pollingEvery: .milliseconds(20),
                                      lastSeen: { "\(last)" }, sourceLocation: sourceLocation) {
            last = try await status(of: name)
            guard let state = last["status"] as? String, states.contains(state) else { return nil }
            return last
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var data: Data { Data(buffer: body) }

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object: \(text)")
    }

    func array() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]], "not a JSON array: \(text)")
    }

    /// Checks that this is a Radix Status body of a failure with `code` and `reason`; returns its message.
    @discardableResult
    func expectFailure(_ code: Int, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(status.code == code, "status \(status.code), body \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let body = try object()
        #expect(body["status"] as? String == "Failure", sourceLocation: sourceLocation)
        #expect(body["code"] as? Int == code, sourceLocation: sourceLocation)
        #expect(body["reason"] as? String == reason, "body \(text)", sourceLocation: sourceLocation)
        let message = body["message"] as? String ?? ""
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
        return message
    }
}

/// `2026-11-22T06:12:01Z`: RFC 3339 in UTC, to the second.
func isTimestamp(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil
}
