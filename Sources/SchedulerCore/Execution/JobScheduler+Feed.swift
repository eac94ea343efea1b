import Foundation
import ServiceLifecycle

/// The whole state a follower starts from (or starts again from, when it fell behind the feed).
public struct FeedSnapshot: Sendable {
    /// The single jobs and the batches, newest first.
    public var jobs: [JobStatus]
    public var batches: [BatchStatus]
    public var engineConnected: Bool
    /// The feed's position this state is of: the next events follow it.
    public var position: FeedPosition
}

extension JobScheduler {
    /// Follows the scheduler's changes from `position`: the events after it, when the feed still holds
    /// them all; else (and for no position) the whole state first, then each change. It ends when the
    /// scheduler's service shuts down gracefully, or when the task reading it is cancelled; without
    /// `waiting`, as soon as what is known now is given (a catch-up read).
    public func follow(from position: FeedPosition?, waiting: Bool = true) -> StatusFollower {
        StatusFollower(scheduler: self, position: position, waiting: waiting)
    }

    /// The state now, and the feed's position it is of (publishing happens under the same lock).
    func feedSnapshot() -> FeedSnapshot {
        state.withLock { state in
            FeedSnapshot(jobs: state.jobsNewestFirst(), batches: state.batchesNewestFirst(), engineConnected: state.engineConnected,
                         position: feed.position)
        }
    }
}

/// A follower of a scheduler's `StatusFeed` (see `JobScheduler.follow(from:)`).
public struct StatusFollower: AsyncSequence, Sendable {
    public enum Item: Sendable {
        case snapshot(FeedSnapshot)
        case event(FeedEvent, FeedPosition)
        /// Nothing happened for a while (`JobScheduler`'s heartbeat): a chance to tell the client so.
        case heartbeat
    }

    let scheduler: JobScheduler
    let position: FeedPosition?
    let waiting: Bool

    public func makeAsyncIterator() -> Iterator {
        let feed = scheduler.feed
        let (wakeUps, end) = feed.wakeUps()
        let resume = position.flatMap { $0.epoch == feed.epoch ? $0.sequence : nil }
        return Iterator(scheduler: scheduler, sequence: resume, wakeUps: wakeUps.makeAsyncIterator(), lease: Lease(end: end),
                        waiting: waiting)
    }

    /// Ends the follower's wake-ups, and so its place in the feed, when the last copy of its iterator
    /// goes: a reader that just stops (a client that went away) is not woken for ever.
    final class Lease: Sendable {
        let end: @Sendable () -> Void

        init(end: @escaping @Sendable () -> Void) { self.end = end }

        deinit { end() }
    }

    public struct Iterator: AsyncIteratorProtocol {
        let scheduler: JobScheduler
        /// The last event given; nil until a snapshot is given (first, or after falling behind).
        var sequence: UInt64?
        var wakeUps: AsyncStream<StatusFeed.Wake>.Iterator
        let lease: Lease
        let waiting: Bool
        var pending: ArraySlice<FeedEvent> = []

        public mutating func next() async -> Item? {
            let feed = scheduler.feed
            while !Task.isCancelled {
                if let event = pending.popFirst() {
                    sequence! += 1
                    return .event(event, FeedPosition(epoch: feed.epoch, sequence: sequence!))
                }
                guard let sequence else {
                    let snapshot = scheduler.feedSnapshot()
                    self.sequence = snapshot.position.sequence
                    return .snapshot(snapshot)
                }
                guard let events = feed.events(after: sequence, limit: 256) else {
                    self.sequence = nil  // fell behind what the feed holds
                    continue
                }
                if !events.isEmpty {
                    pending = events[...]
                    continue
                }
                guard waiting else { return nil }
                let end = lease.end
                let wake = await withGracefulShutdownHandler { await wakeUps.next() } onGracefulShutdown: { end() }
                switch wake {
                case nil: return nil
                case .heartbeat: return .heartbeat
                case .published: continue
                }
            }
            return nil
        }
    }
}
