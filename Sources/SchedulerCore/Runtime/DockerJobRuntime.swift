import DockerEngine
import Foundation
import RadixConfig

/// Runs each job as one container on a Docker engine. The container's name and hostname are the job
/// name; its labels describe the job. A failed attempt is retried by starting the same container again,
/// as the scheduler decides from the exit code (the engine's restart policy cannot tell codes apart),
/// after recording the attempt as a labelled volume.
public struct DockerJobRuntime: EngineBackedRuntime {
    public let client: DockerEngineClient
    /// Containers started ahead, that a fitting submission takes instead of creating one; nil for none.
    public let warmPool: WarmPool?
    /// How many inspections run at once when reading every job.
    let observationConcurrency = 16

    public init(client: DockerEngineClient, warmPool: WarmPool? = nil) {
        self.client = client
        self.warmPool = warmPool
    }

    public func prepare(network: String?, selector: JobSelector) async throws {
        guard let network, network != "bridge", network != "host", network != "none" else { return }
        if try await !client.networkExists(network) {
            do {
                try await client.createNetwork(name: network, labels: [JobLabels.application: selector.applicationName])
            } catch DockerEngineError.conflict {
                // Another scheduler created it meanwhile.
            }
        }
    }

    public func create(_ launch: JobLaunch) async throws {
        if try await claimWarm(launch) { return }
        let spec = containerSpec(for: launch)
        if launch.readOnlyRootFilesystem, launch.payload != nil {
            // Nothing can be written into a read-only root, not even before the start: the payload's
            // folder is a volume of the job's own (labelled with it: removed with it).
            try await client.createVolume(name: Self.payloadVolumeName(for: launch.name), labels: [
                JobLabels.application: launch.selector.applicationName,
                JobLabels.jobComponent: launch.selector.jobComponent,
                JobLabels.jobName: launch.name,
            ])
        }
        _ = try await client.createContainer(name: launch.name, spec: spec)
        guard let payload = launch.payload else { return }
        do {
            if launch.readOnlyRootFilesystem {
                try await client.uploadArchive(launch.name, to: payload.directory, archive: try Self.payloadArchive(payload, inItsFolder: true))
            } else {
                try await client.uploadArchive(launch.name, to: "/", archive: try Self.payloadArchive(payload))
            }
        } catch {
            try? await client.removeContainer(launch.name, force: true)
            throw error
        }
    }

    static func payloadVolumeName(for job: String) -> String { job + "-payload" }

    func containerSpec(for launch: JobLaunch) -> ContainerSpec {
        let network = launch.network
        return ContainerSpec(
            image: launch.image,
            hostname: launch.name,
            labels: JobLabels.labels(for: launch),
            environment: launch.processEnvironment,
            command: launch.args,
            entrypoint: launch.command,
            user: launch.user,
            exposedPorts: launch.exposedPorts.map { "\($0)/tcp" },
            host: .init(
                nanoCPUs: launch.nanoCPUs,
                memoryBytes: launch.memoryBytes,
                memoryReservationBytes: launch.memoryReservationBytes,
                cpuShares: launch.cpuShares,
                networkMode: network,
                restartPolicy: .no,
                securityOptions: ["no-new-privileges"],
                readOnlyRootFilesystem: launch.readOnlyRootFilesystem,
                binds: launch.readOnlyRootFilesystem && launch.payload != nil
                    ? ["\(Self.payloadVolumeName(for: launch.name)):\(launch.payload!.directory)"] : nil
            ),
            network: network.map { .init(name: $0, aliases: [launch.name]) }
        )
    }

    /// The payload file and its parent directories, readable by any user the image runs as; or, to be
    /// unpacked in the payload's folder itself, the file alone.
    static func payloadArchive(_ payload: PayloadFile, inItsFolder: Bool = false) throws -> [UInt8] {
        var archive = TarArchive()
        if inItsFolder {
            try archive.addFile("payload", contents: payload.bytes, mode: 0o644)
            return archive.finished()
        }
        var path = ""
        for component in payload.directory.split(separator: "/") {
            path += (path.isEmpty ? "" : "/") + component
            try archive.addDirectory(path, mode: 0o755)
        }
        try archive.addFile((path.isEmpty ? "" : path + "/") + "payload", contents: payload.bytes, mode: 0o644)
        return archive.finished()
    }

