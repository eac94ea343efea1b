import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Testing

/// The feed clients follow (`GET /api/v1/events`), on the in-memory runtime: every change in order, a
/// resume that misses nothing, and readers that fall behind (or never read) costing the scheduler nothing.
@Suite("The status feed")
struct StatusFeedTests {
    @Test func positionsReadBackAndNothingElseIsOne() {
        #expect(FeedPosition("k3x9q2ab-42") == FeedPosition(epoch: "k3x9q2ab", sequence: 42))
        #expect(FeedPosition(epoch: "k3x9q2ab", sequence: 42).description == "k3x9q2ab-42")
        for text in ["", "42", "-42", "abc-", "abc-x", "ab c-1", "abc--1", "abc-1.5", "abc-+1", "äbc-1"] {
            #expect(FeedPosition(text) == nil, "\(text)")
        }
    }

    @Test func aFollowerGetsTheWholeStateThenEveryChangeInOrder() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            let first = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(first.name, .running)
            let snapshot = try await Self.snapshot(from: memory.scheduler.follow(from: nil))
            #expect(snapshot.jobs.map(\.name) == [first.name] && snapshot.jobs.first?.state == .running)
            #expect(snapshot.engineConnected)
            memory.runtime.exit(first.name, code: 0)
            try await memory.waitFor(first.name, .succeeded)
            let second = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(second.name, .running)
            try await memory.scheduler.delete(named: first.name)
            let events = try await Self.events(from: memory.scheduler.follow(from: snapshot.position), count: 4)
            let names = [first.name: "first", second.name: "second"]
            #expect(events.map { Self.line($0.event, names) } == ["Update first Succeeded", "Create second Waiting",
                                                                    "Update second Running", "Delete first Succeeded"])
            // Numbered one after another from the snapshot's position.
            #expect(events.map(\.position.sequence) == (1...4).map { snapshot.position.sequence + UInt64($0) })
            #expect(events.allSatisfy { $0.position.epoch == memory.scheduler.feed.epoch })
        }
    }

    @Test func aResumeFromAnyHeldPositionGivesExactlyTheChangesAfterIt() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            let start = memory.scheduler.feed.position
            let job = try await memory.scheduler.submit(JobRequest())
            try await memory.waitFor(job.name, .running)
            memory.runtime.exit(job.name, code: 4)
            try await memory.waitFor(job.name, .failed)
            let all = try await Self.events(from: memory.scheduler.follow(from: start), count: 3)
            for (index, event) in all.enumerated() {
                let rest = try await Self.events(from: memory.scheduler.follow(from: event.position), count: all.count - index - 1)
                #expect(rest.map(\.position) == all.dropFirst(index + 1).map(\.position))
            }
        }
    }

    @Test func aFollowerTooFarBehindOrFromAnotherProcessGetsTheWholeStateAgain() async throws {
        let memory = MemoryScheduler(historyLimit: 30, feed: StatusFeed(capacity: 4))
        try await memory.running {
            let start = memory.scheduler.feed.position
            var names: [String] = []
            for _ in 0..<3 {
                let job = try await memory.scheduler.submit(JobRequest())
                try await memory.waitFor(job.name, .running)
                names.append(job.name)
            }
            // Six changes since `start`, four held: what it missed is told as the state now.
            let behind = try await Self.snapshot(from: memory.scheduler.follow(from: start))
            #expect(Set(behind.jobs.map(\.name)) == Set(names) && behind.jobs.allSatisfy { $0.state == .running })
            #expect(behind.position == memory.scheduler.feed.position)
            let elsewhere = try await Self.snapshot(from: memory.scheduler.follow(from: FeedPosition(epoch: "zzzzzzzz", sequence: 1)))
            #expect(elsewhere.jobs.count == 3)
            let ahead = FeedPosition(epoch: memory.scheduler.feed.epoch, sequence: memory.scheduler.feed.position.sequence + 10)
            #expect(try await Self.snapshot(from: memory.scheduler.follow(from: ahead)).jobs.count == 3)
        }
    }

    @Test func aReaderThatStopsReadingHoldsNothingUpAndIsLetGo() async throws {
        let memory = MemoryScheduler(historyLimit: 30, feed: StatusFeed(capacity: 8))
        try await memory.running {
            var stalled: StatusFollower.Iterator? = memory.scheduler.follow(from: nil).makeAsyncIterator()
            guard case .snapshot? = await stalled?.next() else { Issue.record("no snapshot first"); return }
            #expect(memory.scheduler.feed.followerCount == 1)
            // Twenty jobs run to their end while it reads nothing.
            var names: [String] = []
            for _ in 0..<20 {
                let job = try await memory.scheduler.submit(JobRequest())
                try await memory.waitFor(job.name, .running)
                memory.runtime.exit(job.name, code: 0)
                try await memory.waitFor(job.name, .succeeded)
                names.append(job.name)
            }
            // When it reads again, it gets the state now: nothing it missed is lost.
            guard case .snapshot(let now)? = await stalled?.next() else { Issue.record("no snapshot after falling behind"); return }
            #expect(Set(now.jobs.map(\.name)) == Set(names) && now.jobs.allSatisfy { $0.state == .succeeded })
            // A reader that goes away gives its place up.
            stalled = nil
            #expect(memory.scheduler.feed.followerCount == 0)
        }
    }

    @Test func theFeedHoldsItsLatestEventsUpToItsCountAndItsJobs() {
        let feed = StatusFeed(capacity: 5, jobCapacity: 12)
        let job = { (name: String) in FeedEvent.status(StatusNotification(event: .update, subject: .job(JobStatus(name: name, state: .running)))) }
        let batch = { (jobs: Int) in
            FeedEvent.status(StatusNotification(event: .create, subject: .batch(BatchStatus(
                name: "b", state: .waiting, jobStatuses: (0..<jobs).map { JobStatus(name: "b-\($0)", state: .waiting) },
                isFinished: false, succeeded: false))))
        }
        feed.publish((1...7).map { job("j\($0)") })
        #expect(feed.heldCount == 5 && feed.position.sequence == 7)
        #expect(feed.events(after: 2, limit: 10) == (3...7).map { job("j\($0)") })
        #expect(feed.events(after: 1, limit: 10) == nil, "the first two are no longer held")
        #expect(feed.events(after: 5, limit: 1) == [job("j6")])
        // A batch of ten: with it, five single jobs would be fifteen statuses; the oldest go until twelve or fewer.
        feed.publish([batch(10)])
        #expect(feed.heldCount == 3 && feed.events(after: 5, limit: 10) == [job("j6"), job("j7"), batch(10)])
        // One event over the limit alone is still held: the newest always is.
        feed.publish([batch(20)])
        #expect(feed.heldCount == 1 && feed.events(after: 8, limit: 10) == [batch(20)])
        #expect(feed.events(after: 9, limit: 10) == [], "nothing after the newest")
        #expect(feed.events(after: 10, limit: 10) == nil, "a position not reached yet")
        // Thousands more: the dropped ones are compacted away, the latest five held.
        for index in 0..<3000 { feed.publish([job("n\(index)")]) }
        #expect(feed.heldCount == 5 && feed.events(after: feed.position.sequence - 5, limit: 10) == (2995..<3000).map { job("n\($0)") })
    }

    @Test func theEngineGoingAndComingBackIsTold() async throws {
        let memory = MemoryScheduler()
        try await memory.running {
            let start = memory.scheduler.feed.position
            memory.runtime.loseConnection()
            try await eventually("the scheduler sees the engine gone") { !memory.scheduler.engineConnected }
            memory.runtime.restoreConnection()
            try await eventually("the scheduler follows the engine again") { memory.scheduler.engineConnected }
            let events = try await Self.events(from: memory.scheduler.follow(from: start), count: 2)
            #expect(events.map(\.event) == [.engineConnection(connected: false), .engineConnection(connected: true)])
        }
    }

    // MARK: - Reading a follower, with a deadline

    static func snapshot(from follower: StatusFollower) async throws -> FeedSnapshot {
        let items = try await items(of: follower, count: 1)
        guard case .snapshot(let snapshot) = items.first else { throw FeedTestError("the first item is not a snapshot: \(items)") }
        return snapshot
    }

    static func events(from follower: StatusFollower, count: Int) async throws -> [(event: FeedEvent, position: FeedPosition)] {
        try await items(of: follower, count: count).map { item in
            guard case .event(let event, let position) = item else { throw FeedTestError("not an event: \(item)") }
            return (event, position)
        }
    }

    /// The follower's first `count` items but heartbeats; fails after 10 s.
    static func items(of follower: StatusFollower, count: Int) async throws -> [StatusFollower.Item] {
        try await withThrowingTaskGroup(of: [StatusFollower.Item]?.self) { group in
            group.addTask {
                var items: [StatusFollower.Item] = []
                var iterator = follower.makeAsyncIterator()
                while items.count < count, let item = await iterator.next() {
                    if case .heartbeat = item { continue }
                    items.append(item)
                }
                return items
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw FeedTestError("timed out after 10 s waiting for \(count) items") }
            return first
        }
    }

    static func line(_ event: FeedEvent, _ names: [String: String]) -> String {
        guard case .status(let notification) = event, case .job(let job) = notification.subject else { return "\(event)" }
        return "\(notification.event.rawValue) \(names[job.name] ?? job.name) \(job.state.rawValue)"
    }

    struct FeedTestError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
