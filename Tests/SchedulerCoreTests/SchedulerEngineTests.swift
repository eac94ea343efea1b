import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Logging
import RadixConfig
import Testing

@Suite("Scheduler on the real engine", .requiresEngine)
struct SchedulerEngineTests {
    @Test func payloadReachesTheJobVerbatimBeforeItStarts() async throws {
        // The job checks its payload, environment and hostname itself and exits 0 only if all hold.
        let payload = "{\"x\": 10, \"y\": \"zürich ✓\"}\n\ttab \"quotes\" \\ backslash"
        let script = """
        printf '%s' "$EXPECTED" > /tmp/expected
        cmp -s /tmp/expected /args/payload || exit 10
        [ "$RADIX_JOB_NAME" = "$(hostname)" ] || exit 11
        [ "$FROM_CONFIG" = config ] && [ "$FROM_REQUEST" = request ] || exit 12
        su -s /bin/sh nobody -c 'cat /args/payload > /dev/null' || exit 13
        """
        try await withScheduler(script: script) { harness in
            let accepted = try await harness.scheduler.submit(JobRequest(payload: payload, jobId: "my-id",
                                                                         variables: ["FROM_REQUEST": "request", "EXPECTED": payload]))
            #expect(accepted.state == .waiting || accepted.state == .running)
            #expect(accepted.jobId == "my-id")
            #expect(JobNaming.isJobName(accepted.name, of: "work"))
            let done = try await harness.waitFor(accepted.name, [.succeeded, .failed])
            #expect(done.state == .succeeded, "exit code \(String(describing: done.podStatuses.first?.exitCode))")
            #expect(done.started != nil && done.ended != nil && done.created != nil)
            #expect(done.podStatuses.first?.image == SchedulerHarness.image)
            #expect(done.podStatuses.first?.imageId.hasPrefix("sha256:") == true)
        }
    }

    @Test func siblingsOnTheNetworkReachTheJobByNameAndLimitsApply() async throws {
        let network = "t-net-\(UUID().uuidString.prefix(8).lowercased())"
        let resources = ResourceRequirements(
            requests: ResourceList(cpu: try CPUQuantity(parsing: "250m"), memory: try MemoryQuantity(parsing: "16Mi")),
            limits: ResourceList(cpu: try CPUQuantity(parsing: "500m"), memory: try MemoryQuantity(parsing: "48Mi")))
        let harness = try await SchedulerHarness(
            script: "mkdir -p /tmp/www && echo \"hello from $(hostname)\" > /tmp/www/index.html && httpd -f -p 3000 -h /tmp/www",
            network: network, ports: [PortDefinition(name: "http", port: 3000)], resources: resources)
        do {
            let job = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(job.name, [.running])
            // A sibling container on the same network, as a component of the application would be.
            let sibling = try await runDocker(["run", "--rm", "--network", network, SchedulerHarness.image,
                                               "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://\(job.name):3000/ && exit 0; sleep 0.3; done; exit 1"])
            #expect(sibling == "hello from \(job.name)\n")
            let inspected = try JSONSerialization.jsonObject(with: Data(try await runDocker(["inspect", job.name]).utf8)) as? [[String: Any]]
            let host = inspected?.first?["HostConfig"] as? [String: Any] ?? [:]
            #expect(host["NanoCpus"] as? Int == 500_000_000)
            #expect(host["Memory"] as? Int == 48 * 1_048_576)
            #expect(host["MemoryReservation"] as? Int == 16 * 1_048_576)
            #expect(host["CpuShares"] as? Int == 256)
            #expect(host["SecurityOpt"] as? [String] == ["no-new-privileges"])
            #expect(host["Privileged"] as? Bool == false)
            #expect((host["Binds"] as? [String] ?? []).isEmpty)
            #expect((host["CapAdd"] as? [String] ?? []).isEmpty)
            let config = inspected?.first?["Config"] as? [String: Any] ?? [:]
            #expect(config["Hostname"] as? String == job.name)
            #expect((config["ExposedPorts"] as? [String: Any])?.keys.contains("3000/tcp") == true)
            try await harness.scheduler.delete(named: job.name)
        } catch {
            await harness.finish()
            _ = try? await runDocker(["network", "rm", network])
            throw error
        }
        await harness.finish()
        try await runDocker(["network", "rm", network])
    }

