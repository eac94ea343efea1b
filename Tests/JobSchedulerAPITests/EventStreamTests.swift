import AsyncHTTPClient
import Foundation
import Glibc
import HummingbirdTesting
import NIOCore
import SchedulerCore
import Testing
@testable import JobSchedulerAPI

/// `GET /api/v1/events` over a real socket, on the real engine: the state, then every change in order;
/// a resume that misses nothing; a reader that stops reading holds nothing up.
@Suite("event stream over HTTP")
struct EventStreamTests {
    @Test func theStateThenEveryChangeOfJobsAndBatchesInOrder() async throws {
        // On a swarm, whose tasks are read every 100 ms (more slowly on a loaded machine), a job of one second
        // could end between two readings and never be seen running: it runs longer there.
        try await APIFixture(script: TestEngine.onSwarm ? "sleep 5" : "sleep 1").run(.live) { client in
            let port = try #require(client.port)
            let stream = try await EventStreamClient(port: port)
            #expect(stream.contentType?.hasPrefix("text/event-stream") == true)
            #expect(stream.cacheControl == "no-cache")
            let snapshot = try await stream.next()
            #expect(snapshot.event == "snapshot")
            #expect(snapshot.object["jobs"] as? [Any] != nil && snapshot.object["batches"] as? [Any] != nil)
            #expect(snapshot.object["engineConnected"] as? Bool == true)
            let name = try await client.submit(#"{"payload":"p"}"#)
            // (An engine health change may come between them on a loaded machine: it is not a job's change.)
            let changes = try await stream.nextChanges(3)
            #expect(changes.map(\.event) == ["job", "job", "job"])
            #expect(changes.map { $0.object["name"] as? String } == [name, name, name])
            #expect(changes.map { "\($0.object["event"] ?? "") \($0.object["status"] ?? "")" } ==
                    ["Create Waiting", "Update Running", "Update Succeeded"])
            // Numbered one after another, after the snapshot (health changes included).
            let numbers = try stream.delivered.map { try #require(FeedPosition($0.id)).sequence }
            #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(numbers)")
            // A job's event is its JobStatus as GET /jobs/{name} answers it, with `event`.
            let answered = try await client.status(of: name)
            #expect(Set(answered.keys).union(["event"]) == Set(changes[2].object.keys))
            for key in ["name", "status", "created", "started", "ended", "message", "failed"] {
                #expect("\(answered[key] ?? "nil")" == "\(changes[2].object[key] ?? "nil")", "\(key)")
            }

            let batch = try await client.request(.post, "/api/v1/batches", json: #"{"jobScheduleDescriptions":[{"payload":"a"},{"payload":"b"}]}"#)
            let batchName = try #require(try batch.object()["name"] as? String)
            let created = try await stream.nextChange()
            #expect(created.event == "batch" && created.object["name"] as? String == batchName && created.object["event"] as? String == "Create")
            #expect((created.object["jobStatuses"] as? [Any])?.count == 2, "a batch's Create holds all its jobs")
            var lastBatchEvent = created
            while lastBatchEvent.object["status"] as? String != "Completed" {
                let change = try await stream.nextChange()
                // (The single job's status may still be refined by a later read of its container, as
                // Succeeded again: told as an Update of that job, not of the batch.)
                if change.event == "job", change.object["name"] as? String == name, change.object["status"] as? String == "Succeeded" { continue }
                lastBatchEvent = change
                #expect(lastBatchEvent.event == "batch" && lastBatchEvent.object["event"] as? String == "Update",
                        "\(lastBatchEvent)")
            }
        }
    }

    @Test func aResumeMissesNothingAndAnUnknownPositionGetsTheStateAgain() async throws {
        try await APIFixture(script: "exit 0").run(.live) { client in
            let port = try #require(client.port)
            let first = try await client.submit()
            try await client.waitFor(first, toBe: ["Succeeded"])
            var stream: EventStreamClient? = try await EventStreamClient(port: port)
            let resumeAt = try await stream!.next().id
            stream = nil  // the client goes away

            let second = try await client.submit()
            try await client.waitFor(second, toBe: ["Succeeded"])
            for (headers, query) in [(["Last-Event-ID": resumeAt], ""), ([:], "?after=\(resumeAt)"),
                                     (["Last-Event-ID": resumeAt], "?after=zzzzzzzz-1")] {
                let resumed = try await EventStreamClient(port: port, headers: headers, query: query)
                let missed = try await resumed.nextChange()
                #expect(missed.event == "job" && missed.object["name"] as? String == second && missed.object["event"] as? String == "Create",
                        "\(headers) \(query): \(missed)")
                #expect(try #require(FeedPosition(missed.id)).sequence == FeedPosition(resumeAt)!.sequence + 1)
            }
            // A catch-up read: what is known now, then the answer ends.
            var rest = try await client.request(.get, "/api/v1/events?follow=false&after=\(resumeAt)").text
            let caughtUp = ServerSentEvent.take(from: &rest)
            #expect(caughtUp.first?.event == "job" && caughtUp.first?.object["name"] as? String == second)
            #expect(caughtUp.last?.object["status"] as? String == "Succeeded" && !caughtUp.contains { $0.event == "snapshot" })
            var now = try await client.request(.get, "/api/v1/events?follow=false").text
            #expect(ServerSentEvent.take(from: &now).map(\.event) == ["snapshot"])
            // Another process's position (the scheduler restarted): the whole state, then the changes.
            let elsewhere = try await EventStreamClient(port: port, headers: ["Last-Event-ID": "zzzzzzzz-7"])
            let state = try await elsewhere.next()
            #expect(state.event == "snapshot")
            let names = (state.object["jobs"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(Set(names ?? []) == [first, second])

            try await client.request(.get, "/api/v1/events?follow=maybe").expectFailure(400, "BadRequest")
            for bad in ["Last-Event-ID: yesterday", "after=7"] {
                let answer = bad.hasPrefix("after")
                    ? try await client.request(.get, "/api/v1/events?\(bad)")
                    : try await client.request(.get, "/api/v1/events", headers: [.init("Last-Event-ID")!: "yesterday"])
                let message = try answer.expectFailure(400, "BadRequest")
                #expect(message.contains("position"), "\(message)")
            }
        }
    }

    /// A reader that reads nothing (its socket's buffer full, as a client on a slow link) while a batch of
    /// twenty runs: the scheduler runs it as fast as ever, and the reader, once it reads again, finds the
    /// batch completed, from the changes or (when it fell behind what the stream holds) from the state.
    @Test func aReaderThatReadsNothingHoldsNothingUp() async throws {
        var fixture = APIFixture(script: "exit 0")
        fixture.feedCapacity = 8
        fixture.historyLimit = 30
        try await fixture.run(.live) { client in
            let port = try #require(client.port)
            let stalled = try StalledReader(port: port, path: "/api/v1/events")
            defer { stalled.close() }
            let jobs = (0..<20).map { _ in #"{"payload":"x"}"# }.joined(separator: ",")
            let batch = try await client.request(.post, "/api/v1/batches", json: #"{"jobScheduleDescriptions":[\#(jobs)]}"#)
            let batchName = try #require(try batch.object()["name"] as? String)
            try await waitUntil("the batch of 20 completes while the reader reads nothing", timeout: .seconds(120)) {
                try await client.request(.get, "/api/v1/batches/\(batchName)").object()["status"] as? String == "Completed"
            }
            let done = try await client.request(.get, "/api/v1/batches/\(batchName)").object()
            #expect((done["jobStatuses"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "Succeeded" } == true)

            // Now it reads: the last word on the batch says it completed.
            try await waitUntil("the reader learns the batch completed", timeout: .seconds(30)) {
                Self.batchCompleted(batchName, in: stalled.readEvents())
            }
        }
    }

    /// Whether the events, applied in order, leave `batch` completed.
    static func batchCompleted(_ batch: String, in events: [ServerSentEvent]) -> Bool {
        var status: String?
        for event in events {
            if event.event == "snapshot" {
                let batches = event.object["batches"] as? [[String: Any]] ?? []
                status = batches.first { $0["name"] as? String == batch }?["status"] as? String
            } else if event.event == "batch", event.object["name"] as? String == batch {
                status = event.object["status"] as? String
            }
        }
        return status == "Completed"
    }
}

/// One server-sent event.
struct ServerSentEvent: CustomStringConvertible {
    var id = ""
    var event = ""
    var data = ""

    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:] }

    var description: String { "id: \(id) event: \(event) data: \(data.prefix(300))" }

    /// The events in `text`'s complete blocks (comment lines and `retry` skipped); the rest is left in `text`.
    static func take(from text: inout String) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        while let end = text.range(of: "\n\n") {
            let block = text[..<end.lowerBound]
            text.removeSubrange(..<end.upperBound)
            var event = ServerSentEvent()
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("id: ") { event.id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
            }
            if !event.event.isEmpty { events.append(event) }
        }
        return events
    }
}

/// `GET /api/v1/events` with AsyncHTTPClient, read one event at a time; the answer is cut after five minutes.
final class EventStreamClient {
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var text = ""
    private var ready: [ServerSentEvent] = []
    /// Every event read so far, in order.
    private(set) var delivered: [ServerSentEvent] = []
    let contentType: String?
    let cacheControl: String?