    public func start(name: String) async throws {
        if try await startWarm(name) { return }
        // A running container is a job claimed from a warm pool before a restart, waiting for its go.
        if try await !client.startContainer(name) {
            try await startWarmBySignal(name)
        }
    }

    public func observe(name: String, selector: JobSelector) async throws -> JobObservation? {
        let details: ContainerDetails
        do {
            details = try await client.inspectContainer(name)
        } catch DockerEngineError.notFound {
            return nil
        }
        if details.state.status == .removing { return nil }  // a job being deleted is gone already
        if WarmClaim.claimedName(current: details.name, labels: details.config.labels) != nil {
            return try await warmObservation(from: details, stopRequested: false, selector: selector)
        }
        // Only this scheduler's jobs: a container of the same name from elsewhere is not ours.
        guard Self.isJob(name, details, of: selector) else { return nil }
        // Stop requests are read in `observeAll` only: after that, the scheduler that made them remembers
        // them, and sparing a volume list per event keeps status updates fast.
        return try await observation(from: details, stopRequested: false)
    }

    public func observeAll(selector: JobSelector) async throws -> [JobObservation] {
        async let summaries = client.listContainers(all: true, labels: JobLabels.filters(for: selector))
        // The records of stop requests, failed attempts and ended batches, in one listing.
        async let volumes = client.listVolumes(labels: JobLabels.filters(for: selector))
        let records = Self.records(in: try await volumes)
        // An ended batch's jobs are read from its outcome record while their containers are still as
        // recorded; the others one by one.
        var results: [JobObservation] = []
        var toInspect: [String] = []
        for summary in try await summaries {
            // A job's container is named as its label says: a label naming another container (planted
            // to make this scheduler list, stop or delete that one) does not make a job.
            if let name = summary.names.first, WarmClaim.claimedName(current: name, labels: summary.labels) != nil {
                toInspect.append(name)  // a pooled container a job claimed: its labels are in its record
                continue
            }
            guard let name = summary.labels[JobLabels.jobName], summary.names.contains(name) else { continue }
            if let facts = summary.labels[JobLabels.batchName].flatMap({ records.finalFacts[$0]?[name] }),
               Self.stillHold(facts, listed: summary) {
                results.append(Self.observation(name: name, labels: summary.labels, facts: facts, stopRequested: records.stopped.contains(name)))
            } else {
                toInspect.append(name)
            }
        }
        // Removed between the list and the inspection: gone.
        results += try await inspectEach(toInspect, stopped: records.stopped, warmRecords: records.warmClaims, selector: selector).compactMap(\.self)
        for index in results.indices {
            results[index].attempts = (records.attempts[results[index].name] ?? []).sorted { $0.index < $1.index }
        }
        return results
    }

    /// Inspects each job, `observationConcurrency` at a time, in the order given; nil for one that is
    /// gone (or being removed).
    func inspectEach(_ names: [String], stopped: Set<String>, warmRecords: [String: [String: String]] = [:],
                     selector: JobSelector) async throws -> [JobObservation?] {
        try await withThrowingTaskGroup(of: (Int, JobObservation?).self) { group in
            var results = [JobObservation?](repeating: nil, count: names.count)
            var pending = names.enumerated().makeIterator()
            func addNext() {
                guard let (index, name) = pending.next() else { return }
                group.addTask {
                    do {
                        let details = try await client.inspectContainer(name)
                        if details.state.status == .removing { return (index, nil) }
                        if WarmClaim.claimedName(current: details.name, labels: details.config.labels) != nil {
                            return (index, try await warmObservation(from: details, record: warmRecords[name], stopRequested: stopped.contains(name),
                                                                      selector: selector))
                        }
                        if !Self.isJob(name, details, of: selector) { return (index, nil) }
                        return (index, try await observation(from: details, stopRequested: stopped.contains(name)))
                    } catch DockerEngineError.notFound {
                        return (index, nil)
                    }
                }
            }
            for _ in 0..<observationConcurrency { addNext() }
            while let (index, result) = try await group.next() {
                results[index] = result
                addNext()
            }
            return results
        }
    }

    /// Whether the container is this scheduler's job `name`: its application's and job's labels, and
    /// a job-name label that is its own name. Checked on every path that reads a job, so nothing named
    /// by another container's labels is taken for one.
    static func isJob(_ name: String, _ details: ContainerDetails, of selector: JobSelector) -> Bool {
        details.config.labels[JobLabels.application] == selector.applicationName
            && details.config.labels[JobLabels.jobComponent] == selector.jobComponent
            && details.config.labels[JobLabels.jobName] == name && details.name == name
    }

