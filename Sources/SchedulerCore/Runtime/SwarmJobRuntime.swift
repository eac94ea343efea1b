import DockerEngine
import Foundation
import RadixConfig

/// Runs each job as a swarm service in `replicated-job` mode (one task) on a swarm manager's socket,
/// so the swarm places it on any node where it fits. The service's name is the job name; its labels
/// (and its container's) describe the job, as a container's do in `DockerJobRuntime`.
///
/// A job is made with no task to run (`TotalCompletions` 0): its payload is a swarm config mounted as
/// `<payload.path>/payload`, in place before the process starts. Starting it asks for one completion;
/// a retry forces the next job iteration (a new task, on any node). The swarm deletes a running task
/// it is told to stop, and its exit with it: a stop parks the job (no completions wanted) and records
/// how the run ended, on the manager, as the scheduler's other records are (labelled volumes).
public struct SwarmJobRuntime: EngineBackedRuntime {
    public let client: DockerEngineClient
    /// Batches, attempts, stop requests, tallies and suspensions, as the Docker runtime keeps them: on
    /// the manager's engine.
    let records: DockerJobRuntime
    /// How often the tasks are listed while any job is live: the engine's event stream says nothing of
    /// tasks on other nodes (it has no task events), so their changes are read from the task list.
    let taskWatchInterval: Duration

    /// The largest payload a swarm config can hold: swarmkit refuses those of 1,024,000 bytes or more
    /// (and empty ones, which are handed over as an empty file instead).
    public static let largestPayload = 1_024_000 - 1

    public init(client: DockerEngineClient, taskWatchInterval: Duration = .milliseconds(100)) {
        self.client = client
        self.records = DockerJobRuntime(client: client)
        self.taskWatchInterval = taskWatchInterval
    }

    public func prepare(network: String?, selector: JobSelector) async throws {
        guard let network, !["bridge", "host", "none"].contains(network) else { return }
        if try await !client.networkExists(network) {
            do {
                try await client.createOverlayNetwork(name: network, labels: [JobLabels.application: selector.applicationName])
            } catch DockerEngineError.conflict {
                // Another scheduler created it meanwhile.
            }
        }
    }

    // MARK: - Making and starting jobs

    public func create(_ launch: JobLaunch) async throws {
        var payloadFile: PayloadMount?
        if let payload = launch.payload {
            let directory = payload.directory.hasPrefix("/") ? payload.directory : "/" + payload.directory
            let path = (directory.hasSuffix("/") ? directory : directory + "/") + "payload"
            if payload.bytes.isEmpty {
                // A config cannot be empty; every node has an empty file to bind.
                payloadFile = .empty(path: path)
            } else {
                guard payload.bytes.count <= Self.largestPayload else {
                    throw SchedulerError.badRequest(
                        "a payload of \(payload.bytes.count) bytes cannot be handed to a job on the swarm: a swarm config holds "
                            + "at most \(Self.largestPayload) bytes")
                }
                let configName = Self.payloadConfigName(for: launch.name)
                let id = try await client.createConfig(name: configName, labels: Self.ownLabels(of: launch), data: payload.bytes)
                payloadFile = .config(.init(file: .init(name: path), configID: id, configName: configName))
            }
        }
        do {
            try await client.createService(serviceSpec(for: launch, payload: payloadFile))
        } catch {
            if case .config(let config) = payloadFile { try? await client.removeConfig(config.configID) }
            throw error
        }
    }

    /// How the payload file gets into a job's container.
    enum PayloadMount {
        case config(ServiceSpec.ConfigReference)
        /// `/dev/null`, read-only: reads as an empty file.
        case empty(path: String)
    }

    static func payloadConfigName(for job: String) -> String { job + "-payload" }

    /// What marks a config or record as the job's: removed with it.
    static func ownLabels(of launch: JobLaunch) -> [String: String] {
        [JobLabels.application: launch.selector.applicationName, JobLabels.jobComponent: launch.selector.jobComponent, JobLabels.jobName: launch.name]
    }

