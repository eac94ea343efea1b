import DockerEngine
import Foundation
import Testing
@testable import SchedulerCore

/// How the swarm runtime reads a job from its service and task, and what its task watch reports,
/// from the engine's JSON as the swarm sends it (the real swarm's part is in SwarmTests, on three nodes).
@Suite("Swarm jobs as their services and tasks tell")
struct SwarmDecisionTests {
    static let created = "2026-12-07T10:00:00.000000000Z"
    static let updated = "2026-12-07T10:00:05.000000000Z"

    static func service(completions: Int, iteration: Int = 1, labels: [String: String] = [:]) throws -> ServiceDetails {
        var allLabels = ["radix-app": "app", "radix-job": "work", "radix-job-name": "job-1"]
        allLabels.merge(labels) { _, new in new }
        let json: [String: Any] = [
            "ID": "svc1", "Version": ["Index": 42], "CreatedAt": created, "UpdatedAt": updated,
            "Spec": [
                "Name": "job-1", "Labels": allLabels,
                "TaskTemplate": ["ContainerSpec": ["Image": "busybox:latest"]],
                "Mode": ["ReplicatedJob": ["MaxConcurrent": 1, "TotalCompletions": completions]],
            ],
            "JobStatus": ["JobIteration": ["Index": iteration]],
        ]
        return try JSONDecoder().decode(ServiceDetails.self, from: JSONSerialization.data(withJSONObject: json))
    }

    static func task(_ id: String = "t1", state: String, desired: String = "complete", node: String = "n2", error: String? = nil,
                     exitCode: Int? = nil, iteration: Int = 1, since: String = updated) throws -> SwarmTask {
        var status: [String: Any] = ["State": state, "Timestamp": since]
        if let error { status["Err"] = error }
        if let exitCode { status["ContainerStatus"] = ["ContainerID": "c-\(id)", "ExitCode": exitCode] }
        let json: [String: Any] = [
            "ID": id, "ServiceID": "svc1", "NodeID": node, "CreatedAt": created, "DesiredState": desired,
            "JobIteration": ["Index": iteration], "Status": status,
            "Spec": ["ContainerSpec": ["Image": "busybox:latest", "Labels": ["radix-job-name": "job-1"]]],
        ]
        return try JSONDecoder().decode(SwarmTask.self, from: JSONSerialization.data(withJSONObject: json))
    }

    static func node(_ id: String, hostname: String, state: String) throws -> SwarmNode {
        let json: [String: Any] = ["ID": id, "UpdatedAt": updated, "Description": ["Hostname": hostname], "Status": ["State": state, "Addr": "10.231.0.12"]]
        return try JSONDecoder().decode(SwarmNode.self, from: JSONSerialization.data(withJSONObject: json))
    }

    static func observe(_ service: ServiceDetails, _ task: SwarmTask?, lost: [SwarmNode] = []) -> JobObservation {
        SwarmJobRuntime.observation(of: service, current: task, lostNodes: Dictionary(uniqueKeysWithValues: lost.map { ($0.id, $0) }),
                                    stopRequested: false)
    }

    @Test func aRunningTaskIsARunningJobStartedWhenTheTaskWasMade() throws {
        let observed = Self.observe(try Self.service(completions: 1), try Self.task(state: "running"))
        #expect(observed.runState == .running)
        #expect(observed.startedAt == EngineTimestamp.parse(Self.created))
    }

    @Test func aTaskNoNodeTakesIsPendingWithTheSwarmsReason() throws {
        let reason = "no suitable node (insufficient resources on 3 nodes)"
        let observed = Self.observe(try Self.service(completions: 1), try Self.task(state: "pending", error: reason))
        #expect(observed.runState == .pending && observed.engineError == reason)
        // Asked for, with no task yet: pending without a reason.
        let asked = Self.observe(try Self.service(completions: 1), nil)
        #expect(asked.runState == .pending && asked.engineError.isEmpty)
    }

