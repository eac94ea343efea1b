import Foundation
import Synchronization

/// What a client following the scheduler is told, in order: each change of a job or a batch (the
/// webhook's notifications), the engine connection coming and going, and a schedule's suspension.
public enum FeedEvent: Sendable, Equatable {
    case status(StatusNotification)
    case engineConnection(connected: Bool)
    case schedulesChanged

    /// How many job statuses it carries (what it costs to hold).
    var jobCount: Int {
        guard case .status(let notification) = self else { return 0 }
        switch notification.subject {
        case .job: return 1
        case .batch(let batch): return batch.jobStatuses.count
        }
    }
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
/// Publishing never waits for a follower: the feed keeps the latest events (at most `capacity` of them,
/// and at most `jobCapacity` job statuses in them: a batch's `Create` holds all its jobs), and each
/// follower reads them at its own pace from its own position. One that falls further behind than
/// that (or resumes from a position this feed no longer holds, or another process's) is given the
/// whole state again (`StatusFollower.Item.snapshot`) instead of the events it missed: a slow reader
/// costs the scheduler nothing and still misses nothing that is in the history.
public final class StatusFeed: Sendable {
    public let epoch: String
    private let capacity: Int
    private let jobCapacity: Int

    private struct State {
        /// The events held, oldest first from `head` (those before it are dropped, and compacted away
        /// from time to time); the last has number `lastSequence`.
        var events: [(event: FeedEvent, jobs: Int)] = []
        var head = 0
        var heldJobs = 0
        var lastSequence: UInt64 = 0
        var followers: [UInt64: AsyncStream<Wake>.Continuation] = [:]
        var nextFollower: UInt64 = 0

        var heldCount: Int { events.count - head }
    }

    /// Why a follower waiting for events wakes up.
    enum Wake: Sendable { case published, heartbeat }

    private let state = Mutex(State())

    public init(capacity: Int = 4096, jobCapacity: Int = 50_000, epoch: String = StatusFeed.newEpoch()) {
        precondition(capacity > 0 && jobCapacity > 0)
        self.capacity = capacity
        self.jobCapacity = jobCapacity
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
                let jobs = event.jobCount
                state.events.append((event, jobs))
                state.heldJobs += jobs
                state.lastSequence += 1
            }
            // The oldest go first; the newest event is always held.
            while state.heldCount > 1 && (state.heldCount > capacity || state.heldJobs > jobCapacity) {
                state.heldJobs -= state.events[state.head].jobs
                state.head += 1
            }
            if state.head >= 1024 && state.head * 2 >= state.events.count {
                state.events.removeFirst(state.head)
                state.head = 0
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
            let oldest = state.lastSequence - UInt64(state.heldCount)  // the number before the oldest held
            guard sequence >= oldest, sequence <= state.lastSequence else { return nil }
            let from = state.head + Int(sequence - oldest)
            let to = min(state.events.count, from + limit)
            return state.events[from..<to].map(\.event)
        }
    }

    /// How many events the feed holds now.
    var heldCount: Int { state.withLock { $0.heldCount } }

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
