import DockerEngine
import EngineTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `job-scheduler serve --warm-pool` as a process, killed and restarted: a pooled container that waits
/// is never reported as a job, a claimed one always is, and none is left behind.
@Suite("job-scheduler serve --warm-pool as a process", .serialized, .requiresEngine, .enabled(if: !TestEngine.onSwarm))
struct WarmPoolProcessTests {
    static let memberLabel = "radix-warm-member"

    /// The application's containers: the pooled ones still waiting (named as made), and the others.
    static func containers(_ server: SchedulerProcess) async throws -> (waiting: Set<String>, jobs: Set<String>) {
        var waiting: Set<String> = [], jobs: Set<String> = []
        for container in try await TestEngine.containers(labelled: "radix-app=\(server.application)") {
            let name = container.names.first ?? ""
            if container.labels[memberLabel] == name { waiting.insert(container.id) } else { jobs.insert(name) }
        }
        return (waiting, jobs)
    }

    /// The pool's own count of members ready for a claim, from `GET /metrics`.
    static func ready(_ server: SchedulerProcess) async throws -> Int? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/metrics")!)
        request.timeoutInterval = 10
        let text = String(decoding: try await URLSession.shared.data(for: request).0, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("job_scheduler_warm_containers_ready{") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) }
    }

    @Test func aSIGKILLLeavesNoPooledContainerTakenForAJobAndNoneBehind() async throws {
        try await SchedulerProcess.withScheduler { server in
            try await server.start(server.serveArguments + ["--warm-pool", "2"])
            try await waitUntil("the pool is full") { try await Self.ready(server) == 2 }
            let done = try await server.submit(["payload": "first"])
            let running = try await server.submit(["payload": "second", "variables": ["SLEEP": "600"]])  // runs through the restart, however slow the machine
            _ = try await server.waitFor(done, ["Succeeded"])
            _ = try await server.waitFor(running, ["Running"])
            // Both came from the pool.
            for job in [done, running] {
                #expect(try await TestEngine.client.inspectContainer(job).config.labels[Self.memberLabel] != nil)
            }
            try await waitUntil("the pool is refilled") { try await Self.ready(server) == 2 }
            let before = try await Self.containers(server).waiting

            await server.crash()
            try await server.start(server.serveArguments + ["--warm-pool", "2"])
            let listed = try await server.request("GET", "/jobs").body as? [[String: Any]] ?? []
            #expect(Set(listed.compactMap { $0["name"] as? String }) == [done, running])
            #expect(try await server.job(done)["status"] as? String == "Succeeded")
            #expect(try await server.job(running)["status"] as? String == "Running")
            // The dead process's waiting containers are gone; the new one has its own.
            try await waitUntil("the new pool is full") { try await Self.ready(server) == 2 }
            let after = try await Self.containers(server)
            #expect(after.waiting.isDisjoint(with: before))
            #expect(after.jobs == [done, running])
            let output = try await runDocker(["logs", done])
            #expect(output.hasPrefix("first\n"), "\(output)")

            // SIGTERM: the waiting containers go, the jobs stay.
            #expect(await server.terminate() == 0)
            let left = try await Self.containers(server)
            #expect(left.waiting.isEmpty)
            #expect(left.jobs == [done, running])
        }
    }

    @Test func aPoolOnASwarmOrLargerThanTheLimitIsRefused() async throws {
        try await SchedulerProcess.withScheduler { server in
            let binary = try #require(JobSchedulerBinary.url()?.path)
            let swarm = try await ChildProcess.run([binary] + server.serveArguments + ["--warm-pool", "2", "--runtime", "swarm"], input: nil)
            #expect(swarm.status != 0 && swarm.stderr.contains("--warm-pool works on one engine"), "\(swarm)")
            let tooMany = try await ChildProcess.run([binary] + server.serveArguments + ["--warm-pool", "33"], input: nil)
            #expect(tooMany.status != 0 && tooMany.stderr.contains("--warm-pool must be between 0 and 32"), "\(tooMany)")
        }
    }
}
