import EngineTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import JobSchedulerAPI

/// `GET /api/v1/jobs/{jobName}/logs` against the real engine.
@Suite("job logs over the API")
struct LogsTests {
    static let twoStreams = "echo out1; echo err1 >&2; echo out2; echo err2 >&2"

    @Test func bothStreamsByDefaultAndEachAlone() async throws {
        try await APIFixture(script: Self.twoStreams).run { client in
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Succeeded"])
            let all = try await client.request(.get, "/api/v1/jobs/\(name)/logs")
            #expect(all.status == .ok)
            #expect(all.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(Set(all.text.split(separator: "\n")) == ["out1", "err1", "out2", "err2"], "\(all.text)")
            // Each stream keeps its own order.
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?stream=stdout").text == "out1\nout2\n")
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?stream=stderr").text == "err1\nerr2\n")
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?stream=all").text.count == all.text.count)
        }
    }

    @Test func tailSinceAndTimestamps() async throws {
        try await APIFixture(script: "for i in 1 2 3 4 5; do echo line$i; done").run { client in
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Succeeded"])
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?tail=2").text == "line4\nline5\n")
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?tail=0").text == "")

            let stamped = try await client.request(.get, "/api/v1/jobs/\(name)/logs?timestamps=true&tail=1").text
            let match = try #require(stamped.wholeMatch(of: /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z) line5\n/), "\(stamped)")
            let stamp = try #require(LogSince.parse(String(match.1)))

            // since: everything is at or after a moment before the job, nothing after it ended.
            let before = Int(stamp.timeIntervalSince1970) - 60
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?since=\(before)").text.hasPrefix("line1\n"))
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(60))
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?since=\(later)").text == "")
            let fraction = String(format: "%.3f", stamp.timeIntervalSince1970 + 1)
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?since=\(fraction)").text == "")
        }
    }

    @Test func badParametersAre400AndUnknownJobs404() async throws {
        try await APIFixture(runtime: .memory).run { client in
            let name = try await client.submit()
            for query in ["tail=-1", "tail=abc", "since=yesterday", "since=-5", "stream=stdin", "follow=yes", "timestamps=1"] {
                let message = try await client.request(.get, "/api/v1/jobs/\(name)/logs?\(query)").expectFailure(400, "BadRequest")
                #expect(!message.isEmpty, "\(query)")
            }
            let message = try await client.request(.get, "/api/v1/jobs/work-20260101000000-abcdefgh/logs").expectFailure(404, "NotFound")
            #expect(message.contains("is not found"))
            try await client.request(.get, "/api/v1/jobs/nope/logs?follow=true").expectFailure(404, "NotFound")
        }
    }

    @Test func sinceTakesRFC3339AndUnixSeconds() {
        let reference = Date(timeIntervalSince1970: 1_795_327_921)
        #expect(LogSince.parse("1795327921") == reference)
        #expect(LogSince.parse("1795327921.5") == reference.addingTimeInterval(0.5))
        #expect(LogSince.parse("2026-11-22T06:12:01Z") == reference)
        #expect(LogSince.parse("2026-11-22T07:12:01+01:00") == reference)
        #expect(abs((LogSince.parse("2026-11-22T06:12:01.25Z") ?? .distantPast).timeIntervalSince(reference) - 0.25) < 0.001)
        #expect(abs((LogSince.parse("2026-11-22t06:12:01.123456789z") ?? .distantPast).timeIntervalSince(reference) - 0.123456789) < 0.001)
        for bad in ["", "yesterday", "-5", "1e9", "nan", "inf", "2026-11-22", "2026-13-01T00:00:00Z"] {
            #expect(LogSince.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func engineTimestampsAreReadToTheNanosecond() {
        let (stamp, rest) = LogTimestamp.split(Array("2026-11-22T06:12:01.123456789Z hello\n".utf8))
        #expect(stamp == LogTimestamp(seconds: 1_795_327_921, nanoseconds: 123_456_789))
        #expect(String(decoding: rest, as: UTF8.self) == "hello\n")
        #expect(LogTimestamp.split(Array("2026-11-22T06:12:01.5Z x".utf8)).0?.nanoseconds == 500_000_000)
        #expect(LogTimestamp.split(Array("2026-11-22T06:12:01Z x".utf8)).0 == LogTimestamp(seconds: 1_795_327_921, nanoseconds: 0))
        let (none, whole) = LogTimestamp.split(Array("no stamp here\n".utf8))
        #expect(none == nil)
        #expect(whole.count == 14)
        #expect(LogTimestamp(seconds: 1, nanoseconds: 5) < LogTimestamp(seconds: 1, nanoseconds: 6))
    }

    @Test func followOfAFinishedJobReturnsItsOutput() async throws {
        try await APIFixture(script: Self.twoStreams).run { client in
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Succeeded"])
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs?follow=true&stream=stdout").text == "out1\nout2\n")
            let stamped = try await client.request(.get, "/api/v1/jobs/\(name)/logs?follow=true&stream=stderr&timestamps=true").text
            #expect(stamped.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) } == ["err1", "err2"], "\(stamped)")
        }
    }

    @Test func followWaitsForAWaitingJobAndEndsWhenItEnds() async throws {
        try await APIFixture(script: "echo first; sleep 2; echo second").run { client in
            let name = try await client.submit()  // asked for right away: the job is usually still waiting
            let response = try await client.request(.get, "/api/v1/jobs/\(name)/logs?follow=true")
            #expect(response.text == "first\nsecond\n")
            let state = try await client.status(of: name)["status"] as? String
            #expect(state == "Succeeded", "the follow ends once the job has ended")
        }
    }

    @Test func followCoversEveryAttemptOfARetriedJob() async throws {
        // Each attempt prints its own line, then fails; the last attempt succeeds. On one engine an attempt
        // is the same container started again (its files kept); on a swarm it is a new task, with fresh
        // files as a new Kubernetes pod has: every attempt is the first, and the job fails after four.
        let script = #"n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; echo attempt$n; [ $n -ge 3 ]"#
        let (expected, outcome) = TestEngine.onSwarm ? (String(repeating: "attempt1\n", count: 4), "Failed")
            : ("attempt1\nattempt2\nattempt3\n", "Succeeded")
        try await APIFixture(script: script, backoffLimit: 3).run { client in
            let name = try await client.submit()
            let response = try await client.request(.get, "/api/v1/jobs/\(name)/logs?follow=true")
            #expect(response.text == expected)
            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == outcome, "\(done)")
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)/logs").text == expected)
        }
    }

    @Test func followStreamsOutputWhileTheJobRuns() async throws {
        // On a swarm a worker's lines reach the manager's log stream later, more so on a loaded machine:
        // the job runs long enough there for its first line to be seen while it runs.
        let fixture = APIFixture(script: "echo started; sleep \(TestEngine.onSwarm ? 15 : 4); echo finished")
        try await fixture.run(.live) { client in
            let port = try #require(client.port)
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Running"])
            let stream = try RawHTTPStream(port: port, path: "/api/v1/jobs/\(name)/logs?follow=true")
            defer { stream.close() }
            // The first line arrives while the job still runs.
            let early = try await stream.read(until: "started\n", timeout: .seconds(120))
            #expect(early.contains("200 OK"), "\(early)")
            #expect(try await client.status(of: name)["status"] as? String == "Running")
            #expect(!early.contains("finished"))
            let whole = try await stream.read(until: "finished\n", timeout: .seconds(120))
            #expect(whole.contains("finished\n"))
        }
    }

    @Test func deletedJobsEndAFollow() async throws {
        try await APIFixture(script: "echo up; sleep 60").run(.live) { client in
            let port = try #require(client.port)
            let name = try await client.submit()
            try await client.waitFor(name, toBe: ["Running"])
            let stream = try RawHTTPStream(port: port, path: "/api/v1/jobs/\(name)/logs?follow=true")
            defer { stream.close() }
            _ = try await stream.read(until: "up\n", timeout: .seconds(120))
            #expect(try await client.request(.delete, "/api/v1/jobs/\(name)").status == .ok)
            // The chunked answer ends (its last chunk is "0\r\n\r\n").
            _ = try await stream.read(until: "\r\n0\r\n\r\n", timeout: .seconds(120))
        }
    }
}

