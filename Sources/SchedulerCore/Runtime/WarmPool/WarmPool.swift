import DockerEngine
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Containers of one job's image, made and started ahead of any request, each running the waiter
/// (`WarmClaim`) with an attach stream to its stdin open: a submission that fits claims one, and the
/// job runs in it a millisecond after its go instead of after a container's start (runc and a network
/// namespace, 200 ms and more here). Refilled behind each claim; a container runs one job only.
///
/// What is in the engine stays the truth: a claim is recorded (a volume with the job's labels) and the
/// container renamed to the job before the claim is sent, so a scheduler killed at any point finds
/// either a waiting member (no job: removed when the next pool starts) or a job with its record.
public final class WarmPool: Service, Sendable {
    public let size: Int
    let client: DockerEngineClient
    /// The launch of a job submitted with nothing overridden: what the members are made for.
    let template: JobLaunch
    let logger: Logger
    private let state = Mutex(State())
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Members waiting now; claims made (the jobs that did not have to wait for a container's start).
    private let readyGauge: Gauge
    private let claims: Counter

    struct Member: Sendable {
        var id: String
        var name: String
        var stdin: ContainerStdin
    }

    private struct State {
        var image: ImageDetails?
        var userID = 0
        var ready: [Member] = []
        /// Claimed members waiting for their job's go, by job name.
        var claimed: [String: Member] = [:]
        /// When this process gave each job its go.
        var started: [String: Date] = [:]
        /// The labels of the claims' records, as made or first read (a record never changes).
        var records: [String: [String: String]] = [:]
        var stopping = false
    }

    public init(size: Int, template: JobLaunch, client: DockerEngineClient, logger: Logger) {
        self.size = size
        self.template = template
        self.client = client
        self.logger = logger
        (wakeUps, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let dimensions = [("job", template.selector.jobComponent)]
        readyGauge = Gauge(label: "job_scheduler_warm_containers_ready", dimensions: dimensions)
        claims = Counter(label: "job_scheduler_warm_claims_total", dimensions: dimensions)
    }

    /// What a job submitted with nothing overridden launches: what the members are made for (its
    /// payload, when the job takes one, is only there to say the folder).
    public static func template(for configuration: SchedulerConfiguration) throws -> JobLaunch {
        let request = JobRequest(payload: configuration.job.payloadPath == nil ? nil : "")
        return try JobLaunchFactory.launch(for: request, name: configuration.job.name + "-warm-template", configuration: configuration)
    }

    /// Reads the job's image: what its command is, and whether its user can be given the payload's
    /// folder. Throws a sentence to show for an image the pool cannot serve.
    public func prepare() async throws {
        let image = try await client.inspectImage(template.image)
        guard let userID = WarmClaim.userID(launchUser: template.user, imageUser: image.user) else {
            throw WarmPoolError.namedUser(image.user)
        }
        if WarmClaim.arguments(for: template, image: image).isEmpty { throw WarmPoolError.noCommand(template.image) }
        state.withLock {
            $0.image = image
            $0.userID = userID
        }
    }

    /// A ready member for `launch`, with the command it is to run and the bounds to change first; nil
    /// when none is ready or the launch differs from what the members were made for.
    func take(for launch: JobLaunch) -> (Member, arguments: [String], change: WarmClaim.ResourceChange?)? {
        guard let change = WarmClaim.fit(launch, template: template) else { return nil }
        let taken: (Member, ImageDetails, Int)? = state.withLock { state in
            guard !state.stopping, let image = state.image, !state.ready.isEmpty else { return nil }
            return (state.ready.removeFirst(), image, state.ready.count)
        }
        guard let (member, image, left) = taken else { return nil }
        readyGauge.record(left)
        claims.increment()
        wake.yield()
        return (member, WarmClaim.arguments(for: launch, image: image), change)
    }

    /// The claim of `job` went out on `member`'s stream, recorded with `labels`: its go follows on the
    /// same stream.
    func claimed(_ job: String, member: Member, labels: [String: String]) {
        state.withLock {
            $0.claimed[job] = member
            $0.records[job] = labels
        }
    }

    /// Takes the stream on which `job`'s go is to be sent, if this process claimed it.
    func takeClaimed(_ job: String) -> Member? {
        state.withLock { $0.claimed.removeValue(forKey: job) }
    }

    func noteRecord(_ job: String, labels: [String: String]) {
        state.withLock { $0.records[job] = labels }
    }

    func record(of job: String) -> [String: String]? {
        state.withLock { $0.records[job] }
    }

    func noteStarted(_ job: String, at time: Date) {
        state.withLock { $0.started[job] = time }
    }

    func startTime(of job: String) -> Date? {
        state.withLock { $0.started[job] }
    }

    /// The job is gone: nothing of it is kept.
    func forget(_ job: String) async {
        let member = state.withLock { state in
            state.started[job] = nil
            state.records[job] = nil
            return state.claimed.removeValue(forKey: job)
        }
        await member?.stdin.close()
    }

    /// How many members wait now.
    public var readyCount: Int { state.withLock { $0.ready.count } }

    // MARK: - Running

    /// Removes what earlier processes left, fills the pool and refills it after each claim until
    /// graceful shutdown; then removes the members still waiting (claimed ones are jobs).
    public func run() async throws {
        try await removeLeftovers()
        wake.yield()
        await withGracefulShutdownHandler {
            for await _ in wakeUps {
                await fill()
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
        let members = state.withLock { state in
            state.stopping = true
            defer { state.ready.removeAll() }
            return state.ready
        }
        readyGauge.record(0)
        for member in members {
            await member.stdin.close()
            try? await client.removeContainer(member.id, force: true)
        }
    }

    private func fill() async {
        while state.withLock({ !$0.stopping && $0.ready.count < size }) {
            do {
                let member = try await makeMember()
                let kept = state.withLock { state in
                    guard !state.stopping else { return nil as Int? }
                    state.ready.append(member)
                    return state.ready.count
                }
                if let kept { readyGauge.record(kept) }
                if kept == nil {
                    try? await client.removeContainer(member.id, force: true)
                    return
                }
            } catch {
                logger.warning("could not make a warm container", metadata: ["error": "\(error)"])
                // Tried again at the next claim, or after a pause.
                try? await Task.sleep(for: .seconds(2))
                if Task.isCancelled { return }
            }
        }
    }

    private func makeMember() async throws -> Member {
        let selector = template.selector
        let name = WarmClaim.newMemberName(for: selector.jobComponent)
        var spec = DockerJobRuntime(client: client).containerSpec(for: template)
        spec.hostname = nil
        spec.labels = [JobLabels.application: selector.applicationName, JobLabels.jobComponent: selector.jobComponent, WarmClaim.memberLabel: name]
        spec.environment = []
        spec.entrypoint = [WarmClaim.waiterPath]
        spec.command = []
        spec.openStdin = true
        spec.host.binds = nil
        spec.host.readOnlyRootFilesystem = false
        spec.network = template.network.map { .init(name: $0) }
        let userID = state.withLock { $0.userID }
        let archive = try WarmClaim.memberArchive(payloadDirectory: template.payload?.directory, userID: userID, waiter: WarmWaiterBinary.bytes)
        let created = try await client.createContainer(name: name, spec: spec)
        do {
            try await client.uploadArchive(created.id, to: "/", archive: archive)
            let stdin = try await client.attachStdin(created.id)
            do {
                try await client.startContainer(created.id)
            } catch {
                await stdin.close()
                throw error
            }
            return Member(id: created.id, name: name, stdin: stdin)
        } catch {
            try? await client.removeContainer(created.id, force: true)
            throw error
        }
    }

    /// What a killed process left: members still waiting (no job), containers renamed for a claim
    /// that was never recorded, and records of claims whose container is gone or was never renamed.
    func removeLeftovers() async throws {
        let selector = template.selector
        let containers = try await client.listContainers(all: true, labels: JobLabels.filters(for: selector) + [WarmClaim.memberLabel])
        let records = try await client.listVolumes(labels: JobLabels.filters(for: selector) + [WarmClaim.containerLabel])
        let recorded = Set(records.compactMap { $0.labels[WarmClaim.containerLabel] })
        var claimed: Set<String> = []
        for container in containers {
            let name = container.names.first ?? ""
            if WarmClaim.claimedName(current: name, labels: container.labels) != nil, recorded.contains(container.id) {
                claimed.insert(container.id)
                continue
            }
            do {
                try await client.removeContainer(container.id, force: true)
            } catch DockerEngineError.notFound {}
        }
        for record in records where !claimed.contains(record.labels[WarmClaim.containerLabel] ?? "") {
            do {
                try await client.removeVolume(name: record.name, force: true)
            } catch DockerEngineError.notFound {}
        }
    }
}

/// Why a job's image cannot have a warm pool.
public enum WarmPoolError: Error, CustomStringConvertible {
    case namedUser(String)
    case noCommand(String)

    public var description: String {
        switch self {
        case .namedUser(let user):
            "its image runs as user \"\(user)\", a name: a warm pool needs the user as a number (the payload's folder is given to it before the job is known)"
        case .noCommand(let image): "image \(image) has no command (neither an entrypoint nor a CMD), and the job gives none"
        }
    }
}
