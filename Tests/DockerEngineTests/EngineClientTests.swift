import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite("Docker engine client against the real engine", .requiresEngine)
struct EngineClientTests {
    let client = TestEngine.client

    @Test func pingAndVersion() async throws {
        try await client.ping()
        let version = try await client.version()
        #expect(!version.version.isEmpty)
        #expect(version.os == "linux")
        // The engine must speak the API version the client is pinned to.
        let minimum = version.minAPIVersion ?? "1.12"
        #expect(minimum.compare(DockerEngineClient.defaultAPIVersion, options: .numeric) != .orderedDescending)
        #expect(version.apiVersion.compare(DockerEngineClient.defaultAPIVersion, options: .numeric) != .orderedAscending)
    }

    @Test func imageInspect() async throws {
        let image = try await client.inspectImage(TestEngine.image)
        #expect(image.id.hasPrefix("sha256:"))
        #expect(image.repoTags.contains(TestEngine.image))
        #expect(image.command == ["sh"])
        #expect(image.environment.contains("PATH=/bin"))
    }

    @Test func missingImageIsNotFound() async throws {
        await #expect(throws: DockerEngineError.self) { try await client.inspectImage("no-such-image-\(UUID().uuidString.lowercased()):x") }
        do {
            _ = try await client.inspectImage("no-such-image-zz:x")
        } catch let error as DockerEngineError {
            #expect(error.status == 404)
            guard case .notFound(let message) = error else { Issue.record("expected notFound, got \(error)"); return }
            #expect(message.contains("no-such-image-zz"))
        }
    }

    @Test func createWithEverythingThenInspect() async throws {
        let network = TestEngine.uniqueName("net")
        try await withNetwork(network) {
            let name = TestEngine.uniqueName("full")
            let spec = ContainerSpec(
                image: TestEngine.image, hostname: name,
                labels: [TestEngine.testLabel: "1", "app": "unit", "job": "compute"],
                environment: ["GREETING=hello world", "EMPTY="],
                command: ["sh", "-c", "echo $GREETING"],
                workingDirectory: "/tmp", user: "65534:65534",
                exposedPorts: ["3000/tcp"],
                host: .init(nanoCPUs: 500_000_000, memoryBytes: 64 * 1024 * 1024, memoryReservationBytes: 32 * 1024 * 1024,
                            cpuShares: 512, networkMode: network, restartPolicy: .no,
                            securityOptions: ["no-new-privileges"]),
                network: .init(name: network, aliases: ["compute-alias"])
            )
            let created = try await client.createContainer(name: name, spec: spec)
            let details = try await client.inspectContainer(created.id)
            #expect(details.name == name)
            #expect(details.state.status == .created)
            #expect(details.config.hostname == name)
            #expect(details.config.labels["job"] == "compute")
            #expect(details.config.environment.contains("GREETING=hello world"))
            #expect(details.config.command == ["sh", "-c", "echo $GREETING"])
            #expect(details.config.exposedPorts == ["3000/tcp"])
            #expect(details.networks.keys.contains(network))
            let raw = try await rawInspect(created.id)
            let hostConfig = raw["HostConfig"] as? [String: Any] ?? [:]
            #expect(hostConfig["NanoCpus"] as? Int == 500_000_000)
            #expect(hostConfig["Memory"] as? Int == 64 * 1024 * 1024)
            #expect(hostConfig["MemoryReservation"] as? Int == 32 * 1024 * 1024)
            #expect(hostConfig["CpuShares"] as? Int == 512)
            #expect(hostConfig["SecurityOpt"] as? [String] == ["no-new-privileges"])
            #expect((hostConfig["RestartPolicy"] as? [String: Any])?["Name"] as? String == "no")
            #expect((raw["Config"] as? [String: Any])?["User"] as? String == "65534:65534")
            try await client.removeContainer(created.id, force: true)
        }
    }