    init(port: Int, headers: [String: String] = [:], query: String = "") async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/events\(query)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(300))
        try #require(response.status == .ok, "GET /api/v1/events answered \(response.status)")
        contentType = response.headers.first(name: "content-type")
        cacheControl = response.headers.first(name: "cache-control")
        body = response.body.makeAsyncIterator()
    }

    /// The next event; fails after `timeout` without one (keep-alives come every 15 s, so a wait for an
    /// event that never comes ends).
    func next(timeout: Duration = .seconds(120)) async throws -> ServerSentEvent {
        let deadline = ContinuousClock.now + timeout
        while ready.isEmpty {
            guard ContinuousClock.now < deadline else { throw NoEventInTime(timeout: timeout, delivered: delivered.map(\.event)) }
            guard var buffer = try await body.next() else { throw StreamEnded() }
            text += buffer.readString(length: buffer.readableBytes) ?? ""
            ready = ServerSentEvent.take(from: &text)
        }
        delivered.append(ready[0])
        return ready.removeFirst()
    }

    /// The next change of a job or batch, past any `health` event (the engine's connection may flap
    /// on a loaded machine; that is news, but not of a job).
    func nextChange() async throws -> ServerSentEvent {
        while true {
            let event = try await next()
            if event.event != "health" { return event }
        }
    }

    func nextChanges(_ count: Int) async throws -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for _ in 0..<count { events.append(try await nextChange()) }
        return events
    }

    struct StreamEnded: Error {}
    struct NoEventInTime: Error {
        let timeout: Duration
        let delivered: [String]
    }
}