    @Test func failureReportsTheExitCode() async throws {
        try await withScheduler(script: "echo bad >&2; exit 3") { harness in
            let job = try await harness.scheduler.submit(JobRequest())
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .failed)
            #expect(done.failed == 1)
            #expect(done.podStatuses.first?.exitCode == 3)
            #expect(done.message?.contains("exit code 3") == true)
        }
    }

    @Test func missingExecutableFailsTheJob() async throws {
        try await withScheduler(script: "true") { harness in
            let job = try await harness.scheduler.submit(JobRequest(command: ["/no/such/binary"]))
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .failed)
        }
    }

    @Test func deadlineKillsTheJob() async throws {
        try await withScheduler(script: "sleep 60", timeLimitSeconds: 60) { harness in
            let job = try await harness.scheduler.submit(JobRequest(timeLimitSeconds: 2))
            try await harness.waitFor(job.name, [.running])
            let done = try await harness.waitFor(job.name, [.succeeded, .failed], timeout: .seconds(45))
            #expect(done.state == .failed)
            #expect(done.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
            // Killed (SIGKILL), not ended by itself: its own 60 s would have ended with exit 0.
            #expect(done.podStatuses.first?.exitCode == 137)
            #expect(done.ended!.timeIntervalSince(done.created!) >= 2)
        }
    }

    @Test func backoffRetriesUpToTheLimit() async throws {
        try await withScheduler(script: "exit 4", backoffLimit: 2) { harness in
            let job = try await harness.scheduler.submit(JobRequest())
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .failed)
            #expect(done.failed == 3)
            #expect(done.podStatuses.map(\.exitCode) == [4, 4, 4])
            #expect(done.podStatuses.last?.restartCount == 2)
        }
    }

    @Test func theFailurePolicyDecidesRetriesByExitCode() async throws {
        // The first run exits 7 (ignored by the policy), the second 1 (counted: the one retry allowed),
        // the third succeeds; a run that exits 42 fails the job at once.
        let script = #"[ "$QUICK_FAIL" = 1 ] && exit 42; n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; [ $n -eq 1 ] && exit 7; [ $n -eq 2 ] && exit 1; exit 0"#
        let policy = FailurePolicy(rules: [
            FailurePolicyRule(action: .failJob, onExitCodes: ExitCodeRequirement(operator: .in, values: [42])),
            FailurePolicyRule(action: .ignore, onExitCodes: ExitCodeRequirement(operator: .in, values: [7])),
        ])
        let harness = try await SchedulerHarness(script: script, backoffLimit: 1, failurePolicy: policy)
        do {
            let job = try await harness.scheduler.submit(JobRequest())
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded, "\(done)")
            #expect(done.failed == 2)
            #expect(done.podStatuses.map(\.exitCode) == [7, 1, 0])
            // Each retried attempt is recorded in the engine, and goes with the job.
            let records = try await SchedulerHarness.engine.listVolumes(labels: ["radix-app=\(harness.applicationName)", "radix-attempt"])
            #expect(Set(records.compactMap { $0.labels["radix-attempt-exit-code"] }) == ["7", "1"])
            try await harness.scheduler.delete(named: job.name)
            // (Only the tally of removed runs stays, counting it.)
            let left = try await SchedulerHarness.engine.listVolumes(labels: ["radix-app=\(harness.applicationName)"])
            #expect(left.map { $0.labels.keys.contains("radix-run-tally") } == [true], "\(left.map(\.name))")

            let quick = try await harness.scheduler.submit(JobRequest(variables: ["QUICK_FAIL": "1"]))
            let failed = try await harness.waitFor(quick.name, [.succeeded, .failed])
            #expect(failed.state == .failed)
            #expect(failed.failed == 1)
            #expect(failed.podStatuses.map(\.exitCode) == [42])
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
    }

    @Test func aRetryCanSucceed() async throws {
        // The container's filesystem survives a retry: the first attempt fails, the second succeeds.
        try await withScheduler(script: "if [ -f /tmp/tried ]; then exit 0; fi; touch /tmp/tried; exit 1", backoffLimit: 3) { harness in
            let job = try await harness.scheduler.submit(JobRequest())
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            #expect(done.failed == 1)
        }
    }

    @Test func stopGoesThroughStoppingToStopped() async throws {
        // The job ignores SIGTERM, so only the kill after the grace period ends it.
        try await withScheduler(script: "trap '' TERM; while true; do sleep 0.2; done", stopGracePeriod: .seconds(2)) { harness in
            let job = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(job.name, [.running])
            let stopping = try await harness.scheduler.stop(named: job.name)
            #expect(stopping.state == .stopping)
            #expect(try await harness.scheduler.job(named: job.name).state == .stopping)
            // The grace period is 2 s; the rest is room for a loaded engine (a CI run once needed more than 10 s).
            let stopped = try await harness.waitFor(job.name, [.stopped], timeout: .seconds(120))
            #expect(stopped.ended != nil)
            // Stopping an ended job is refused.
            await #expect(throws: SchedulerError.jobAlreadyEnded(job.name)) { try await harness.scheduler.stop(named: job.name) }
        }
    }

    @Test func stopAllStopsEveryActiveJob() async throws {
        try await withScheduler(script: "trap 'exit 0' TERM; while true; do sleep 0.1; done") { harness in
            let first = try await harness.scheduler.submit(JobRequest())
            let second = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(first.name, [.running])
            try await harness.waitFor(second.name, [.running])
            let stopped = try await harness.scheduler.stopAll()
            #expect(Set(stopped.map(\.name)) == [first.name, second.name])
            try await harness.waitFor(first.name, [.stopped])
            try await harness.waitFor(second.name, [.stopped])
        }
    }

    @Test func deleteRemovesARunningJobAndItsContainer() async throws {
        try await withScheduler(script: "sleep 60") { harness in
            let job = try await harness.scheduler.submit(JobRequest(payload: "secret"))
            try await harness.waitFor(job.name, [.running])
            try await harness.scheduler.delete(named: job.name)
            await #expect(throws: SchedulerError.jobNotFound(job.name)) { try await harness.scheduler.job(named: job.name) }
            #expect(try await harness.containerNames().isEmpty)
            await #expect(throws: SchedulerError.jobNotFound(job.name)) { try await harness.scheduler.delete(named: job.name) }
        }
    }

    @Test func historyKeepsTheLatestSucceededAndFailed() async throws {
        try await withScheduler(script: "exit ${CODE:-0}", historyLimit: 2) { harness in
            var succeeded: [String] = []
            var failed: [String] = []
            for index in 0..<7 {
                let fail = index.isMultiple(of: 2)
                let job = try await harness.scheduler.submit(JobRequest(variables: ["CODE": fail ? "1" : "0"]))
                try await harness.waitFor(job.name, [.succeeded, .failed])
                if fail { failed.append(job.name) } else { succeeded.append(job.name) }
            }
            let kept = Set(await harness.scheduler.jobs().map(\.name))
            #expect(kept == Set(succeeded.suffix(2) + failed.suffix(2)))
            // And the engine follows: older containers are removed.
            try await waitUntil("the engine holds only the kept jobs", lastSeen: { "\(kept)" }) { try await harness.containerNames() == kept }
        }
    }

    @Test func schedulersSharingAnEngineSeeOnlyTheirOwnJobs() async throws {
        try await withScheduler(script: "true") { first in
            try await withScheduler(script: "true") { second in
                let mine = try await first.scheduler.submit(JobRequest())
                try await first.waitFor(mine.name, [.succeeded])
                #expect(await second.scheduler.jobs().isEmpty)
                await #expect(throws: SchedulerError.jobNotFound(mine.name)) { try await second.scheduler.job(named: mine.name) }
                await #expect(throws: SchedulerError.jobNotFound(mine.name)) { try await second.scheduler.delete(named: mine.name) }
            }
        }
    }

    @Test func burstOfConcurrentSubmissionsGivesDistinctJobsEachRunOnce() async throws {
        // Each job appends to its own log line count; a job run twice would show a restart or a second container.
        try await withScheduler(script: "echo ran", historyLimit: 200) { harness in
            let names = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { try await harness.scheduler.submit(JobRequest()).name } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(names).count == 100)
            for name in names { try await harness.waitFor(name, [.succeeded, .failed], timeout: .seconds(120)) }
            let jobs = await harness.scheduler.jobs()
            #expect(jobs.count == 100)
            #expect(jobs.allSatisfy { $0.state == .succeeded && $0.failed == 0 && $0.podStatuses.first?.restartCount == 0 })
            #expect(try await harness.containerNames() == Set(names))
        }
    }
}