    @Test func nameClashIsConflict() async throws {
        let name = TestEngine.uniqueName("clash")
        try await TestEngine.withContainer("true", name: name) { _ in
            do {
                _ = try await client.createContainer(name: name, spec: ContainerSpec(image: TestEngine.image, labels: [TestEngine.testLabel: "1"]))
                Issue.record("a second container with the same name was created")
            } catch let error as DockerEngineError {
                guard case .conflict = error else { Issue.record("expected conflict, got \(error)"); return }
            }
        }
    }

    @Test func waitSetUpBeforeStartSeesEvenAnInstantExit() async throws {
        try await TestEngine.withContainer("exit 7") { id in
            let waiter = try await client.waitForContainer(id, condition: .nextExit)
            try await client.startContainer(id)
            let exit = try await waiter.exit()
            #expect(exit.statusCode == 7)
            let details = try await client.inspectContainer(id)
            #expect(details.state.status == .exited)
            #expect(details.state.exitCode == 7)
            #expect(details.state.startedAt != nil)
            #expect(details.state.finishedAt != nil)
        }
    }

    @Test func startTwiceIsNotAnError() async throws {
        try await TestEngine.withContainer("sleep 30") { id in
            try await client.startContainer(id)
            try await client.startContainer(id)
            #expect(try await client.inspectContainer(id).state.running)
        }
    }

    @Test func stopSendsTermThenKillsAfterTimeout() async throws {
        // The shell ignores TERM, so only the SIGKILL after the 1 s grace period ends it.
        try await TestEngine.withContainer("trap '' TERM; while true; do sleep 1; done") { id in
            try await client.startContainer(id)
            let waiter = try await client.waitForContainer(id, condition: .notRunning)
            let wasRunning = try await client.stopContainer(id, timeout: 1)
            #expect(wasRunning)
            let exit = try await waiter.exit()
            #expect(exit.statusCode == 137)
            // Stopping a stopped container reports that it was not running.
            #expect(try await client.stopContainer(id, timeout: 1) == false)
        }
    }

    @Test func stopLetsAGracefulJobExitCleanly() async throws {
        try await TestEngine.withContainer("trap 'exit 0' TERM; while true; do sleep 0.1; done") { id in
            try await client.startContainer(id)
            try await client.stopContainer(id, timeout: 10)
            #expect(try await client.inspectContainer(id).state.exitCode == 0)
        }
    }

    @Test func killWithSignal() async throws {
        try await TestEngine.withContainer("trap 'exit 42' USR1; while true; do sleep 0.1; done") { id in
            let waiter = try await client.waitForContainer(id, condition: .nextExit)
            try await client.startContainer(id)
            try await Task.sleep(for: .milliseconds(300))
            try await client.killContainer(id, signal: "SIGUSR1")
            #expect(try await waiter.exit().statusCode == 42)
            // Killing a container that no longer runs is a conflict.
            await #expect(throws: DockerEngineError.self) { try await client.killContainer(id) }
        }
    }

