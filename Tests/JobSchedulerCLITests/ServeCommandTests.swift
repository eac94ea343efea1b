import EngineTestSupport
import Foundation
import RadixConfig
import Testing
@testable import JobSchedulerCLI

/// `serve`'s settings: flags, their environment variables, and the checks made before anything runs.
@Suite("serve settings")
struct ServeSettingsTests {
    func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> ServeSettings {
        let command = try #require(try JobSchedulerCommand.parseAsRoot(["serve"] + arguments) as? ServeCommand)
        return try ServeSettings.resolve(command, environment: environment)
    }

    @Test func defaults() throws {
        let settings = try settings([])
        #expect(settings == ServeSettings(configPath: "radixconfig.yaml", jobName: nil, environment: nil, port: nil, host: "0.0.0.0",
                                          historyLimit: 10, network: nil, stopGracePeriodSeconds: 30))
    }

    @Test func environmentVariablesFillEveryFlag() throws {
        let settings = try settings([], environment: [
            "JOB_SCHEDULER_CONFIG": "/etc/app/radixconfig.yaml", "JOB_SCHEDULER_JOB": "compute", "JOB_SCHEDULER_ENV": "prod",
            "JOB_SCHEDULER_PORT": "9100", "JOB_SCHEDULER_HOST": "127.0.0.1", "JOB_SCHEDULER_HISTORY_LIMIT": "3",
            "JOB_SCHEDULER_NETWORK": "radix", "JOB_SCHEDULER_STOP_GRACE_PERIOD": "5", "JOB_SCHEDULER_MAX_RUNNING": "8",
        ])
        #expect(settings == ServeSettings(configPath: "/etc/app/radixconfig.yaml", jobName: "compute", environment: "prod", port: 9100,
                                          host: "127.0.0.1", historyLimit: 3, network: "radix", stopGracePeriodSeconds: 5, maxRunning: 8))
    }

    @Test func flagsWinOverEnvironmentVariables() throws {
        let settings = try settings(["--job", "etl", "--port", "9200", "--history-limit", "4"],
                                    environment: ["JOB_SCHEDULER_JOB": "compute", "JOB_SCHEDULER_PORT": "9100", "JOB_SCHEDULER_HISTORY_LIMIT": "3"])
        #expect(settings.jobName == "etl")
        #expect(settings.port == 9200)
        #expect(settings.historyLimit == 4)
    }

    @Test func webhookFlagsAreReadAndCheckedBeforeAnythingRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-secret-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good").path, bad = folder.appendingPathComponent("bad").path
        try "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".write(toFile: bad, atomically: true, encoding: .utf8)

        let settings = try settings(["--resolve", "receiver=127.0.0.1", "--resolve", "backend=10.0.0.2"],
                                    environment: ["JOB_SCHEDULER_WEBHOOK_SECRET_FILE": good])
        #expect(settings.hostAddresses == ["receiver": "127.0.0.1", "backend": "10.0.0.2"])
        #expect(settings.webhookSecretFile == good)
        #expect(try settings.webhookSecret() != nil)
        #expect(try self.settings([]).webhookSecret() == nil, "unsigned without a secret")

        #expect(throws: ServeSettings.Problem("--resolve receiver: expected host=address, such as receiver=127.0.0.1")) {
            try self.settings(["--resolve", "receiver"])
        }
        #expect(throws: ServeSettings.Problem("--webhook-secret-file \(bad): a webhook secret starts with whsec_ (Standard Webhooks)")) {
            try self.settings(["--webhook-secret-file", bad]).webhookSecret()
        }
        #expect(throws: ServeSettings.Problem.self) { try self.settings(["--webhook-secret-file", folder.appendingPathComponent("none").path]).webhookSecret() }
    }

    @Test func portNeedsAJob() {
        #expect(throws: ServeSettings.Problem.self) { try settings(["--port", "9100"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings([], environment: ["JOB_SCHEDULER_PORT": "9100"]) }
    }

    @Test func badValuesAreRefused() {
        #expect(throws: ServeSettings.Problem.self) { try settings([], environment: ["JOB_SCHEDULER_HISTORY_LIMIT": "many"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--history-limit", "0"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--stop-grace-period=-1"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--job", "a", "--port", "70000"]) }
        #expect(throws: ServeSettings.Problem.self) { try settings(["--max-running", "0"]) }
    }

    @Test func jobsComeFromTheConfigEachOnItsPort() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good.replacingOccurrences(of: "src: deploy/app/etl", with: "image: radix-example/etl:latest"))
        let application = try RadixConfigFile.load(path: path)
        let all = try settings(["--config", path]).jobs(of: application)
        #expect(all.map(\.job.name) == ["compute", "etl"])
        #expect(all.map(\.port) == [8000, 9000])
        let one = try settings(["--config", path, "--job", "etl", "--port", "9500"]).jobs(of: application)
        #expect(one.map(\.port) == [9500])
        #expect(throws: ServeSettings.Problem.self) { try settings(["--job", "nope"]).jobs(of: application) }
    }

    @Test func aJobWithoutImageCannotBeServed() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let application = try RadixConfigFile.load(path: path)
        #expect(throws: ServeSettings.Problem.self) { try settings(["--job", "etl"]).jobs(of: application) }
    }
}

