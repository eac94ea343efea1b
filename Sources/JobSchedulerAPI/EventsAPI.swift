import Foundation
import OpenAPIRuntime
import SchedulerCore

/// `GET /api/v1/events`: the scheduler's changes as server-sent events (see `EventStream`).
extension JobsAPI {
    func followEvents(_ input: Operations.FollowEvents.Input) async throws -> Operations.FollowEvents.Output {
        try await .answering {
            let position = try Self.feedPosition(header: input.headers.lastEventID, query: input.query.after)
            let events = EventStream(follower: scheduler.follow(from: position, waiting: input.query.follow ?? true), scheduler: scheduler)
            return .ok(.init(headers: .init(cacheControl: "no-cache"),
                             body: .textEventStream(HTTPBody(events, length: .unknown, iterationBehavior: .single))))
        }
    }

    /// The position to resume after: the header's (which `EventSource` sends on reconnecting), else the query's.
    static func feedPosition(header: String?, query: String?) throws(APIFailure) -> FeedPosition? {
        let name = header == nil ? "after" : "Last-Event-ID"
        guard let text = header ?? query else { return nil }
        guard let position = FeedPosition(text) else {
            throw APIFailure(status: .badRequest, message: "\(name): not an event position (<epoch>-<number>): \(text)")
        }
        return position
    }
}

/// A follower's items as the bytes of a `text/event-stream`: an `id`, an `event` name and one `data`
/// line of JSON (the API's own types, as its other answers write them) per event, and a comment for a
/// heartbeat. Produced as the client reads, in the task writing the answer.
struct EventStream: AsyncSequence, Sendable {
    let follower: StatusFollower
    let scheduler: JobScheduler

    func makeAsyncIterator() -> Iterator {
        Iterator(items: follower.makeAsyncIterator(), scheduler: scheduler)
    }

    struct Iterator: AsyncIteratorProtocol {
        var items: StatusFollower.Iterator
        let scheduler: JobScheduler
        let encoder = APIJSON.encoder()
        var started = false

        mutating func next() async throws -> ArraySlice<UInt8>? {
            if !started {
                started = true
                // How long an `EventSource` waits before it reconnects.
                return Array("retry: 2000\n\n".utf8)[...]
            }
            guard let item = await items.next() else { return nil }
            switch item {
            case .heartbeat:
                return Array(": keep-alive\n\n".utf8)[...]
            case .snapshot(let snapshot):
                let body = Snapshot(jobs: snapshot.jobs.map(RadixJobStatus.init), batches: snapshot.batches.map(RadixBatchStatus.init),
                                    engineConnected: snapshot.engineConnected)
                return try frame(id: snapshot.position, event: "snapshot", data: encoder.encode(body))
            case .event(.status(let notification), let position):
                let event = notification.event.rawValue
                switch notification.subject {
                case .job(let status):
                    return try frame(id: position, event: "job", data: encoder.encode(StatusWithEvent(status: RadixJobStatus(status), event: event)))
                case .batch(let status):
                    return try frame(id: position, event: "batch", data: encoder.encode(StatusWithEvent(status: RadixBatchStatus(status), event: event)))
                }
            case .event(.engineConnection(let connected), let position):
                return try frame(id: position, event: "health", data: encoder.encode(["engineConnected": connected]))
            case .event(.schedulesChanged, let position):
                let schedules = scheduler.schedules().map(Components.Schemas.ScheduleStatus.init)
                return try frame(id: position, event: "schedules", data: encoder.encode(schedules))
            }
        }

        /// One event. The JSON has no line breaks (the API's encoder writes none), so it is one `data` line.
        private func frame(id: FeedPosition, event: String, data: Data) -> ArraySlice<UInt8> {
            var bytes = Array("id: \(id)\nevent: \(event)\ndata: ".utf8)
            bytes.reserveCapacity(bytes.count + data.count + 2)
            bytes.append(contentsOf: data)
            bytes.append(contentsOf: [10, 10])
            return bytes[...]
        }
    }

    struct Snapshot: Encodable {
        var jobs: [RadixJobStatus]
        var batches: [RadixBatchStatus]
        var engineConnected: Bool
    }
}