@Suite("Job logs", .requiresEngine)
struct JobLogsTests {
    @Test func logsOfAFinishedJobKeepStreamsApart() async throws {
        try await withScheduler(script: "echo out1; echo err1 >&2; sleep 0.3; echo out2") { harness in
            let job = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(job.name, [.succeeded])
            var stdout = "", stderr = ""
            for try await chunk in try await harness.scheduler.logs(named: job.name, options: JobLogOptions()) {
                if chunk.stream == .stdout { stdout += String(decoding: chunk.bytes, as: UTF8.self) } else { stderr += String(decoding: chunk.bytes, as: UTF8.self) }
            }
            #expect(stdout == "out1\nout2\n")
            #expect(stderr == "err1\n")
            var tail = ""
            for try await chunk in try await harness.scheduler.logs(named: job.name, options: JobLogOptions(tail: 1)) {
                tail += String(decoding: chunk.bytes, as: UTF8.self)
            }
            #expect(tail == "out2\n")
        }
    }

    @Test func followEndsWhenTheJobEnds() async throws {
        try await withScheduler(script: "for i in 1 2 3; do echo tick$i; sleep 0.5; done") { harness in
            let job = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(job.name, [.running])
            var text = ""
            for try await chunk in try await harness.scheduler.logs(named: job.name, options: JobLogOptions(follow: true)) {
                text += String(decoding: chunk.bytes, as: UTF8.self)
            }
            #expect(text == "tick1\ntick2\ntick3\n")
            await #expect(throws: SchedulerError.jobNotFound("work-19700101000000-aaaaaaaa")) {
                _ = try await harness.scheduler.logs(named: "work-19700101000000-aaaaaaaa", options: JobLogOptions())
            }
        }
    }
}