    /// The nodes the job may run on: labelled with its node type, of its architecture; nil for any.
    public static func constraints(for launch: JobLaunch) -> [String]? {
        let constraints = [launch.nodeType.map { "node.labels.\(nodeTypeLabel)==\($0)" },
                           launch.architecture.map { "node.platform.arch==\($0.platformName)" },
                           launch.gpus?.type.map { "node.labels.\(gpuLabel)==\($0)" }].compactMap { $0 }
            + (launch.gpus?.excludedTypes ?? []).map { "node.labels.\(gpuLabel)!=\($0)" }
        return constraints.isEmpty ? nil : constraints
    }

    /// The node label that gives a node's type (Radix's node pools), as in `docker node update --label-add nodetype=gpu`.
    public static let nodeTypeLabel = "nodetype"
    /// The node label that gives its GPUs' type, and the generic resource that counts them (a node
    /// advertises them with dockerd's `--node-generic-resource gpu=N`).
    public static let gpuLabel = "gpu"
    public static let gpuResource = "gpu"

    func serviceSpec(for launch: JobLaunch, payload: PayloadMount?) -> ServiceSpec {
        let labels = JobLabels.labels(for: launch)
        let reservations = ServiceSpec.Resources.Amounts(
            nanoCPUs: launch.cpuShares.map { $0 * 1_000_000_000 / 1024 }, memoryBytes: launch.memoryReservationBytes,
            genericResources: launch.gpus.map { [.init(kind: Self.gpuResource, value: Int64($0.count))] })
        let limits = ServiceSpec.Resources.Amounts(nanoCPUs: launch.nanoCPUs, memoryBytes: launch.memoryBytes)
        return ServiceSpec(
            name: launch.name,
            labels: labels,
            taskTemplate: .init(
                containerSpec: .init(image: launch.image, labels: labels, command: launch.command, args: launch.args, hostname: launch.name,
                                     environment: launch.processEnvironment, user: launch.user,
                                     readOnly: launch.readOnlyRootFilesystem ? true : nil,
                                     configs: payload.flatMap { if case .config(let config) = $0 { [config] } else { nil } },
                                     mounts: payload.flatMap { if case .empty(let path) = $0 { [.bind("/dev/null", at: path, readOnly: true)] } else { nil } }),
                resources: .init(limits: limits, reservations: reservations),
                // The scheduler decides retries from the exit code, as on one engine.
                restartPolicy: .init(condition: "none"),
                placement: Self.constraints(for: launch).map { .init(constraints: $0) },
                networks: launch.network.flatMap { ["bridge", "host", "none"].contains($0) ? nil : [.init(target: $0, aliases: [launch.name])] }
            ),
            mode: .init(replicatedJob: .init(maxConcurrent: 1, totalCompletions: 0)),
            // A job is one task: its name (and alias) resolves to the task's own address, with no
            // virtual IP in front (which needs IPVS on every node, and balances nothing here).
            endpointSpec: .init(mode: "dnsrr")
        )
    }

    /// Asks for the job's one completion: its first run, or (forcing the next iteration) a retry or a restart.
    /// A job whose run has not ended is left alone, so a start sent twice runs it once.
    public func start(name: String) async throws {
        try await updateService(name) { service in
            // (Only a service asked for a completion can have a run going: a first start reads nothing more.)
            if service.spec.mode.replicatedJob?.totalCompletions == 1,
               let current = Self.currentTask(of: service, in: try await client.listTasks(services: [service.id])),
               !current.state.isFinal, try await lostNodes()[current.nodeID ?? ""] == nil { return false }
            service.spec.mode.replicatedJob = .init(maxConcurrent: 1, totalCompletions: 1)
            service.spec.taskTemplate.forceUpdate += 1
            service.spec.labels[Self.runEndLabel] = nil  // how an earlier run ended
            return true
        }
    }