    /// What the volumes record: stop requests, each job's failed attempts, and ended batches' final facts.
    struct Records {
        var stopped: Set<String> = []
        var attempts: [String: [JobAttempt]] = [:]
        var finalFacts: [String: [String: FinalJobFacts]] = [:]
        /// The labels of claims of pooled containers, by job.
        var warmClaims: [String: [String: String]] = [:]
    }

    static func records(in volumes: [VolumeSummary]) -> Records {
        var records = Records(finalFacts: JobLabels.finalFacts(in: volumes))
        for volume in volumes {
            guard let job = volume.labels[JobLabels.jobName] else { continue }
            if volume.labels[JobLabels.stopRequest] == "true" { records.stopped.insert(job) }
            if let attempt = JobLabels.attempt(from: volume.labels) { records.attempts[job, default: []].append(attempt) }
            if volume.labels[WarmClaim.containerLabel] != nil { records.warmClaims[job] = volume.labels }
        }
        return records
    }

    /// Whether a listed container is still as its recorded final facts say: in the same state, and, when
    /// exited, with the same exit code (a container started again by hand since is read anew).
    static func stillHold(_ facts: FinalJobFacts, listed summary: ContainerSummary) -> Bool {
        guard let state = summary.state, runState(of: state) == facts.runState else { return false }
        guard facts.runState == .exited, summary.statusText.hasPrefix("Exited (") else { return true }
        let code = summary.statusText.dropFirst("Exited (".count).prefix { $0 != ")" }
        return Int(code).map { $0 == facts.exitCode } ?? true
    }

    static func runState(of status: ContainerState.Status) -> JobObservation.RunState {
        switch status {
        case .created: .created
        case .running: .running
        case .restarting: .restarting
        case .paused: .paused
        case .exited: .exited
        case .dead, .removing: .dead  // removing is filtered out before
        }
    }

    func observation(from details: ContainerDetails, stopRequested: Bool) async throws -> JobObservation {
        let labels = details.config.labels
        let runState = Self.runState(of: details.state.status)
        var submissionComplete = true
        if runState == .created, let directory = labels[JobLabels.payloadPath], let expected = labels[JobLabels.payloadBytes].flatMap(Int64.init) {
            // The payload is uploaded after the container is created: only a complete file shows the
            // submission finished (and was answered).
            let path = (directory.hasSuffix("/") ? directory : directory + "/") + "payload"
            // Only a missing file says the upload never finished: any other failure (an engine busy
            // starting the container, say) is thrown, so no accepted job is taken for a half-made one.
            do {
                submissionComplete = try await client.statPath(details.id, path: path).size == expected
            } catch DockerEngineError.notFound {
                submissionComplete = false
            }
        }
        let facts = FinalJobFacts(
            image: details.config.image, imageID: details.imageID, created: details.created, startedAt: details.state.startedAt,
            finishedAt: details.state.finishedAt, runState: runState, exitCode: details.state.exitCode, oomKilled: details.state.oomKilled,
            engineError: details.state.error, restartCount: details.restartCount, submissionComplete: submissionComplete
        )
        return Self.observation(name: details.name, labels: labels, facts: facts, stopRequested: stopRequested)
    }

    /// A job as its labels and the engine's facts describe it.
    static func observation(name: String, labels: [String: String], facts: FinalJobFacts, stopRequested: Bool) -> JobObservation {
        var observation = JobObservation(
            name: name,
            jobId: labels[JobLabels.jobId],
            batchName: labels[JobLabels.batchName],
            batchIndex: labels[JobLabels.batchIndex].flatMap(Int.init) ?? 0,
            image: facts.image,
            imageID: facts.imageID,
            created: facts.created,
            startedAt: facts.startedAt,
            finishedAt: facts.finishedAt,
            runState: facts.runState,
            exitCode: facts.exitCode,
            oomKilled: facts.oomKilled,
            engineError: facts.engineError,
            restartCount: facts.restartCount,
            timeLimitSeconds: labels[JobLabels.timeLimitSeconds].flatMap(Int.init) ?? 43_200,
            backoffLimit: labels[JobLabels.backoffLimit].flatMap(Int.init) ?? 0,
            failurePolicy: labels[JobLabels.failurePolicy].flatMap(FailurePolicyLabel.decode),
            stopRequested: stopRequested,
            submissionComplete: facts.submissionComplete,
            scheduledRun: JobLabels.scheduledRun(from: labels),
            submissionKey: JobLabels.submissionKey(from: labels)
        )
        observation.payloadPath = labels[JobLabels.payloadPath]
        observation.payloadBytes = labels[JobLabels.payloadBytes].flatMap(Int.init)
        return observation
    }

