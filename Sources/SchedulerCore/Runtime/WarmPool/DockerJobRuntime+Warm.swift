import DockerEngine
import Foundation

/// A job in a pooled container: claimed at submission (recorded, renamed, sent its claim), started by
/// its go. Its labels are in its claim's record, since a container's own cannot change.
extension DockerJobRuntime {
    /// Claims a ready pooled container for `launch`; false when none fits (or the claim failed before
    /// anything of the job was sent: the spoilt member is removed), and the job takes the cold path.
    func claimWarm(_ launch: JobLaunch) async throws -> Bool {
        guard let pool = warmPool, let (member, arguments, change) = pool.take(for: launch) else { return false }
        var labels = JobLabels.labels(for: launch)
        labels[WarmClaim.containerLabel] = member.id
        labels[WarmClaim.claimedAtLabel] = String(Date().timeIntervalSince1970)
        let record = WarmClaim.recordName(for: launch.name)
        do {
            // All before the claim goes out: a claimed container always has its record, its name and
            // its job's bounds.
            async let recorded: Void = client.createVolume(name: record, labels: labels)
            async let renamed: Void = client.renameContainer(member.id, to: launch.name)
            if let change {
                try await client.updateResources(member.id, nanoCPUs: change.nanoCPUs, cpuShares: change.cpuShares,
                                                 memoryBytes: change.memoryBytes, memoryReservationBytes: change.memoryReservationBytes)
            }
            try await recorded
            try await renamed
            try await member.stdin.write(WarmClaim.message(arguments: arguments, environment: launch.processEnvironment, payload: launch.payload))
        } catch {
            await member.stdin.close()
            try? await client.removeContainer(member.id, force: true)
            try? await client.removeVolume(name: record, force: true)
            if case DockerEngineError.conflict = error { throw error }  // the name is taken: so it is for a cold start too
            return false
        }
        pool.claimed(launch.name, member: member, labels: labels)
        return true
    }

    /// Gives a claimed job its go, on the stream of its claim; false for a job this process did not
    /// claim (a cold one, or one claimed before a restart: started by `start` then).
    func startWarm(_ name: String) async throws -> Bool {
        guard let pool = warmPool, let member = pool.takeClaimed(name) else { return false }
        try await member.stdin.write(WarmClaim.go)
        pool.noteStarted(name, at: Date())
        await member.stdin.close()
        await announceStart(name)
        return true
    }

    /// A claimed job's go after a restart (no stream left): a signal the waiter takes as one. Nothing
    /// for any other running container.
    func startWarmBySignal(_ name: String) async throws {
        let details = try await client.inspectContainer(name)
        guard WarmClaim.claimedName(current: details.name, labels: details.config.labels) != nil, details.state.status == .running else { return }
        do {
            _ = try await client.statPath(details.id, path: WarmClaim.startedPath)
            return  // started already
        } catch DockerEngineError.notFound {}
        try await client.killContainer(details.id, signal: "SIGUSR1")
        // The waiter marks the start before it runs the job: once the mark is there, a reading says so.
        for _ in 0..<200 {
            if let stat = try? await client.statPath(details.id, path: WarmClaim.startedPath) {
                warmPool?.noteStarted(name, at: stat.modified ?? Date())
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        await announceStart(name)
    }

    /// No engine event follows a go: a harmless update makes one, so the scheduler reads the job again.
    private func announceStart(_ name: String) async {
        try? await client.updateRestartPolicy(name, to: .no)
    }

    /// The record of `name`'s claim, if it has one.
    func warmRecord(of name: String, selector: JobSelector) async throws -> [String: String]? {
        if let known = warmPool?.record(of: name) { return known }
        let volumes = try await client.listVolumes(labels: JobLabels.filters(for: selector) + ["\(JobLabels.jobName)=\(name)", WarmClaim.containerLabel])
        let labels = volumes.first { $0.name == WarmClaim.recordName(for: name) }?.labels
        if let labels { warmPool?.noteRecord(name, labels: labels) }
        return labels
    }

    /// A claimed container as its job: the record's labels (`record`, when a listing of the records
    /// has it, else read), the engine's facts, and the waiter's marks for whether the go was given (and
    /// when) and whether the claim arrived whole. nil when no record names this container (not a job of
    /// this scheduler).
    func warmObservation(from details: ContainerDetails, record listed: [String: String]? = nil, stopRequested: Bool,
                         selector: JobSelector) async throws -> JobObservation? {
        let name = details.name
        var record = listed
        if record == nil { record = try await warmRecord(of: name, selector: selector) }
        guard let labels = record, labels[WarmClaim.containerLabel] == details.id, labels[JobLabels.jobName] == name,
              labels[JobLabels.application] == selector.applicationName, labels[JobLabels.jobComponent] == selector.jobComponent,
              details.config.labels[JobLabels.application] == selector.applicationName,
              details.config.labels[JobLabels.jobComponent] == selector.jobComponent else { return nil }
        var runState = Self.runState(of: details.state.status)
        var startedAt = details.state.startedAt
        var submissionComplete = true
        var go = warmPool?.startTime(of: name)
        if go == nil {
            do {
                let mark = try await client.statPath(details.id, path: WarmClaim.startedPath)
                go = mark.modified ?? details.state.startedAt
                if let go { warmPool?.noteStarted(name, at: go) }
            } catch DockerEngineError.notFound {}
        }
        if let go {
            // The member's own start came before the claim; a retry's start comes after the go.
            startedAt = max(startedAt ?? go, go)
        } else if runState == .running || runState == .paused {
            // Claimed, waiting for its go: to the scheduler, a job created and not started.
            runState = .created
            startedAt = nil
            do {
                _ = try await client.statPath(details.id, path: WarmClaim.claimPath)
            } catch DockerEngineError.notFound {
                submissionComplete = false  // the claim never arrived whole: a submission that died
            }
        }
        let created = labels[WarmClaim.claimedAtLabel].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? details.created
        let facts = FinalJobFacts(
            image: details.config.image, imageID: details.imageID, created: created, startedAt: startedAt,
            finishedAt: details.state.finishedAt, runState: runState, exitCode: details.state.exitCode, oomKilled: details.state.oomKilled,
            engineError: details.state.error, restartCount: details.restartCount, submissionComplete: submissionComplete
        )
        return Self.observation(name: name, labels: labels, facts: facts, stopRequested: stopRequested)
    }
}
