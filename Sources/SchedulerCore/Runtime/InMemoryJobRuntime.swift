import DockerEngine
import Foundation
import Synchronization

/// A `JobRuntime` that keeps its jobs in memory: the in-memory twin of `DockerJobRuntime`, for tests of
/// the scheduling logic and the API that need no engine. It behaves as the scheduler relies on an
/// engine behaving: a job's container is created, started (again, for a retry) and exits with a code;
/// every change is an event; stop requests and failed attempts are recorded apart from the container,
/// as volumes are.
///
/// A job runs until the test ends it (`exit(_:code:)`), and writes what the test gives it
/// (`write(_:_:to:)`). Faults are scripted: a start lost in transport (`failNextStart`), folds into the
/// tally of removed runs that fail (`failFolds`), an engine that goes away and comes back
/// (`loseConnection`, `restoreConnection`).
public final class InMemoryJobRuntime: JobRuntime {
    /// One job's container.
    public struct Container: Sendable {
        public var launch: JobLaunch
        public var created: Date
        public var runState: JobObservation.RunState = .created
        public var startedAt: Date?
        public var finishedAt: Date?
        public var exitCode = 0
        public var restartCount = 0
        public var engineError = ""
        /// The payload is fully in place: false for a submission that died half-way.
        public var submissionComplete = true
        /// How many times it was started, retries included.
        public var starts = 0
        /// The job ignores SIGTERM: a stop ends it only at the end of the grace period.
        public var ignoresTerm = false
        public var output: [JobLogChunk] = []
    }

    struct LogFollower {
        var name: String
        var continuation: AsyncThrowingStream<JobLogChunk, any Error>.Continuation
    }

    struct State {
        var containers: [String: Container] = [:]
        var stopRecords: Set<String> = []
        var attempts: [String: [JobAttempt]] = [:]
        var batches: [String: BatchObservation] = [:]
        var outcomeRecordings = 0
        var suspensions: [Int: Bool] = [:]
        var runTally: RunTally?
        /// How many of the next folds into the tally fail.
        var foldFaults = 0
        var startClaims: Set<String> = []
        var subscribers: [UUID: AsyncStream<RuntimeEvent>.Continuation] = [:]
        var followers: [UUID: LogFollower] = [:]
        var connected = true
        /// Errors the next starts throw (the job's name, or nil for any job), in order; a fault
        /// `carriedOut` is an answer lost after the engine did the start (a client's timeout).
        var startFaults: [(name: String?, error: any Error, carriedOut: Bool)] = []
        /// How many creations succeed before one fails; nil: all succeed.
        var creationsBeforeFault: Int?
    }

    let state = Mutex(State())
    private let clock: any SchedulerClock
    public let imageID: String

    public init(clock: any SchedulerClock, imageID: String = "sha256:" + String(repeating: "0", count: 64)) {
        self.clock = clock
        self.imageID = imageID
    }

    // MARK: - What a test does to the engine

    public func container(_ name: String) -> Container? { state.withLock { $0.containers[name] } }

    public var containerNames: Set<String> { state.withLock { Set($0.containers.keys) } }

    /// The job's process ends with `code`.
    public func exit(_ name: String, code: Int) {
        let now = clock.now
        let exited: Bool = state.withLock { state in
            guard var container = state.containers[name], container.runState == .running else { return false }
            container.exitCode = code
            container.runState = .exited
            container.finishedAt = now
            state.containers[name] = container
            return true
        }
        guard exited else { return }
        publish([.jobExited(name: name, exitCode: code, at: now)])
        endFollowers(of: name)
    }

    /// The batches recorded.
    public var batchNames: Set<String> { state.withLock { Set($0.batches.keys) } }

    /// The attempts recorded for a job.
    public func attempts(of name: String) -> [JobAttempt] { state.withLock { $0.attempts[name] ?? [] } }

    /// The job writes `text` to one of its streams.
    public func write(_ name: String, _ text: String, to stream: JobLogChunk.Stream = .stdout) {
        let chunk = JobLogChunk(stream: stream, bytes: Array(text.utf8))
        let followers = state.withLock { state -> [AsyncThrowingStream<JobLogChunk, any Error>.Continuation] in
            state.containers[name]?.output.append(chunk)
            return state.followers.values.filter { $0.name == name }.map(\.continuation)
        }
        for follower in followers { follower.yield(chunk) }
    }