    @Test func aCompletedOrFailedTaskIsAnExitWithItsCode() throws {
        let done = Self.observe(try Self.service(completions: 1), try Self.task(state: "complete", exitCode: 0))
        #expect(done.runState == .exited && done.exitCode == 0 && done.finishedAt == EngineTimestamp.parse(Self.updated))
        let failed = Self.observe(try Self.service(completions: 1), try Self.task(state: "failed", exitCode: 3))
        #expect(failed.runState == .exited && failed.exitCode == 3)
        // Failed before its process ran: not started, with the swarm's error.
        let rejected = Self.observe(try Self.service(completions: 1), try Self.task(state: "rejected", error: "No such image: nope"))
        #expect(rejected.runState == .created && rejected.engineError == "No such image: nope" && rejected.startedAt == nil)
    }

    @Test func aLiveTaskOnANodeThatIsDownIsALostRunNamingTheNode() throws {
        let down = try Self.node("n2", hostname: "jsw-node2", state: "down")
        let observed = Self.observe(try Self.service(completions: 1), try Self.task(state: "running"), lost: [down])
        #expect(observed.runState == .exited && observed.exitCode == SwarmJobRuntime.lostNodeExitCode)
        #expect(observed.engineError == "the node the job ran on, jsw-node2 (10.231.0.12), went down")
        #expect(observed.finishedAt == down.updatedAt)
        // A task on another node is not touched by it.
        let elsewhere = Self.observe(try Self.service(completions: 1), try Self.task(state: "running", node: "n3"), lost: [down])
        #expect(elsewhere.runState == .running)
    }

    @Test func aStoppedRunIsReadFromItsServicesEndLabelAtOnceAndOnceTheTaskIsGone() throws {
        let facts = FinalJobFacts(image: "busybox:latest", imageID: "busybox:latest", created: nil, startedAt: EngineTimestamp.parse(Self.created),
                                  finishedAt: nil, runState: .exited, exitCode: 143, oomKilled: false, engineError: "", restartCount: 0,
                                  submissionComplete: true)
        var parked = try Self.service(completions: 0)
        try SwarmJobRuntime.setEndFacts(facts, on: &parked)
        // The task gone, the finish not yet added: the park's time stands for it.
        let ending = Self.observe(parked, nil)
        #expect(ending.runState == .exited && ending.exitCode == 143 && ending.finishedAt == EngineTimestamp.parse(Self.updated))
        var finished = facts
        finished.finishedAt = Date(timeIntervalSince1970: 1_800_000_000)
        try SwarmJobRuntime.setEndFacts(finished, on: &parked)
        #expect(Self.observe(parked, nil).finishedAt == finished.finishedAt)
        // Started again (the label is taken away with the same update): the end label no longer counts.
        var restarted = parked
        restarted.spec.mode.replicatedJob = .init(maxConcurrent: 1, totalCompletions: 1)
        #expect(Self.observe(restarted, nil).runState == .pending)
        // Parked without a run (never started): created.
        #expect(Self.observe(try Self.service(completions: 0), nil).runState == .created)
    }

    @Test func theTaskWatchReportsStartsExitsRemovalsAndLostNodes() throws {
        var watch = TaskWatch()
        #expect(watch.changes(in: [try Self.task(state: "pending")]).isEmpty, "the first listing only primes")
        let reason = "no suitable node (insufficient resources on 3 nodes)"
        #expect(watch.changes(in: [try Self.task(state: "pending", error: reason)]) == [.jobChanged(name: "job-1")], "its reason came")
        #expect(watch.changes(in: [try Self.task(state: "pending", error: reason)]).isEmpty)
        let started = watch.changes(in: [try Self.task(state: "running")])
        #expect(started == [.jobStarted(name: "job-1", at: EngineTimestamp.parse(Self.created)!)])
        #expect(watch.changes(in: [try Self.task(state: "running")]).isEmpty, "no change, no event")
        #expect(watch.anyLive)
        // Its node goes down: the job is read again, once.
        #expect(watch.changes(inNodesDown: ["n3"]).isEmpty)
        #expect(watch.changes(inNodesDown: ["n2", "n3"]) == [.jobChanged(name: "job-1")])
        #expect(watch.changes(inNodesDown: ["n2", "n3"]).isEmpty)
        let exited = watch.changes(in: [try Self.task(state: "failed", exitCode: 3)])
        #expect(exited == [.jobExited(name: "job-1", exitCode: 3, at: EngineTimestamp.parse(Self.updated)!)])
        #expect(!watch.anyLive)
        #expect(watch.changes(in: []) == [.jobChanged(name: "job-1")], "a task gone changed its job")
    }
}