/// A client that asks for a stream and then reads nothing until told to, over a socket with a small
/// receive buffer: the server's writes to it back up.
final class StalledReader: @unchecked Sendable {
    private let socket: Int32
    private var received: [UInt8] = []
    private var text = ""
    private var headerDone = false
    private var events: [ServerSentEvent] = []

    init(port: Int, path: String) throws {
        socket = try loopbackConnection(port: port, receiveBuffer: 2048)
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        guard send(socket, request, request.count, 0) == request.count else { throw StalledReaderError.cannotSend }
    }

    /// Every event that arrived so far (reading what is there, without waiting for more).
    func readEvents() -> [ServerSentEvent] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if count <= 0 { break }
            received += chunk[..<count]
        }
        dechunk()
        events += ServerSentEvent.take(from: &text)
        return events
    }

    /// The HTTP/1.1 answer's head off, then its chunks' bytes into `text`, as far as they are complete.
    private func dechunk() {
        if !headerDone {
            guard let end = received.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
            received.removeSubrange(..<end.upperBound)
            headerDone = true
        }
        while let line = received.firstRange(of: [13, 10]) {
            guard let size = Int(String(decoding: received[..<line.lowerBound], as: UTF8.self), radix: 16) else { return }
            guard received.count >= line.upperBound + size + 2 else { return }
            text += String(decoding: received[line.upperBound..<(line.upperBound + size)], as: UTF8.self)
            received.removeSubrange(..<(line.upperBound + size + 2))
        }
    }

    func close() { Glibc.close(socket) }

    enum StalledReaderError: Error { case cannotSend }
}