    /// The next start of `name` (or of any job, nil) throws `error`; it is not carried out, unless
    /// `carriedOut`: then the engine starts the job all the same (the caller gave up waiting for it).
    public func failNextStart(of name: String? = nil, with error: any Error = DockerEngineError.transport(code: 28, message: "timed out"),
                              carriedOut: Bool = false) {
        state.withLock { $0.startFaults.append((name, error, carriedOut)) }
    }

    /// After `count` more creations succeed, the next one fails (once).
    /// The next `count` folds into the tally of removed runs fail (in transport).
    public func failFolds(_ count: Int) {
        state.withLock { $0.foldFaults = count }
    }

    public var pendingFoldFaults: Int { state.withLock { $0.foldFaults } }

    /// The tally of removed runs as recorded.
    public var runTally: RunTally? { state.withLock { $0.runTally } }

    public func failCreation(afterSucceeding count: Int) {
        state.withLock { $0.creationsBeforeFault = count }
    }

    /// The engine goes away: events stop, every call fails.
    public func loseConnection(_ reason: String = "engine went away") {
        let subscribers = state.withLock { state in
            state.connected = false
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(.disconnected(reason)) }
    }

    /// The engine is back: events flow again, changes made meanwhile are not replayed.
    public func restoreConnection() {
        let subscribers = state.withLock { state in
            state.connected = true
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(.reconnected) }
    }

    /// Changes a container behind the scheduler's back, with no event (as when no scheduler watched).
    public func modify(_ name: String, _ change: (inout Container) -> Void) {
        state.withLock { state in
            guard var container = state.containers[name] else { return }
            change(&container)
            state.containers[name] = container
        }
    }

    /// Creates a container as a scheduler that died half-way through its submission leaves it: without its payload.
    public func createUnfinished(_ launch: JobLaunch) {
        state.withLock { state in
            var container = Container(launch: launch, created: clock.now)
            container.submissionComplete = launch.payload == nil
            state.containers[launch.name] = container
        }
    }

    // MARK: - JobRuntime

    public func prepare(network: String?, selector: JobSelector) async throws {
        try whileConnected { _ in }
    }

    public func create(_ launch: JobLaunch) async throws {
        try whileConnected { state in
            guard state.containers[launch.name] == nil else {
                throw DockerEngineError.conflict(message: "the container name \"/\(launch.name)\" is already in use")
            }
            if let remaining = state.creationsBeforeFault {
                state.creationsBeforeFault = remaining == 0 ? nil : remaining - 1
                if remaining == 0 { throw DockerEngineError.transport(code: 28, message: "timed out") }
            }
            state.containers[launch.name] = Container(launch: launch, created: clock.now)
        }
        publish([.jobChanged(name: launch.name)])
    }

    public func start(name: String) async throws {
        let now = clock.now
        let fault: (any Error)? = try whileConnected { state in
            var fault: (name: String?, error: any Error, carriedOut: Bool)?
            if let index = state.startFaults.firstIndex(where: { $0.name == nil || $0.name == name }) {
                fault = state.startFaults.remove(at: index)
                if fault?.carriedOut == false { throw fault!.error }
            }
            guard var container = state.containers[name] else { throw DockerEngineError.notFound(message: "No such container: \(name)") }
            guard container.runState == .created || container.runState == .exited else { return fault?.error }
            container.runState = .running
            container.startedAt = now
            container.starts += 1
            state.containers[name] = container
            return fault?.error
        }
        publish([.jobStarted(name: name, at: now)])
        if let fault { throw fault }
    }

    public func observe(name: String, selector: JobSelector) async throws -> JobObservation? {
        try whileConnected { state in
            return state.containers[name].map { observation(of: $0, stopRequested: false) }
        }
    }

    public func observeAll(selector: JobSelector) async throws -> [JobObservation] {
        try whileConnected { state in
            return state.containers.values.map { container in
                var observed = observation(of: container, stopRequested: state.stopRecords.contains(container.launch.name))
                observed.attempts = state.attempts[container.launch.name] ?? []
                return observed
            }
        }
    }

