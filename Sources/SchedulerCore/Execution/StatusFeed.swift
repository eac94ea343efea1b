import Foundation
import Synchronization

/// What a client following the scheduler is told, in order: each change of a job or a batch (the
/// webhook's notifications), the engine connection coming and going, and a schedule's suspension.
public enum FeedEvent: Sendable, Equatable {
    case status(StatusNotification)
    case engineConnection(connected: Bool)
    case schedulesChanged
}

/// Where a follower is in the feed: `<epoch>-<sequence>`, the epoch telling this process's feed apart
/// from an earlier one's (whose sequence numbers meant other events).
public struct FeedPosition: Sendable, Equatable, CustomStringConvertible {
    public var epoch: String
    public var sequence: UInt64

    public init(epoch: String, sequence: UInt64) {
        self.epoch = epoch
        self.sequence = sequence
    }

    /// nil for text that is no position this feed ever gave (not `<letters and digits>-<number>`).
    public init?(_ text: String) {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        let epoch = text[..<dash], number = text[text.index(after: dash)...]
        guard !epoch.isEmpty, epoch.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let sequence = UInt64(number) else { return nil }
        self.init(epoch: String(epoch), sequence: sequence)
    }

    public var description: String { "\(epoch)-\(sequence)" }
}

/// The scheduler's recent events, numbered, for any number of followers.
///
/// Publishing never waits for a follower: the feed keeps the latest `capacity` events, and each
/// follower reads them at its own pace from its own position. One that falls further behind than
/// that (or resumes from a position this feed no longer holds, or another process's) is given the
/// whole state again (`Follower.Item.snapshot`) instead of the events it missed: a slow reader costs the
/// scheduler nothing and still misses nothing that is in the history.
public final class StatusFeed: Sendable {
    public let epoch: String
    private let capacity: Int

    private struct State {
        /// The newest events, oldest first; the last has number `lastSequence`.
        var events: [FeedEvent] = []
        var start = 0
        var lastSequence: UInt64 = 0
        var followers: [UInt64: AsyncStream<Wake>.Continuation] = [:]
        var nextFollower: UInt64 = 0
    }

    /// Why a follower waiting for events wakes up.
    enum Wake: Sendable { case published, heartbeat }

    private let state = Mutex(State())

    public init(capacity: Int = 4096, epoch: String = StatusFeed.newEpoch()) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.epoch = epoch
    }

    /// Eight random letters and digits: a new process's feed is never mistaken for an older one's.
    public static func newEpoch() -> String {
        String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
    }

    /// The position of the newest event published.
    public var position: FeedPosition {
        FeedPosition(epoch: epoch, sequence: state.withLock { $0.lastSequence })
    }

    /// Adds events and wakes the followers; never waits.
    func publish(_ events: [FeedEvent]) {
        guard !events.isEmpty else { return }
        let followers = state.withLock { state in
            for event in events {
                if state.events.count < capacity {
                    state.events.append(event)
                } else {
                    state.events[state.start] = event
                    state.start = (state.start + 1) % capacity
                }
                state.lastSequence += 1
            }
            return Array(state.followers.values)
        }
        for follower in followers { follower.yield(.published) }
    }

    /// Wakes every waiting follower with nothing new, so it can tell its client it is still there.
    func heartbeat() {
        for follower in state.withLock({ Array($0.followers.values) }) { follower.yield(.heartbeat) }
    }

    /// The events after `sequence` (at most `limit`); nil when the feed no longer holds all of them.
    func events(after sequence: UInt64, limit: Int) -> [FeedEvent]? {
        state.withLock { state in
            let oldest = state.lastSequence - UInt64(state.events.count)  // the number before the oldest held
            guard sequence >= oldest, sequence <= state.lastSequence else { return nil }
            let skip = Int(sequence - oldest)
            let count = min(limit, state.events.count - skip)
            return (0..<count).map { state.events[(state.start + skip + $0) % state.events.count] }
        }
    }

    /// A wake-up stream for one follower, dropped from the feed when the follower stops reading, and
    /// what ends it.
    func wakeUps() -> (stream: AsyncStream<Wake>, end: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            defer { state.nextFollower += 1 }
            state.followers[state.nextFollower] = continuation
            return state.nextFollower
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.followers.removeValue(forKey: id) }
        }
        return (stream, { continuation.finish() })
    }

    /// How many followers are waiting or reading now.
    public var followerCount: Int {
        state.withLock { $0.followers.count }
    }
}
