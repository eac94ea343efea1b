import Foundation
import Synchronization

/// The one moment the scheduler waits for on its clock, replaced whenever the decisions ask for
/// another (`SchedulerAction.armTimer`). One timer for every deadline and retry, rather than a task
/// per job.
final class WakeUpTimer: Sendable {
    private struct State {
        var wakeUp: Date?
        var generation: UInt64 = 0
        /// The run loop, waiting for the moment to change.
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func arm(at wakeUp: Date?) {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.wakeUp = wakeUp
            state.generation &+= 1
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    /// Calls `fire` each time the armed moment comes, until the calling task is cancelled.
    func run(on clock: any SchedulerClock, fire: @Sendable () -> Void) async {
        while !Task.isCancelled {
            let (wakeUp, generation) = state.withLock { ($0.wakeUp, $0.generation) }
            let fired = await withTaskGroup(of: Bool.self) { group in
                if let wakeUp { group.addTask { (try? await clock.sleep(until: wakeUp)) != nil } }
                group.addTask {
                    await self.changed(since: generation)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            guard fired, !Task.isCancelled else { continue }
            // Fired once: unless armed anew meanwhile, nothing is armed until the decisions say so.
            state.withLock { if $0.generation == generation { $0.wakeUp = nil } }
            fire()
        }
    }

    /// Returns once the armed moment is no longer that of `generation`, or the task is cancelled.
    private func changed(since generation: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }
}