    private func observation(of container: Container, stopRequested: Bool) -> JobObservation {
        var observation = JobObservation(
            name: container.launch.name, jobId: container.launch.jobId, batchName: container.launch.batchName,
            batchIndex: container.launch.batchIndex, image: container.launch.image, imageID: imageID,
            created: container.created, startedAt: container.startedAt, finishedAt: container.finishedAt,
            runState: container.runState, exitCode: container.exitCode, engineError: container.engineError,
            restartCount: container.restartCount, timeLimitSeconds: container.launch.timeLimitSeconds,
            backoffLimit: container.launch.backoffLimit, failurePolicy: container.launch.failurePolicy, stopRequested: stopRequested,
            submissionComplete: container.runState != .created || container.submissionComplete,
            scheduledRun: container.launch.scheduledRun, submissionKey: container.launch.submissionKey
        )
        observation.payloadPath = container.launch.payload?.directory
        observation.payloadBytes = container.launch.payload?.bytes.count
        return observation
    }

    public func stop(name: String, gracePeriod: Duration) async throws {
        let ignoresTerm = try whileConnected { state -> Bool in
            guard state.containers[name] != nil else { throw DockerEngineError.notFound(message: "No such container: \(name)") }
            return state.containers[name]?.ignoresTerm ?? false
        }
        if ignoresTerm {
            let seconds = Double(gracePeriod.components.seconds) + Double(gracePeriod.components.attoseconds) / 1e18
            try await clock.sleep(until: clock.now.addingTimeInterval(seconds))
        }
        exit(name, code: ignoresTerm ? 137 : 143)
    }

    public func kill(name: String) async throws {
        try whileConnected { state in
            guard state.containers[name] != nil else { throw DockerEngineError.notFound(message: "No such container: \(name)") }
        }
        exit(name, code: 137)
    }

    public func remove(name: String, selector: JobSelector) async throws {
        let existed = try whileConnected { state in
            state.stopRecords.remove(name)
            state.attempts[name] = nil
            return state.containers.removeValue(forKey: name) != nil
        }
        if existed {
            publish([.jobRemoved(name: name)])
            endFollowers(of: name)
        }
    }

    public func events(selector: JobSelector) -> any AsyncSequence<RuntimeEvent, Never> & Sendable {
        let (stream, continuation) = AsyncStream.makeStream(of: RuntimeEvent.self)
        let id = UUID()
        let connected = state.withLock { state in
            state.subscribers[id] = continuation
            return state.connected
        }
        continuation.yield(connected ? .connected : .disconnected("engine went away"))
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    public func logs(name: String, options: JobLogOptions) async throws -> any AsyncSequence<JobLogChunk, any Error> & Sendable {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: JobLogChunk.self)
        let id = UUID()
        try whileConnected { state in
            guard let container = state.containers[name] else { throw DockerEngineError.notFound(message: "No such container: \(name)") }
            let output = options.tail.map { Array(container.output.suffix($0)) } ?? container.output
            for chunk in output { continuation.yield(chunk) }
            if options.follow && container.runState == .running {
                state.followers[id] = LogFollower(name: name, continuation: continuation)
            } else {
                continuation.finish()
            }
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.followers.removeValue(forKey: id) } }
        return stream
    }

    // MARK: - Internals

    static let unreachable = DockerEngineError.unreachable(socketPath: "memory", reason: "the in-memory engine is away")

    /// Runs `body` on the state as an engine call: it fails while the engine is away.
    @discardableResult
    func whileConnected<Result>(_ body: (inout State) throws -> Result) throws -> Result {
        try state.withLock { state in
            guard state.connected else { throw Self.unreachable }
            return try body(&state)
        }
    }

    /// Sends events to every subscriber, unless the engine is away (then they are lost, as they are
    /// for a scheduler whose events stream is cut).
    private func publish(_ events: [RuntimeEvent]) {
        let subscribers = state.withLock { $0.connected ? Array($0.subscribers.values) : [] }
        for subscriber in subscribers {
            for event in events { subscriber.yield(event) }
        }
    }

    private func endFollowers(of name: String) {
        let followers = state.withLock { state in
            let ids = state.followers.filter { $0.value.name == name }.map(\.key)
            return ids.compactMap { state.followers.removeValue(forKey: $0)?.continuation }
        }
        for follower in followers { follower.finish() }
    }
}
