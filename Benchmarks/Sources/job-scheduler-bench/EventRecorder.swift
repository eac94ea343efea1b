import DockerEngine
import Foundation

/// Records the engine's container events for some label, by container name: when the engine says each
/// happened (`timeNano`) and when it reached this process. Subscribes with the same client library and
/// the same kind of filter the scheduler uses, so both hear of an exit through the same path.
final class EventRecorder: @unchecked Sendable {
    // @unchecked: `events` and `waiters` are guarded by `lock`.
    struct Seen: Sendable, Codable {
        /// The engine's time of the event, wall-clock seconds.
        var engineWall: Double
        /// When it arrived here, wall-clock seconds and monotonic nanoseconds.
        var arrivalWall: Double
        var arrival: UInt64
    }

    private let lock = NSLock()
    private var events: [String: [String: Seen]] = [:]  // name → action → first time seen
    private var connected = false
    private var task: Task<Void, Never>?

    /// Starts listening; returns once the engine has the subscription.
    static func start(client: DockerEngineClient, labels: [String]) async throws -> EventRecorder {
        let recorder = EventRecorder()
        let stream = client.events(filters: EventFilters(types: ["container"], labels: labels,
                                                         actions: ["create", "start", "die", "destroy"]))
        recorder.task = Task {
            for await update in stream {
                switch update {
                case .connected, .reconnected: recorder.lock.withLock { recorder.connected = true }
                case .disconnected: continue
                case .event(let event):
                    let arrival = monotonicNanos()
                    let seen = Seen(engineWall: event.time.timeIntervalSince1970, arrivalWall: wallSeconds(), arrival: arrival)
                    let name = event.attributes["name"] ?? event.actorID
                    recorder.lock.withLock {
                        if recorder.events[name]?[event.action] == nil { recorder.events[name, default: [:]][event.action] = seen }
                    }
                }
            }
        }
        for _ in 0..<500 {
            if recorder.lock.withLock({ recorder.connected }) { return recorder }
            try await Task.sleep(for: .milliseconds(10))
        }
        recorder.stop()
        throw BenchFailure("the engine's events did not connect within 5 s")
    }

    func stop() { task?.cancel() }

    func seen(_ name: String, _ action: String) -> Seen? { lock.withLock { events[name]?[action] } }

    /// Waits (blocking, bounded) for an event; for dedicated threads.
    func waitFor(_ name: String, _ action: String, timeoutSeconds: Double = 5) -> Seen? {
        let deadline = monotonicNanos() + UInt64(timeoutSeconds * 1e9)
        while monotonicNanos() < deadline {
            if let seen = seen(name, action) { return seen }
            sleepMicroseconds(200)
        }
        return nil
    }
}
