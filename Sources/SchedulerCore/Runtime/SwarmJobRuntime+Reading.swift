import DockerEngine
import Foundation

/// Reading jobs from the swarm: a service and its tasks become a `JobObservation`; a node that went down
/// ends the runs it held.
extension SwarmJobRuntime {
    public func observe(name: String, selector: JobSelector) async throws -> JobObservation? {
        let service: ServiceDetails
        do {
            service = try await client.inspectService(name)
        } catch DockerEngineError.notFound {
            return nil
        }
        guard Self.isJob(name, service, of: selector) else { return nil }
        let tasks = try await client.listTasks(services: [service.id])
        let current = Self.currentTask(of: service, in: tasks)
        let lost = current?.state.isFinal == false ? try await lostNodes() : [:]
        return Self.observation(of: service, current: current, lostNodes: lost, stopRequested: false)
    }

    public func observeAll(selector: JobSelector) async throws -> [JobObservation] {
        // Three listings, however many jobs: the services, all their tasks, and the records.
        async let services = client.listServices(labels: JobLabels.filters(for: selector))
        async let tasks = client.listTasks(labels: JobLabels.filters(for: selector))
        async let volumes = client.listVolumes(labels: JobLabels.filters(for: selector))
        async let nodes = lostNodes()
        let listedVolumes = try await volumes
        let lost = try await nodes
        let records = DockerJobRuntime.records(in: listedVolumes)
        let tasksByService = Dictionary(grouping: try await tasks, by: \.serviceID)
        var results: [JobObservation] = []
        for service in try await services {
            let name = service.spec.name
            guard Self.isJob(name, service, of: selector) else { continue }
            let current = Self.currentTask(of: service, in: tasksByService[service.id] ?? [])
            var observation = Self.observation(of: service, current: current, lostNodes: lost,
                                               stopRequested: records.stopped.contains(name))
            observation.attempts = (records.attempts[name] ?? []).sorted { $0.index < $1.index }
            results.append(observation)
        }
        return results
    }

    /// Whether the service is this scheduler's job `name` (its labels name it, and it is named so).
    static func isJob(_ name: String, _ service: ServiceDetails, of selector: JobSelector) -> Bool {
        service.spec.labels[JobLabels.application] == selector.applicationName
            && service.spec.labels[JobLabels.jobComponent] == selector.jobComponent
            && service.spec.labels[JobLabels.jobName] == name && service.spec.name == name
    }

    /// The task of the service's current run: the newest of its current job iteration (none while the
    /// swarm has not made it yet, or after a stop removed it).
    static func currentTask(of service: ServiceDetails, in tasks: [SwarmTask]) -> SwarmTask? {
        tasks.filter { $0.serviceID == service.id && ($0.jobIteration ?? 0) == (service.jobIteration ?? 0) }
            .max { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
    }

    /// The nodes that are down, by ID: the swarm leaves a task on such a node `running` (for a day,
    /// before it calls it orphaned), so the job's run is taken as lost from the node's state.
    func lostNodes() async throws -> [String: SwarmNode] {
        Dictionary(Self.lost(try await client.listNodes()).map { ($0.id, $0) }) { first, _ in first }
    }

    /// How long a node must have been down before its jobs are taken as lost: a manager that just
    /// restarted shows its workers down until their next heartbeats (seconds), and their jobs run on.
    static let nodeLossGrace: TimeInterval = 15

    /// The nodes down for longer than `nodeLossGrace`, by the time the manager marked them so.
    static func lost(_ nodes: [SwarmNode], now: Date = Date()) -> [SwarmNode] {
        nodes.filter { $0.state == "down" && ($0.updatedAt ?? .distantPast) <= now.addingTimeInterval(-nodeLossGrace) }
    }

    /// A job as its service, its current task and (for a run a stop ended) its end label describe it.
    static func observation(of service: ServiceDetails, current task: SwarmTask?, lostNodes: [String: SwarmNode] = [:],
                            stopRequested: Bool) -> JobObservation {
        let labels = service.spec.labels
        let image = service.spec.taskTemplate.containerSpec.image
        let wanted = service.spec.mode.replicatedJob?.totalCompletions ?? 0
        var facts = FinalJobFacts(image: image, imageID: image, created: service.createdAt, startedAt: nil, finishedAt: nil,
                                  runState: .created, exitCode: 0, oomKilled: false, engineError: "", restartCount: 0, submissionComplete: true)
        switch (task, wanted == 0 ? endFacts(of: service) : nil) {
        case (let task?, _) where !task.state.isFinal && lostNodes[task.nodeID ?? ""] != nil:
            let node = lostNodes[task.nodeID ?? ""]!
            facts.runState = .exited
            facts.exitCode = lostNodeExitCode
            facts.startedAt = task.createdAt
            facts.finishedAt = node.updatedAt  // when it was found down
            facts.engineError = "the node the job ran on, \(node.hostname) (\(node.address)), went down"
        case (let task?, _) where !task.state.isFinal:
            if task.state == .running {
                facts.runState = .running
                // A task's status keeps the time of its latest state only: its creation is the start
                // time that is still told once it has ended (so the same all its life).
                facts.startedAt = task.createdAt
            } else if task.desiredState.isFinal && task.desiredState != .complete {
                // Being shut down (a stop): still running until the swarm says it is gone.
                facts.runState = .running
                facts.startedAt = task.createdAt
            } else {
                facts.runState = .pending
                facts.engineError = task.error
            }
        case (nil, let end?):
            facts = end
            // (Until the stop has seen the task go: the park's time.)
            if facts.finishedAt == nil { facts.finishedAt = service.updatedAt ?? end.startedAt }
        case (let task?, _):
            facts.startedAt = task.createdAt
            facts.finishedAt = task.stateSince
            switch task.state {
            case .complete:
                facts.runState = .exited
                facts.exitCode = task.exitCode ?? 0
            case .failed where task.containerID != nil && task.exitCode != nil:
                facts.runState = .exited
                facts.exitCode = task.exitCode ?? 1
            case .orphaned:
                facts.runState = .exited
                facts.exitCode = lostNodeExitCode
                facts.engineError = "the node the job ran on (\(task.nodeID ?? "unknown")) was lost"
            case .shutdown, .remove:
                // Stopped by the swarm, not by the job: as a kill.
                facts.runState = .exited
                facts.exitCode = 137
            default:
                // Rejected, or failed before its process ran (no such image or executable).
                facts.runState = .created
                facts.startedAt = nil
                facts.engineError = task.error.isEmpty ? "task \(task.state.rawValue)" : task.error
            }
        case (nil, _):
            // Never started; or asked for and not yet given a task by the swarm.
            facts.runState = wanted == 0 ? .created : .pending
        }
        return DockerJobRuntime.observation(name: service.spec.name, labels: labels, facts: facts, stopRequested: stopRequested)
    }

    /// The exit code reported for a run whose node was lost (no process exit was ever seen).
    public static let lostNodeExitCode = -1
}