/// The real `job-scheduler serve` process on a free port: it answers, runs a job, and stops gracefully
/// on SIGTERM while the job containers it started keep running.
@Suite("job-scheduler serve, as a process", .serialized)
struct ServeCommandProcessTests {
    @Test(.requiresEngine) func servesRunsAJobAndStopsGracefullyLeavingJobsRunning() async throws {
        let server = try SchedulerProcess(script: #"test "$(cat /args/payload)" = ready"#)
        do {
            // The configuration and environment from variables, and the port from the configuration.
            try await server.start(["serve", "--host", "127.0.0.1"],
                                   environment: ["JOB_SCHEDULER_CONFIG": server.configPath, "JOB_SCHEDULER_ENV": "dev"])
            let name = try await server.submit(["payload": "ready"])
            let done = try await server.waitFor(name, ["Succeeded", "Failed"], timeout: .seconds(120))
            #expect(done["status"] as? String == "Succeeded")

            // A job still running when the scheduler stops goes on running.
            let long = try await server.submit(["command": ["sleep", "300"]])
            try await server.waitFor(long, ["Running"], timeout: .seconds(120))

            let exit = await server.terminate()
            #expect(exit == 0, "serve exited with \(exit); log:\n\(server.log)")
            #expect(try await TestEngine.client.inspectContainer(long).state.running)
        } catch {
            await server.cleanUp()
            throw error
        }
        await server.cleanUp()
    }

    /// radixconfig's `runtime` and `node` choose nodes: on one engine `serve` refuses to start, saying so
    /// (rather than run the job anywhere, as if they were not there).
    @Test(.requiresEngine) func onOneEngineAJobThatChoosesItsNodeIsRefused() async throws {
        let binary = try #require(JobSchedulerBinary.url(), "job-scheduler was not found next to the test bundle")
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", """
            apiVersion: radix.equinor.com/v1
            kind: RadixApplication
            metadata:
              name: placed
            spec:
              jobs:
                - name: train
                  image: busybox:latest
                  schedulerPort: 8000
                  runtime:
                    architecture: amd64
                  node:
                    gpuCount: "1"
            """)
        let log = folder.url.appendingPathComponent("serve.log").path
        let serve = try ProcessGroup([binary.path, "serve", "--config", path, "--job", "train"], environment: [:], logFile: log)
        defer { serve.kill() }
        let status = try await waitForValue("serve refuses the job", timeout: .seconds(30)) { serve.exitCodeIfEnded }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(status == 1)
        #expect(text.contains("job train: runtime.architecture: the node cannot be chosen: this scheduler runs its jobs on one engine"), "\(text)")
        #expect(text.contains("job train: node: GPUs cannot be requested"), "\(text)")
    }

    @Test func anUnreachableEngineIsAOneLineError() async throws {
        let binary = try #require(JobSchedulerBinary.url(), "job-scheduler was not found next to the test bundle")
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let log = folder.url.appendingPathComponent("serve.log").path
        let serve = try ProcessGroup([binary.path, "serve", "--config", path, "--job", "compute"],
                                     environment: ["DOCKER_HOST": "unix:///tmp/no-such-engine.sock"], logFile: log)
        defer { serve.kill() }
        let status = try await waitForValue("serve gives up on the missing engine", timeout: .seconds(30)) { serve.exitCodeIfEnded }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(status == 1)
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("cannot reach the Docker engine at unix:///tmp/no-such-engine.sock") == true, "\(lines)")
    }
}
