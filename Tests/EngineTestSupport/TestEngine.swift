import DockerEngine
import Foundation
import Testing

/// The real engine the engine-backed tests run against (`DOCKER_HOST`, or the default socket), and the
/// image their containers run: `jobsched-busybox:latest`, built FROM scratch by scripts/build-images.sh.
public enum TestEngine {
    public static let image = "jobsched-busybox:latest"
    public static let host = (try? DockerHost.fromEnvironment(ProcessInfo.processInfo.environment))
        ?? DockerHost(socketPath: DockerHost.defaultSocketPath)
    public static let client = DockerEngineClient(host: host)
    public static var socketPath: String { host.socketPath }
    /// The scheduler tests run their jobs as swarm services (`JOBSCHED_TEST_RUNTIME=swarm`, with
    /// `DOCKER_HOST` naming a manager): scripts/swarm-test.sh runs them so on a three-node swarm.
    public static let onSwarm = ProcessInfo.processInfo.environment["JOBSCHED_TEST_RUNTIME"] == "swarm"
    /// Every container the DockerEngine tests create carries this label, so a run can clean up after itself.
    public static let testLabel = "dockerengine.tests"

    /// A container or network name no other test uses.
    public static func uniqueName(_ prefix: String) -> String {
        "det-\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    // MARK: - Is there an engine at all

    /// Throws `EngineUnreachable`, naming the socket, unless the engine answers a ping. The engine is
    /// asked once per test process, with a short timeout, so that without an engine every engine test
    /// fails at once instead of waiting out its own timeouts. Call it first in every engine-backed
    /// fixture (or give a suite the `.requiresEngine` trait).
    public static func requireEngine() async throws {
        if let failure = await reachability.value { throw failure }
    }

    private static let reachability = Task<EngineUnreachable?, Never> {
        await withTaskGroup(of: EngineUnreachable?.self) { group in
            group.addTask {
                do {
                    try await client.ping()
                    return nil
                } catch DockerEngineError.unreachable(_, let reason) {
                    return EngineUnreachable(host: host, reason: reason)
                } catch {
                    return EngineUnreachable(host: host, reason: "\(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return EngineUnreachable(host: host, reason: "no answer to a ping within 5 s")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    // MARK: - Containers

    /// Creates a container running `script` with the busybox shell, removes it after `body`.
    public static func withContainer<T>(
        _ script: String, name: String? = nil, tty: Bool = false, labels: [String: String] = [:],
        _ body: (String) async throws -> T
    ) async throws -> T {
        try await requireEngine()
        let spec = ContainerSpec(image: image, labels: labels.merging([testLabel: "1"]) { a, _ in a },
                                 command: ["sh", "-c", script], tty: tty)
        let created = try await client.createContainer(name: name ?? uniqueName("c"), spec: spec)
        do {
            let result = try await body(created.id)
            try? await client.removeContainer(created.id, force: true)
            return result
        } catch {
            try? await client.removeContainer(created.id, force: true)
            throw error
        }
    }

    /// The jobs carrying `label` (`key=value`), by name: containers (running or not), or on a swarm services.
    public static func jobNames(labelled label: String) async throws -> [String] {
        if onSwarm { return try await client.listServices(labels: [label]).map(\.spec.name) }
        return try await client.listContainers(all: true, labels: [label]).flatMap(\.names)
    }

    /// How many times each job carrying `label` ran: its container's starts (one, plus the engine's
    /// restarts) on one engine; on a swarm, the tasks its service made.
    public static func runs(labelled label: String) async throws -> [String: Int] {
        if onSwarm {
            var runs: [String: Int] = [:]
            for task in try await client.listTasks(labels: [label]) {
                if let job = task.containerLabels["radix-job-name"] { runs[job, default: 0] += 1 }
            }
            return runs
        }
        var runs: [String: Int] = [:]
        for container in try await client.listContainers(all: true, labels: [label]) {
            guard let name = container.names.first else { continue }
            runs[name] = 1 + (try await client.inspectContainer(container.id).restartCount)
        }
        return runs
    }

    /// The containers (running or not) carrying `label` (`key=value`).
    public static func containers(labelled label: String) async throws -> [ContainerSummary] {
        try await client.listContainers(all: true, labels: [label])
    }

    /// Removes every container and volume carrying `label` (`key=value`), running or not: what a test
    /// left behind, whether it passed or not. Best effort: a cleanup never fails a test.
    public static func removeEverything(labelled label: String) async {
        if onSwarm {
            // Services first (their tasks' containers go with them), then the configs they used.
            if let services = try? await client.listServices(labels: [label]) {
                for service in services { try? await client.removeService(service.id) }
            }
            for _ in 0..<40 {
                guard let configs = try? await client.listConfigs(labels: [label]), !configs.isEmpty else { break }
                for config in configs { try? await client.removeConfig(config.id) }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        if let containers = try? await client.listContainers(all: true, labels: [label]) {
            for container in containers { try? await client.removeContainer(container.id, force: true) }
        }
        if let volumes = try? await client.listVolumes(labels: [label]) {
            for volume in volumes { try? await client.removeVolume(name: volume.name, force: true) }
        }
    }

    /// Removes every container and volume of a Radix application the scheduler ran jobs for.
    public static func removeApplication(_ applicationName: String) async {
        await removeEverything(labelled: "radix-app=\(applicationName)")
    }
}

/// No engine answers where the tests look for one.
public struct EngineUnreachable: Error, CustomStringConvertible {
    public let host: DockerHost
    public let reason: String

    public var description: String { "engine not reachable at \(host): \(reason)" }
}

/// Fails every test of a suite (or one test) at once, naming the socket, when no engine answers:
/// `@Suite(.requiresEngine)`.
public struct RequiresEngineTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // Checked for each test, not for the suite, so that each test fails with the reason.
        if !test.isSuite { try await TestEngine.requireEngine() }
        try await function()
    }
}

extension Trait where Self == RequiresEngineTrait {
    /// The test or suite needs the real engine: without one, it fails at once naming the socket.
    public static var requiresEngine: Self { RequiresEngineTrait() }
}
