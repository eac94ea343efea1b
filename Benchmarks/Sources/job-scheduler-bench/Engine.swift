import DockerEngine
import Foundation

/// The benchmark's own use of the engine: the direct job lifecycle it compares against, its event
/// subscription, and the clean-up of everything it and its schedulers made.
struct Engine: Sendable {
    let client: DockerEngineClient
    let settings: BenchSettings

    /// The label on every container the benchmark creates itself.
    static let benchLabel = "jobsched-bench"

    /// What one direct lifecycle cost, phase by phase (milliseconds), and the container's name.
    struct DirectSample: Sendable, Codable {
        var name: String
        var create: Double
        var waitSetup: Double
        var start: Double
        var untilExit: Double
        var remove: Double
        var total: Double
        /// Wall-clock seconds at the beginning, to place the engine's events.
        var startedWall: Double
    }

    /// The container spec of a direct job: what the scheduler's `DockerJobRuntime` asks for a job of the
    /// same config (image, entrypoint, hostname, five labels, four variables, `no-new-privileges`,
    /// default network, no restart), so both sides ask the engine for the same work.
    func directSpec(name: String, command: [String]) -> ContainerSpec {
        ContainerSpec(
            image: settings.image,
            hostname: name,
            labels: [
                Self.benchLabel: settings.runID,
                "jobsched-bench-job": name,
                "jobsched-bench-kind": "direct",
                "jobsched-bench-time-limit-seconds": "3600",
                "jobsched-bench-backoff-limit": "0",
            ],
            environment: ["RADIX_APP=direct", "RADIX_COMPONENT=bench", "RADIX_ENVIRONMENT=bench", "RADIX_JOB_NAME=\(name)"],
            entrypoint: command,
            host: .init(networkMode: settings.network, restartPolicy: .no, securityOptions: ["no-new-privileges"])
        )
    }

    /// Create, wait (next-exit, registered before start), start, exit, and optionally remove.
    func directLifecycle(name: String, command: [String], remove: Bool = true) async throws -> DirectSample {
        let startedWall = wallSeconds()
        let t0 = monotonicNanos()
        let created = try await client.createContainer(name: name, spec: directSpec(name: name, command: command))
        let t1 = monotonicNanos()
        let waiter = try await client.waitForContainer(created.id, condition: .nextExit)
        let t2 = monotonicNanos()
        try await client.startContainer(created.id)
        let t3 = monotonicNanos()
        let exit = try await waiter.exit()
        let t4 = monotonicNanos()
        if remove { try await client.removeContainer(created.id, force: true) }
        let t5 = monotonicNanos()
        guard exit.statusCode == 0 else { throw BenchFailure("direct job \(name) exited with \(exit.statusCode)") }
        return DirectSample(name: name, create: milliseconds(from: t0, to: t1), waitSetup: milliseconds(from: t1, to: t2),
                            start: milliseconds(from: t2, to: t3), untilExit: milliseconds(from: t3, to: t4),
                            remove: milliseconds(from: t4, to: t5), total: milliseconds(from: t0, to: t5), startedWall: startedWall)
    }

    // MARK: - Clean-up

    /// Removes every container carrying all of `labels`, 16 at a time. Never throws: clean-up goes on.
    func removeContainers(labels: [String]) async -> Int {
        guard let containers = try? await client.listContainers(all: true, labels: labels) else { return 0 }
        let client = client
        await withTaskGroup(of: Void.self) { group in
            var pending = containers.map(\.id)[...]
            func addNext() {
                guard let id = pending.popFirst() else { return }
                group.addTask { try? await client.removeContainer(id, force: true) }
            }
            for _ in 0..<16 { addNext() }
            while await group.next() != nil { addNext() }
        }
        return containers.count
    }

    /// Everything a scheduler of `application` made: containers and stop-record volumes.
    func removeApplication(_ application: String) async {
        let removed = await removeContainers(labels: ["radix-app=\(application)"])
        if let volumes = try? await client.listVolumes(labels: ["radix-app=\(application)"]) {
            for volume in volumes { try? await client.removeVolume(name: volume.name, force: true) }
        }
        if removed > 0 { progress("removed \(removed) containers of \(application)") }
    }

    func removeDirectContainers() async {
        let removed = await removeContainers(labels: ["\(Self.benchLabel)=\(settings.runID)"])
        if removed > 0 { progress("removed \(removed) direct containers") }
    }
}