    /// Reads the service, changes the spec (reading what else it needs), and sends it back under the
    /// version read: an update made meanwhile (another scheduler's, or the swarm's own) makes it read
    /// and try again. `change` returns false when there is nothing to change.
    func updateService(_ name: String, _ change: (inout ServiceDetails) async throws -> Bool) async throws {
        for attempt in 1...Self.updateAttempts {
            var service = try await client.inspectService(name)
            guard try await change(&service) else { return }
            do {
                try await client.updateService(service.id, version: service.version, spec: service.spec)
                return
            } catch DockerEngineError.engine(_, let message) where message.contains("out of sequence") && attempt < Self.updateAttempts {
                continue
            }
        }
    }

    static let updateAttempts = 8

    // MARK: - Ending and removing jobs

    public func stop(name: String, gracePeriod: Duration) async throws {
        try await end(name, gracePeriod: gracePeriod, exitCode: 143)
    }

    public func kill(name: String) async throws {
        try await end(name, gracePeriod: .zero, exitCode: 137)
    }

    /// Parks the job (no completions wanted, so the swarm shuts its task down after the grace period)
    /// labelled with how its run ends, waits until the task is gone, and adds the finish time to the
    /// label: the swarm keeps nothing of a task it removed. A run that had ended already is left as
    /// the swarm reports it.
    func end(_ name: String, gracePeriod: Duration, exitCode: Int) async throws {
        var serviceID: String?
        try await updateService(name) { service in
            guard service.spec.mode.replicatedJob?.totalCompletions != 0 else { return false }  // not started, or parked already
            let current = Self.currentTask(of: service, in: try await client.listTasks(services: [service.id]))
            if let current, current.state.isFinal { return false }  // ended already: as the swarm says
            service.spec.mode.replicatedJob = .init(maxConcurrent: 1, totalCompletions: 0)
            service.spec.taskTemplate.containerSpec.stopGracePeriod = Int64(gracePeriod.components.seconds) * 1_000_000_000
                + gracePeriod.components.attoseconds / 1_000_000_000
            // Running, or asked for and not placed yet (then nothing ran: no end to record).
            guard let current else { return true }
            let image = service.spec.taskTemplate.containerSpec.image
            let startedAt = current.createdAt
            try Self.setEndFacts(FinalJobFacts(image: image, imageID: image, created: service.createdAt, startedAt: startedAt, finishedAt: nil,
                                               runState: .exited, exitCode: exitCode, oomKilled: false, engineError: "", restartCount: 0,
                                               submissionComplete: true), on: &service)
            serviceID = service.id
            return true
        }
        guard let serviceID else { return }
        // The swarm removes the task once its container has exited.
        let limit = ContinuousClock.now + gracePeriod + .seconds(60)
        // (A task on a node that went down never ends: it is lost already.)
        while case let lost = try await lostNodes(),
              try await client.listTasks(services: [serviceID]).contains(where: { !$0.state.isFinal && lost[$0.nodeID ?? ""] == nil }) {
            guard ContinuousClock.now < limit else { throw DockerEngineError.engine(status: 504, message: "job \(name) did not end on the swarm") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let finishedAt = Date()
        try await updateService(name) { service in
            // Still parked after this run (not started again meanwhile), and its finish not yet told.
            guard service.spec.mode.replicatedJob?.totalCompletions == 0, var facts = Self.endFacts(of: service),
                  facts.finishedAt == nil else { return false }
            facts.finishedAt = finishedAt
            try Self.setEndFacts(facts, on: &service)
            return true
        }
    }

    public func remove(name: String, selector: JobSelector) async throws {
        do {
            try await client.removeService(name)
        } catch DockerEngineError.notFound {}
        // Its payload config (usable again once the service is gone), then its records.
        for config in try await client.listConfigs(labels: JobLabels.filters(for: selector) + ["\(JobLabels.jobName)=\(name)"]) {
            for attempt in 1...20 {
                do {
                    try await client.removeConfig(config.id)
                    break
                } catch DockerEngineError.notFound {
                    break
                } catch where attempt < 20 {
                    // Still in use by the service's last task, for a moment after the service is removed.
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
        }
        try await records.remove(name: name, selector: selector)
    }
}

extension SwarmTask.State {
    /// The task will not change any more.
    var isFinal: Bool {
        switch self {
        case .complete, .shutdown, .failed, .rejected, .remove, .orphaned: true
        default: false
        }
    }
}