    public func stop(name: String, gracePeriod: Duration) async throws {
        // No engine retry after a requested stop (containers made by versions that let the engine retry).
        try? await client.updateRestartPolicy(name, to: .no)
        let seconds = Int((Double(gracePeriod.components.seconds) + Double(gracePeriod.components.attoseconds) / 1e18).rounded(.up))
        try await client.stopContainer(name, timeout: seconds)
    }

    public func kill(name: String) async throws {
        try? await client.updateRestartPolicy(name, to: .no)
        do {
            try await client.killContainer(name, signal: "SIGKILL")
        } catch DockerEngineError.conflict {
            // Not running (waiting for a retry): with the restart policy gone, stopping ends it for good.
            try await client.stopContainer(name, timeout: 0)
        }
    }

    public func remove(name: String, selector: JobSelector) async throws {
        await warmPool?.forget(name)
        do {
            try await client.removeContainer(name, force: true)
        } catch DockerEngineError.notFound {
        } catch DockerEngineError.conflict(let message) where message.contains("already in progress") {
            // Another removal of the same job (a concurrent DELETE, or history cleanup) is under way.
        }
        // The job's records: its stop request and its attempts.
        let records = try await client.listVolumes(labels: JobLabels.filters(for: selector) + ["\(JobLabels.jobName)=\(name)"])
        for record in records {
            do {
                try await client.removeVolume(name: record.name, force: true)
            } catch DockerEngineError.notFound {}
        }
    }

    public func events(selector: JobSelector) -> any AsyncSequence<RuntimeEvent, Never> & Sendable {
        // Mapped as they are read, in the reader's task: no task of its own to own.
        client.events(filters: EventFilters(types: ["container"], labels: JobLabels.filters(for: selector)))
            .compactMap(Self.runtimeEvent)
    }

    /// What an engine update means for a job; nil for what changes nothing we report.
    @Sendable static func runtimeEvent(_ update: EngineEventUpdate) -> RuntimeEvent? {
        switch update {
        case .connected: return .connected
        case .reconnected: return .reconnected
        case .disconnected(let error): return .disconnected(error.description)
        case .event(let event):
            // A pooled container is a job once claimed (renamed to it); a waiting one is none.
            guard let name = event.attributes[JobLabels.jobName]
                    ?? event.attributes["name"].flatMap({ WarmClaim.claimedName(current: $0, labels: event.attributes) }) else { return nil }
            switch event.action {
            case "destroy": return .jobRemoved(name: name)
            case "start": return .jobStarted(name: name, at: event.time)
            case "die" where event.exitCode != nil: return .jobExited(name: name, exitCode: event.exitCode ?? 0, at: event.time)
            case "create", "die", "stop", "kill", "oom", "restart", "pause", "unpause", "update", "rename": return .jobChanged(name: name)
            default: return nil  // exec, attach, archive and other events change nothing we report
            }
        }
    }

    public func logs(name: String, options: JobLogOptions) async throws -> any AsyncSequence<JobLogChunk, any Error> & Sendable {
        let engineOptions = LogOptions(tail: options.tail, since: options.since, timestamps: options.timestamps)
        return try await client.streamLogs(name, options: engineOptions, follow: options.follow).compactMap { @Sendable chunk in
            chunk.stream == .stdin ? nil : JobLogChunk(stream: chunk.stream == .stderr ? .stderr : .stdout, bytes: chunk.bytes)
        }
    }
}

extension JobLaunch {
    /// The job's variables and the scheduler's RADIX_* ones, as `NAME=value` in name order. The RADIX_*
    /// names are the scheduler's alone (a launch never carries one: this is the last guard).
    var processEnvironment: [String] {
        var environment = self.environment.filter { !ReservedVariables.isReserved($0.key) }
        environment["RADIX_JOB_NAME"] = name
        environment["RADIX_APP"] = selector.applicationName
        environment["RADIX_COMPONENT"] = selector.jobComponent
        if let environmentName { environment["RADIX_ENVIRONMENT"] = environmentName }
        return environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
