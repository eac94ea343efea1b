import CivilCalendar
import Foundation
import SchedulerCore

/// `GET /api/v1/jobs/{jobName}/logs`: a job's output as the bytes of a text/plain answer.
///
/// Without `follow` it is the engine's answer, filtered to the streams asked for. With `follow` it
/// goes on until the job has ended, not only its container: a job still waiting is waited for, and
/// when a failed attempt is retried (the engine restarts the same container, which ends the engine's
/// follow) the output of the next attempt is followed too. For that the engine is always asked for
/// timestamps, which say where to resume and which lines were already sent, and they are cut off
/// again unless the client asked for them.
struct JobLogReader: Sendable {
    let scheduler: JobScheduler
    let name: String
    let options: JobLogOptions
    let streams: Set<JobLogChunk.Stream>
    /// Between two looks at the job's state while waiting for it to start or to be retried.
    var pollInterval: Duration = .milliseconds(100)

    /// The output, produced as the client reads it (in the task writing the answer: none of its own).
    /// Throws before anything is sent when the job is unknown (404) or the engine fails (503).
    func open() async throws(SchedulerError) -> any AsyncSequence<ArraySlice<UInt8>, any Error> & Sendable {
        if !options.follow {
            return Self.bytes(of: try await scheduler.logs(named: name, options: options), in: streams)
        }
        // Known now, or a 404 before the answer starts.
        _ = try scheduler.job(named: name)
        return FollowedJobLog(reader: self)
    }

    private static func bytes(of chunks: some AsyncSequence<JobLogChunk, any Error> & Sendable, in streams: Set<JobLogChunk.Stream>)
        -> some AsyncSequence<ArraySlice<UInt8>, any Error> & Sendable {
        chunks.compactMap { @Sendable chunk in streams.contains(chunk.stream) && !chunk.bytes.isEmpty ? chunk.bytes[...] : nil }
    }

    func state() -> JobState? {
        try? scheduler.job(named: name).state
    }
}

/// A job's output followed across its attempts until the job has ended (see `JobLogReader`).
struct FollowedJobLog: AsyncSequence, Sendable {
    let reader: JobLogReader

    func makeAsyncIterator() -> Iterator {
        Iterator(reader: reader, since: reader.options.since, tail: reader.options.tail)
    }

    struct Iterator: AsyncIteratorProtocol {
        let reader: JobLogReader
        var since: Date?
        var tail: Int?
        /// The newest line sent.
        var last: LogTimestamp?
        /// Where the current follow was resumed from: lines up to it were sent before, and the engine
        /// sends them again. (Only those: within one follow a swarm may send a stream's lines after
        /// newer ones of the other stream.)
        var resumedAfter: LogTimestamp?
        /// The engine's follow of the current attempt.
        var attempt: (any AsyncIteratorProtocol<JobLogChunk, any Error>)?

        mutating func next() async throws -> ArraySlice<UInt8>? {
            while !Task.isCancelled {
                guard var chunks = attempt else {
                    guard let state = reader.state() else { return nil }  // deleted meanwhile
                    if state == .waiting {
                        try await Task.sleep(for: reader.pollInterval)
                        continue
                    }
                    let options = JobLogOptions(tail: tail, since: since, timestamps: true, follow: true)
                    do {
                        attempt = try await reader.scheduler.logs(named: reader.name, options: options).makeAsyncIterator()
                    } catch {
                        // (Between two attempts' follows the job may be deleted: the engine refuses the next.)
                        try await endOfOutput(after: error)
                        return nil
                    }
                    continue
                }
                let chunk: JobLogChunk?
                do {
                    chunk = try await chunks.next()
                    attempt = chunks
                } catch {
                    attempt = nil
                    try await endOfOutput(after: error)
                    return nil
                }
                guard let chunk else {
                    // The container stopped: the job ended, or an attempt failed and another follows.
                    attempt = nil
                    guard let state = reader.state(), !state.isTerminal else { return nil }
                    // Resume just before the last line sent (the engine's `since` is coarser than its stamps).
                    if let last { since = last.date.addingTimeInterval(-0.000_001) }
                    resumedAfter = last
                    tail = nil
                    try await Task.sleep(for: reader.pollInterval)
                    continue
                }
                let (stamp, text) = LogTimestamp.split(chunk.bytes)
                if let stamp {
                    if let resumedAfter, stamp <= resumedAfter { continue }  // sent before the follow was resumed
                    last = Swift.max(last ?? stamp, stamp)
                }
                guard reader.streams.contains(chunk.stream) else { continue }
                let bytes = reader.options.timestamps ? chunk.bytes[...] : text
                if !bytes.isEmpty { return bytes }
            }
            return nil
        }

        /// A container removed under the follow (the job deleted, or dropped from history) cuts the
        /// engine's stream, or makes it refuse the next one: that is the end of the job's output, not a
        /// failure. The scheduler learns of it after the engine (once a DELETE has removed the job's
        /// records too: seconds on a loaded engine); anything else is rethrown.
        private func endOfOutput(after error: any Error) async throws {
            let deadline = ContinuousClock.now + .seconds(15)
            repeat {
                guard let state = reader.state(), !state.isTerminal else { return }
                try await Task.sleep(for: reader.pollInterval)
            } while ContinuousClock.now < deadline
            throw error
        }
    }
}

/// The engine's timestamp at the start of a log line (`2026-11-22T06:12:01.123456789Z `, RFC 3339 in
/// UTC with up to nine decimals, trailing zeros left out), exact to the nanosecond so lines compare
/// right.
struct LogTimestamp: Comparable, Sendable {
    var seconds: Int64
    var nanoseconds: Int32

    var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9) }

    static func < (a: Self, b: Self) -> Bool { (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds) }

    /// The line's timestamp and the line without it; nil and the whole line when it starts with none.
    static func split(_ bytes: [UInt8]) -> (LogTimestamp?, ArraySlice<UInt8>) {
        guard let space = bytes.prefix(40).firstIndex(of: 0x20),
              let stamp = parse(bytes[..<space]) else { return (nil, bytes[...]) }
        return (stamp, bytes[(space + 1)...])
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    static func parse(_ text: ArraySlice<UInt8>) -> LogTimestamp? {
        let bytes = Array(text)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var nanoseconds = 0
        let fractionEnd = bytes.count - 1
        if fractionEnd > 19 {
            guard bytes[19] == UInt8(ascii: "."), fractionEnd - 20 <= 9, fractionEnd > 20, let fraction = number(20..<fractionEnd) else { return nil }
            nanoseconds = fraction
            for _ in 0..<(9 - (fractionEnd - 20)) { nanoseconds *= 10 }
        }
        let days = CivilDays.since1970(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return LogTimestamp(seconds: seconds, nanoseconds: Int32(nanoseconds))
    }
}

/// Reads the `since` query parameter: RFC 3339 (`2026-11-22T06:12:01Z`, with a fraction or an offset)
/// or Unix time in seconds (`1795327921`, `1795327921.5`).
enum LogSince {
    static func parse(_ text: String) -> Date? {
        if text.wholeMatch(of: /[0-9]{1,12}(\.[0-9]{1,9})?/) != nil { return Double(text).map(Date.init(timeIntervalSince1970:)) }
        let normalized = text.uppercased()
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(normalized) { return date }
        }
        return nil
    }
}