/// A plain HTTP/1.1 GET over a loopback socket, read as bytes arrive, to see a streamed answer as a
/// client does (the test client only hands over whole answers).
final class RawHTTPStream: @unchecked Sendable {
    // @unchecked: `received` is guarded by `lock`; the socket is read on one thread.
    private let fd: Int32
    private let lock = NSLock()
    private var received = Data()
    private var closed = false

    convenience init(port: Int, path: String) throws {
        try self.init(port: port, request: Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    }

    /// Sends `request` as it is (all of it, unless the server closes first).
    init(port: Int, request: [UInt8]) throws {
        fd = try loopbackConnection(port: port)
        // Sent on the reading thread's side: a server that answers and closes before reading it all
        // must not block the test (MSG_NOSIGNAL: nor kill it with SIGPIPE).
        Thread { [fd] in
            var offset = 0
            while offset < request.count {
                let sent = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { break }
                offset += sent
            }
        }.start()
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                lock.withLock { received.append(contentsOf: buffer[0..<count]) }
            }
            lock.withLock { closed = true }
        }.start()
    }

    /// Everything received so far, once it contains `marker`.
    func read(until marker: String, timeout: Duration) async throws -> String {
        try await waitForValue("\(marker.debugDescription) arrives", timeout: timeout,
                               lastSeen: { lock.withLock { String(decoding: received, as: UTF8.self) } }) {
            let (text, ended) = lock.withLock { (String(decoding: received, as: UTF8.self), closed) }
            if text.contains(marker) { return text }
            if ended { throw ConnectionClosed(description: "connection closed without \(marker.debugDescription): \(text)") }
            return nil
        }
    }

    /// Everything received once the server has closed the connection.
    func readToEnd(timeout: Duration) async throws -> String {
        try await waitForValue("the server closes the connection", timeout: timeout,
                               lastSeen: { lock.withLock { String(decoding: received, as: UTF8.self) } }) {
            lock.withLock { closed ? String(decoding: received, as: UTF8.self) : nil }
        }
    }

    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }
}

/// A TCP connection to `port` on loopback; `receiveBuffer` bytes set as the socket's receive buffer (before
/// connecting, so the window is small from the start), else the system's.
func loopbackConnection(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
    return fd
}

/// The server closed a streamed answer before what a test waited for arrived.
struct ConnectionClosed: Error, CustomStringConvertible {
    let description: String
}
