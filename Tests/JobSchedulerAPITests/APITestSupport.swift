import DockerEngine
import EngineTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SchedulerCore
@testable import JobSchedulerAPI
import Logging
import RadixConfig
import Testing

/// The engine the tests run against (DOCKER_HOST, or the default socket), and the image their jobs run:
/// `jobsched-busybox:latest`, built FROM scratch by scripts/build-images.sh.
enum TestEngine {
    static let image = "jobsched-busybox:latest"
    static let host = (try? DockerHost.fromEnvironment(ProcessInfo.processInfo.environment))
        ?? DockerHost(socketPath: DockerHost.defaultSocketPath)
    static let client = DockerEngineClient(host: host)
    static var socketPath: String { host.socketPath }
}

/// One scheduler API for a throwaway application: a unique application name per test, so tests never
/// see each other's containers, and every container and volume of it removed at the end.
struct APIFixture {
    let applicationName = "api-\(UUID().uuidString.prefix(8).lowercased())"
    /// The job's name: metrics carry it, so tests that read them give their own.
    var jobName = "work"
    var script = "exit 0"
    var payloadPath: String? = "/args"
    var historyLimit = 10
    var backoffLimit = 0
    var stopGracePeriod: Duration = .seconds(2)
    var requestBodyLimit = APIServerOptions.defaultRequestBodyLimit
    var host = "127.0.0.1"
    var port = 0
    /// The runtime the scheduler uses: the test engine's, unless a test routes it elsewhere (a proxy).
    var runtime: (any JobRuntime)?

    var job: ResolvedJob {
        ResolvedJob(name: jobName, image: TestEngine.image, schedulerPort: 8000, payloadPath: payloadPath,
                    timeLimitSeconds: 120, backoffLimit: backoffLimit, command: ["sh", "-c", script])
    }

    var configuration: SchedulerConfiguration {
        SchedulerConfiguration(applicationName: applicationName, job: job, historyLimit: historyLimit,
                               stopGracePeriod: stopGracePeriod)
    }

    static let logger: Logger = {
        var logger = Logger(label: "api-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    /// Builds the application with `buildApplication`, runs `body` against it, then removes everything
    /// the test's application left in the engine, whether the test passed or not.
    @discardableResult
    func run<T: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        // swift-metrics is bootstrapped once for the whole test process, before any scheduler exists.
        PrometheusMetrics.bootstrap()
        do {
            let app = try await buildApplication(
                configuration: configuration,
                runtime: runtime ?? DockerJobRuntime(client: TestEngine.client),
                server: APIServerOptions(host: host, port: port, requestBodyLimit: requestBodyLimit),
                logger: Self.logger
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

    /// Waits until `GET /health` says the scheduler follows its engine's events. The scheduler
    /// reconciles when its event stream connects; a job submitted while that first reconcile lists
    /// the containers can be dropped from the index (a race in the core, reported), so tests start
    /// once the stream is connected.
    static func waitUntilFollowingEvents(_ client: any TestClientProtocol) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if try await client.execute(uri: "/health", method: .get, headers: [:], body: nil).status == .ok { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw WaitTimedOut(description: "the scheduler did not follow its engine's events within 30 s")
    }

    /// Removes the application's containers and volumes with the docker CLI.
    func removeLeftovers() async {
        await Docker.removeApplication(applicationName)
    }
}

enum Docker {
    static func removeApplication(_ name: String) async {
        let filter = "label=radix-app=\(name)"
        if let containers = try? await ChildProcess.run(["docker", "ps", "-aq", "--filter", filter]).output,
           !containers.isEmpty {
            _ = try? await ChildProcess.run(["docker", "rm", "-f", "-v"] + words(containers))
        }
        if let volumes = try? await ChildProcess.run(["docker", "volume", "ls", "-q", "--filter", filter]).output,
           !volumes.isEmpty {
            _ = try? await ChildProcess.run(["docker", "volume", "rm", "-f"] + words(volumes))
        }
    }

    static func containers(ofApplication name: String) async throws -> [String] {
        words(try await ChildProcess.run(["docker", "ps", "-aq", "--filter", "label=radix-app=\(name)"]).output)
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map(String.init)
    }
}

/// The repository root, found from this file so tests do not depend on the working directory.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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
    func waitFor(_ name: String, toBe states: Set<String>, timeout: Duration = .seconds(120)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await status(of: name)
            if let state = last["status"] as? String, states.contains(state) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WaitTimedOut(description: "job \(name) did not become \(states.sorted()) within \(timeout): last status \(last)")
    }
}

struct WaitTimedOut: Error, CustomStringConvertible {
    var description: String
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