/// Containers planted to fool the scheduler, on the real engine.
@Suite("Planted containers", .requiresEngine)
struct PlantedContainerTests {
    /// A container labelled as a job of this scheduler but naming an unrelated container in its job-name
    /// label: neither is listed, and neither can be stopped or deleted through the scheduler.
    @Test func aLabelNamingAnotherContainerMakesNoJob() async throws {
        let application = "t-\(UUID().uuidString.prefix(8).lowercased())"
        let victim = "victim-\(application)"
        let engine = SchedulerHarness.engine
        _ = try await engine.createContainer(name: victim, spec: ContainerSpec(image: SchedulerHarness.image, command: ["sleep", "60"]))
        try await engine.startContainer(victim)
        _ = try await engine.createContainer(name: "planted-\(application)", spec: ContainerSpec(
            image: SchedulerHarness.image, labels: ["radix-app": application, "radix-job": "work", "radix-job-name": victim], command: ["true"]))
        let harness = try await SchedulerHarness(script: "true", applicationName: application)
        do {
            #expect(harness.scheduler.jobs().isEmpty, "\(harness.scheduler.jobs().map(\.name))")
            await #expect(throws: SchedulerError.jobNotFound(victim)) { try await harness.scheduler.delete(named: victim) }
            await #expect(throws: SchedulerError.jobNotFound(victim)) { try await harness.scheduler.stop(named: victim) }
            // Read by its name (as an event about it would have it read), it is not a job either.
            #expect(try await harness.runtime.observe(name: victim, selector: harness.configuration.selector) == nil)
            #expect(try await engine.inspectContainer(victim).state.status == .running, "the victim is untouched")
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
        try? await engine.removeContainer(victim, force: true)
    }
}

/// radixconfig's `runAsUser` and `readOnlyFileSystem`, on the real engine.
@Suite("Job security options", .requiresEngine)
struct JobSecurityTests {
    static func output(of name: String, in harness: SchedulerHarness) async throws -> String {
        var text = ""
        for try await chunk in try await harness.scheduler.logs(named: name, options: JobLogOptions()) {
            text += String(decoding: chunk.bytes, as: UTF8.self)
        }
        return text
    }

    @Test func aJobRunsAsItsUserAndARequestMayChooseAnother() async throws {
        let harness = try await SchedulerHarness(script: "id -u; cat /args/payload", runAsUser: 1234)
        do {
            let configured = try await harness.scheduler.submit(JobRequest(payload: "p1"))
            let chosen = try await harness.scheduler.submit(JobRequest(payload: "p2", runAsUser: 4321))
            for job in [configured, chosen] { try await harness.waitFor(job.name, [.succeeded]) }
            #expect(try await Self.output(of: configured.name, in: harness) == "1234\np1")
            #expect(try await Self.output(of: chosen.name, in: harness) == "4321\np2", "the payload is readable by any user")
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
    }

    @Test func aReadOnlyFileSystemStillHasItsPayload() async throws {
        let harness = try await SchedulerHarness(script: "cat /args/payload; echo; touch /written 2>&1 || echo refused", readOnlyFileSystem: true)
        do {
            let job = try await harness.scheduler.submit(JobRequest(payload: "the payload"))
            try await harness.waitFor(job.name, [.succeeded])
            let output = try await Self.output(of: job.name, in: harness)
            #expect(output.hasPrefix("the payload\n") && output.contains("Read-only file system") && output.hasSuffix("refused\n"), "\(output)")
            // The payload's volume goes with the job.
            try await harness.scheduler.delete(named: job.name)
            let volumes = try await SchedulerHarness.engine.listVolumes(labels: ["radix-job-name=\(job.name)"])
            #expect(volumes.isEmpty, "\(volumes.map(\.name))")
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
    }
}
