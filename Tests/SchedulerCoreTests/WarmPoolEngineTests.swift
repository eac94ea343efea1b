import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Logging
import RadixConfig
import Testing

/// Jobs started in containers of a warm pool, on the real engine (one engine only: a swarm places its
/// tasks itself).
@Suite("Warm pool on the real engine", .requiresEngine, .enabled(if: !TestEngine.onSwarm))
struct WarmPoolEngineTests {
    /// The pooled containers of the harness's application that wait for a claim (named as made).
    static func waitingMembers(_ harness: SchedulerHarness) async throws -> [ContainerSummary] {
        try await TestEngine.containers(labelled: "radix-app=\(harness.applicationName)").filter {
            $0.labels[WarmClaim.memberLabel] != nil && $0.names.first == $0.labels[WarmClaim.memberLabel]
        }
    }

    @Test func aClaimedContainerBecomesTheJobWithItsPayloadVariablesNameAndAlias() async throws {
        let network = "t-warm-\(UUID().uuidString.prefix(8).lowercased())"
        // The job checks what a cold job gets, then serves its name on port 3000 until told to end.
        let script = """
        printf '%s' "$EXPECTED" > /tmp/expected
        cmp -s /tmp/expected /args/payload || exit 10
        [ "$FROM_CONFIG" = config ] && [ "$FROM_REQUEST" = request ] || exit 12
        [ -n "$RADIX_JOB_NAME" ] && [ "$RADIX_APP" != "" ] || exit 13
        [ -e /tmp/left-by-an-earlier-job ] && exit 14
        touch /tmp/left-by-an-earlier-job
        mkdir -p /tmp/www && echo "hello from $RADIX_JOB_NAME" > /tmp/www/index.html
        httpd -p 3000 -h /tmp/www
        while [ ! -e /tmp/www/done ]; do sleep 0.1; done
        """
        let harness = try await SchedulerHarness(script: script, network: network, ports: [PortDefinition(name: "http", port: 3000)], warmPool: 2)
        do {
            let members = Set(try await Self.waitingMembers(harness).map(\.id))
            #expect(members.count == 2)
            let payload = "{\"x\": 1}\n\tzürich ✓ \"quoted\" \\ and a NUL-free tail"
            let job = try await harness.scheduler.submit(JobRequest(payload: payload, variables: ["FROM_REQUEST": "request", "EXPECTED": payload]))
            try await harness.waitFor(job.name, [.running])
            // The job's container is one of the pool's, now named as the job.
            let details = try await TestEngine.client.inspectContainer(job.name)
            #expect(members.contains(details.id))
            // Siblings reach it by its name, as they would a cold job.
            let answer = try await runDocker(["run", "--rm", "--network", network, SchedulerHarness.image, "sh", "-c",
                                              "for i in $(seq 1 30); do wget -qO- http://\(job.name):3000/ && exit 0; sleep 0.2; done; exit 1"])
            #expect(answer == "hello from \(job.name)\n")
            _ = try await runDocker(["exec", job.name, "touch", "/tmp/www/done"])
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded, "exit code \(String(describing: done.podStatuses.first?.exitCode))")
            #expect(done.started != nil && done.started! >= done.created!)
            // The pool made a new member for the one taken; the next job gets a container of its own.
            try await waitUntil("the pool is refilled") { try await Self.waitingMembers(harness).count == 2 }
            let second = try await harness.scheduler.submit(JobRequest(payload: payload, variables: ["FROM_REQUEST": "request", "EXPECTED": payload]))
            try await harness.waitFor(second.name, [.running])
            _ = try await runDocker(["exec", second.name, "touch", "/tmp/www/done"])
            let secondDone = try await harness.waitFor(second.name, [.succeeded, .failed])
            #expect(secondDone.state == .succeeded, "exit code \(String(describing: secondDone.podStatuses.first?.exitCode))")
            // Only jobs are reported: the waiting members are none.
            #expect(Set(harness.scheduler.jobs().map(\.name)) == [job.name, second.name])
        } catch {
            await harness.finish()
            _ = try? await runDocker(["network", "rm", network])
            throw error
        }
        await harness.finish()
        _ = try? await runDocker(["network", "rm", network])
    }

    @Test func aPayloadOfAMegabyteArrivesWhole() async throws {
        try await withScheduler(script: "md5sum < /args/payload; wc -c < /args/payload", warmPool: 1) { harness in
            let payload = String((0..<1_000_000).map { index in Character(Unicode.Scalar(UInt8(97 + index % 26))) })
            let job = try await harness.scheduler.submit(JobRequest(payload: payload))
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            #expect(try await TestEngine.client.inspectContainer(job.name).config.labels[WarmClaim.memberLabel] != nil)
            let expected = try await ChildProcess.run(["md5sum"], input: Data(payload.utf8)).stdout.prefix(32)
            let output = try await runDocker(["logs", job.name])
            #expect(output == "\(expected)  -\n1000000\n", "\(output)")
        }
    }

    @Test func otherBoundsAreGivenToTheClaimedContainer() async throws {
        try await withScheduler(script: "exit 0", warmPool: 1) { harness in
            let job = try await harness.scheduler.submit(JobRequest(requests: ["memory": "20Mi"], limits: ["memory": "40Mi", "cpu": "300m"]))
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            let inspected = try JSONSerialization.jsonObject(with: Data(try await runDocker(["inspect", job.name]).utf8)) as? [[String: Any]]
            let host = inspected?.first?["HostConfig"] as? [String: Any] ?? [:]
            #expect(host["Memory"] as? Int == 40 * 1_048_576)
            #expect(host["MemorySwap"] as? Int == 80 * 1_048_576)
            #expect(host["MemoryReservation"] as? Int == 20 * 1_048_576)
            #expect(host["NanoCpus"] as? Int == 300_000_000)
            #expect((inspected?.first?["Config"] as? [String: Any]).flatMap { ($0["Labels"] as? [String: String])?[WarmClaim.memberLabel] } != nil)
        }
    }

    @Test func aRequestThatDiffersFromThePoolStartsCold() async throws {
        try await withScheduler(script: "exit 0", warmPool: 1) { harness in
            let job = try await harness.scheduler.submit(JobRequest(runAsUser: 1000))
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            let details = try await TestEngine.client.inspectContainer(job.name)
            #expect(details.config.labels[WarmClaim.memberLabel] == nil)
            #expect(details.config.labels["radix-job-name"] == job.name)
            #expect(try await Self.waitingMembers(harness).count == 1)  // untouched
        }
    }

    @Test func aFailedRunInAWarmContainerIsRetriedThere() async throws {
        // The first run fails, the retry (the same container started again) succeeds: the waiter runs the
        // job again at once, with the payload still in place.
        let script = #"cat /args/payload | grep -q again || exit 9; n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; [ $n -eq 1 ] && exit 3; exit 0"#
        try await withScheduler(script: script, backoffLimit: 1, warmPool: 1) { harness in
            let job = try await harness.scheduler.submit(JobRequest(payload: "once and again"))
            let done = try await harness.waitFor(job.name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            #expect(done.failed == 1)
            #expect(done.podStatuses.map(\.exitCode) == [3, 0])
        }
    }

    @Test func aClaimMadeBeforeTheSchedulersDeathRunsOnceAfterItsRestart() async throws {
        let first = try await SchedulerHarness(script: #"cat /args/payload; echo " ran in $RADIX_JOB_NAME""#, warmPool: 1)
        let application = first.applicationName
        do {
            // A claim whose go never came: the process died between its answer and the start.
            let name = JobNaming.newName(for: "work")
            var launch = try JobLaunchFactory.launch(for: JobRequest(payload: "claimed"), name: name, configuration: first.configuration)
            launch.name = name
            try await first.runtime.create(launch)
            first.events.cancel()
            first.pool?.cancel()
            await first.pool?.value
            // What a SIGKILL leaves too: a member still waiting, and one renamed for a claim that was never recorded.
            let waiting = "work-warm-leftover0001", unrecorded = JobNaming.newName(for: "work")
            for (container, member) in [(waiting, waiting), (unrecorded, "work-warm-leftover0002")] {
                _ = try await runDocker(["run", "-d", "--name", container, "--label", "radix-app=\(application)", "--label", "radix-job=work",
                                         "--label", "\(WarmClaim.memberLabel)=\(member)", SchedulerHarness.image, "sleep", "300"])
            }

            // The new process's runtime knows no stream: it reads the claim from the engine, and only it.
            let observed = try await DockerJobRuntime(client: TestEngine.client).observeAll(selector: first.configuration.selector)
            #expect(observed.map(\.name) == [name])
            #expect(observed.first?.runState == .created && observed.first?.submissionComplete == true)

            let second = try await SchedulerHarness(script: "unused", applicationName: application, warmPool: 1)
            let done = try await second.waitFor(name, [.succeeded, .failed])
            #expect(done.state == .succeeded)
            let logs = try await runDocker(["logs", name])
            #expect(logs == "claimed ran in \(name)\n")
            // What the dead process left and no job owns is gone; the new pool has its own member.
            let names = Set(try await TestEngine.containers(labelled: "radix-app=\(application)").compactMap(\.names.first))
            #expect(names.contains(name))
            #expect(!names.contains(waiting) && !names.contains(unrecorded))
            #expect(names.count == 2, "\(names)")
            #expect(Set(second.scheduler.jobs().map(\.name)) == [name])
            await second.finish()
        } catch {
            await first.finish()
            throw error
        }
        await first.finish()
    }
}
