import DockerEngine
import Foundation
import Synchronization

/// What happens to the swarm's jobs. The manager's event stream tells of services (created, updated,
/// removed) and of the containers on the manager's own node; it has no task events, so the tasks on
/// the other nodes are followed from the task list: every `taskWatchInterval` while a job is live or a
/// service just changed, every 2 s otherwise, each listing diffed against the last.
extension SwarmJobRuntime {
    public func events(selector: JobSelector) -> any AsyncSequence<RuntimeEvent, Never> & Sendable {
        let (stream, continuation) = AsyncStream<RuntimeEvent>.makeStream()
        let client = self.client
        let interval = taskWatchInterval
        // When a service last changed: the task watch looks closely for a while after.
        let lastServiceChange = LastChange()
        // The stream owns this task (the three readers run as its children), and cancels it as soon as
        // the consumer stops reading.
        let pump = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The services' stream says whether events flow (and when some may have been missed).
                    for await update in client.events(filters: EventFilters(types: ["service"])) {
                        if let event = Self.runtimeEvent(serviceUpdate: update) {
                            lastServiceChange.note()
                            continuation.yield(event)
                        }
                    }
                }
                group.addTask {
                    let containers = EventFilters(types: ["container"], labels: JobLabels.filters(for: selector))
                    for await update in client.events(filters: containers) {
                        if case .event(let event) = update, let change = Self.runtimeEvent(container: event) { continuation.yield(change) }
                    }
                }
                group.addTask {
                    var watch = TaskWatch()
                    while !Task.isCancelled {
                        if let tasks = try? await client.listTasks(labels: JobLabels.filters(for: selector)) {
                            for event in watch.changes(in: tasks) { continuation.yield(event) }
                        }
                        // A node that went down leaves its tasks `running` for good: its jobs are read again
                        // (once it has been down for the grace: see `nodeLossGrace`).
                        if watch.anyLive, let nodes = try? await client.listNodes() {
                            for event in watch.changes(inNodesDown: Set(Self.lost(nodes).map(\.id))) { continuation.yield(event) }
                        }
                        let closely = watch.anyLive || lastServiceChange.within(.seconds(10))
                        try? await Task.sleep(for: closely ? interval : .seconds(2))
                    }
                }
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    /// What a service event means for a job; nil for what changes nothing we report.
    static func runtimeEvent(serviceUpdate update: EngineEventUpdate) -> RuntimeEvent? {
        switch update {
        case .connected: return .connected
        case .reconnected: return .reconnected
        case .disconnected(let error): return .disconnected(error.description)
        case .event(let event):
            guard let name = event.attributes["name"] else { return nil }
            return event.action == "remove" ? .jobRemoved(name: name) : .jobChanged(name: name)
        }
    }

    /// What a container event on the manager's node means: only that the job may have changed. The
    /// swarm's own view of the task follows the container's a moment later, and it is the swarm's that
    /// counts (a restart or a stop asks the swarm), so the job is read from it, not from the event.
    static func runtimeEvent(container event: EngineEvent) -> RuntimeEvent? {
        guard let name = event.attributes[JobLabels.jobName] else { return nil }
        switch event.action {
        case "create", "start", "die", "stop", "kill", "oom", "destroy": return .jobChanged(name: name)
        default: return nil
        }
    }
}

/// When something last changed, shared by the readers of one event stream.
final class LastChange: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    func note() { instant.withLock { $0 = .now } }
    func within(_ duration: Duration) -> Bool { instant.withLock { ContinuousClock.now - $0 < duration } }
}

/// The task list as last seen, and what changed since: a task that reached `running` is a start, one
/// that completed or failed with an exit code an exit, anything else about a job a change.
struct TaskWatch {
    private var seen: [String: (state: SwarmTask.State, error: String, job: String, node: String?)] = [:]
    private var nodesDown: Set<String> = []
    private var primed = false
    private(set) var anyLive = false

    /// The changes since the last listing (none for the first: the scheduler reads everything when
    /// events start to flow).
    mutating func changes(in tasks: [SwarmTask]) -> [RuntimeEvent] {
        var events: [RuntimeEvent] = []
        var now: [String: (state: SwarmTask.State, error: String, job: String, node: String?)] = [:]
        for task in tasks {
            guard let name = task.containerLabels[JobLabels.jobName] else { continue }
            now[task.id] = (task.state, task.error, name, task.nodeID)
            guard primed else { continue }
            if let before = seen[task.id], before.state == task.state {
                // (A pending task's reason comes a moment after the task, in the same state.)
                if before.error != task.error { events.append(.jobChanged(name: name)) }
                continue
            }
            switch task.state {
            case .running:
                // (Its creation: the one start time the swarm still tells once the task has moved on.)
                events.append(.jobStarted(name: name, at: task.createdAt ?? Date()))
            case .complete:
                events.append(.jobExited(name: name, exitCode: task.exitCode ?? 0, at: task.stateSince ?? Date()))
            case .failed where task.exitCode != nil && task.containerID != nil:
                // (A task failed before its process ran is not an exit: the observation tells why.)
                events.append(.jobExited(name: name, exitCode: task.exitCode ?? 0, at: task.stateSince ?? Date()))
            default:
                events.append(.jobChanged(name: name))
            }
        }
        // A task gone from the list (a stop removed it, or its service went) changed its job too.
        for (id, task) in seen where now[id] == nil { events.append(.jobChanged(name: task.job)) }
        anyLive = tasks.contains { !$0.state.isFinal }
        seen = now
        primed = true
        return events
    }

    /// The jobs with a live task on a node that is newly down (their runs are lost).
    mutating func changes(inNodesDown down: Set<String>) -> [RuntimeEvent] {
        let newlyDown = down.subtracting(nodesDown)
        nodesDown = down
        return seen.values.filter { !$0.state.isFinal && $0.node.map(newlyDown.contains) == true }.map { .jobChanged(name: $0.job) }
    }
}