    @Test func removeForceKillsARunningContainer() async throws {
        let created = try await client.createContainer(name: TestEngine.uniqueName("rm"), spec: ContainerSpec(
            image: TestEngine.image, labels: [TestEngine.testLabel: "1"], command: ["sleep", "60"]))
        try await client.startContainer(created.id)
        // Without force, a running container is refused.
        do {
            try await client.removeContainer(created.id, force: false)
            Issue.record("a running container was removed without force")
        } catch let error as DockerEngineError {
            guard case .conflict = error else { Issue.record("expected conflict, got \(error)"); return }
        }
        try await client.removeContainer(created.id, force: true)
        await #expect(throws: DockerEngineError.notFound(message: "No such container: \(created.id)")) {
            try await client.inspectContainer(created.id)
        }
    }

    @Test func noSuchContainerErrorsCarryStatusAndMessage() async throws {
        let missing = "no-such-container-\(UUID().uuidString.lowercased())"
        for operation in [
            { try await client.startContainer(missing) },
            { _ = try await client.inspectContainer(missing) },
            { try await client.stopContainer(missing, timeout: 1) },
            { try await client.killContainer(missing) },
            { try await client.removeContainer(missing, force: true) },
            { _ = try await client.logs(missing, tty: false) },
            { _ = try await client.waitForContainer(missing) },
        ] as [@Sendable () async throws -> Void] {
            do {
                try await operation()
                Issue.record("an operation on a missing container succeeded")
            } catch let error as DockerEngineError {
                #expect(error.status == 404, "\(error)")
                #expect(error.description.contains(missing), "\(error)")
            }
        }
    }

    @Test func listFiltersByLabel() async throws {
        let run = UUID().uuidString.lowercased()
        try await TestEngine.withContainer("true", labels: ["run": run, "job": "a"]) { first in
            try await TestEngine.withContainer("true", labels: ["run": run, "job": "b"]) { second in
                let both = try await client.listContainers(all: true, labels: ["run=\(run)"])
                #expect(Set(both.map(\.id)) == [first, second])
                let onlyA = try await client.listContainers(all: true, labels: ["run=\(run)", "job=a"])
                #expect(onlyA.map(\.id) == [first])
                #expect(onlyA.first?.labels["job"] == "a")
                #expect(onlyA.first?.state == .created)
                #expect(onlyA.first?.image == TestEngine.image)
                // Without `all`, containers that do not run are left out.
                #expect(try await client.listContainers(all: false, labels: ["run=\(run)"]).isEmpty)
            }
        }
    }

    @Test func manyRequestsInFlightAtOnce() async throws {
        // 20 waits stay open on the single libcurl thread while 20 inspections are answered: the
        // waits can only end after the kill below, so nothing blocked behind them.
        try await TestEngine.withContainer("sleep 300") { id in
            try await client.startContainer(id)
            let waiters = try await withThrowingTaskGroup(of: ContainerWaiter.self) { group in
                for _ in 0..<20 { group.addTask { try await client.waitForContainer(id, condition: .notRunning) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { let running = try await client.inspectContainer(id).state.running; #expect(running) } }
                try await group.waitForAll()
            }
            try await client.killContainer(id)
            for waiter in waiters { #expect(try await waiter.exit().statusCode == 137) }
        }
    }

    // MARK: - helpers

    private func rawInspect(_ id: String) async throws -> [String: Any] {
        let output = try await runDocker(["inspect", id])
        let array = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]]
        return array?.first ?? [:]
    }

    private func withNetwork(_ name: String, _ body: () async throws -> Void) async throws {
        try await runDocker(["network", "create", name])
        do {
            try await body()
        } catch {
            _ = try? await runDocker(["network", "rm", name])
            throw error
        }
        try await runDocker(["network", "rm", name])
    }
}

/// What the client says about the engine it talks to, with no engine needed.
@Suite("Docker host")
struct DockerHostTests {
    @Test func unreachableSocketSaysWhichSocket() async throws {
        let path = "/tmp/no-engine-\(UUID().uuidString).sock"
        let client = DockerEngineClient(host: DockerHost(socketPath: path))
        do {
            try await client.ping()
            Issue.record("ping succeeded without an engine")
        } catch let error as DockerEngineError {
            guard case .unreachable(let socketPath, _) = error else { Issue.record("expected unreachable, got \(error)"); return }
            #expect(socketPath == path)
            #expect(error.description.hasPrefix("Docker engine not reachable at unix://\(path)"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func dockerHostParsing() throws {
        #expect(try DockerHost.fromEnvironment([:]).socketPath == "/var/run/docker.sock")
        #expect(try DockerHost.fromEnvironment(["DOCKER_HOST": "unix:///run/user/1000/docker.sock"]).socketPath == "/run/user/1000/docker.sock")
        #expect(throws: DockerHostError.self) { try DockerHost.fromEnvironment(["DOCKER_HOST": "tcp://10.0.0.1:2375"]) }
    }
}
