import Foundation
import SchedulerCore

/// The part of a JobStatus the benchmark reads.
struct APIJob: Decodable, Sendable {
    var name: String
    var status: String
    var created: String?
    var started: String?
    var ended: String?

    var state: JobState? { JobState(rawValue: status) }
    var isTerminal: Bool { state?.isTerminal ?? false }
}

/// Typed calls to one scheduler's `/api/v1`, on a blocking connection (dedicated threads only).
struct SchedulerAPI {
    let connection: HTTPConnection

    init(port: Int) { connection = HTTPConnection(port: port) }

    /// `POST /api/v1/jobs`; nil `command` keeps the configured one.
    func submit(command: [String]? = nil) throws -> APIJob {
        var body = "{}"
        if let command {
            let data = try JSONSerialization.data(withJSONObject: ["command": command])
            body = String(decoding: data, as: UTF8.self)
        }
        let answer = try connection.request("POST", "/api/v1/jobs", json: body)
        guard answer.status == 200 else { throw BenchFailure("POST /api/v1/jobs answered \(answer.status): \(answer.text)") }
        return try JSONDecoder().decode(APIJob.self, from: Data(answer.body))
    }

    func job(_ name: String) throws -> APIJob {
        let answer = try connection.request("GET", "/api/v1/jobs/\(name)")
        guard answer.status == 200 else { throw BenchFailure("GET /api/v1/jobs/\(name) answered \(answer.status): \(answer.text)") }
        return try JSONDecoder().decode(APIJob.self, from: Data(answer.body))
    }

    func jobs() throws -> [APIJob] {
        let answer = try connection.request("GET", "/api/v1/jobs")
        guard answer.status == 200 else { throw BenchFailure("GET /api/v1/jobs answered \(answer.status): \(answer.text)") }
        return try JSONDecoder().decode([APIJob].self, from: Data(answer.body))
    }

    /// Polls one job until it is terminal; returns the monotonic time it was first seen terminal and
    /// the job, plus when it was first seen running (if it was).
    func pollUntilTerminal(_ name: String, intervalMicroseconds: Int, timeoutSeconds: Double) throws -> (seen: UInt64, seenWall: Double, runningSeen: UInt64?, job: APIJob) {
        let deadline = monotonicNanos() + UInt64(timeoutSeconds * 1e9)
        var runningSeen: UInt64?
        while true {
            let job = try self.job(name)
            let now = monotonicNanos()
            if job.isTerminal { return (now, wallSeconds(), runningSeen, job) }
            if runningSeen == nil, job.state == .running { runningSeen = now }
            guard now < deadline else { throw BenchFailure("job \(name) still \(job.status) after \(timeoutSeconds) s") }
            if intervalMicroseconds > 0 { sleepMicroseconds(intervalMicroseconds) }
        }
    }

    /// Polls the list until every one of `names` is in a state that satisfies `done`; returns the
    /// monotonic time of the poll that saw it.
    func pollListUntil(_ names: Set<String>, intervalMicroseconds: Int, timeoutSeconds: Double,
                       done: (APIJob) -> Bool) throws -> UInt64 {
        let deadline = monotonicNanos() + UInt64(timeoutSeconds * 1e9)
        while true {
            let jobs = try self.jobs()
            let now = monotonicNanos()
            let finished = jobs.filter { names.contains($0.name) && done($0) }.count
            if finished == names.count { return now }
            if let failed = jobs.first(where: { names.contains($0.name) && $0.isTerminal && !done($0) }) {
                throw BenchFailure("job \(failed.name) ended \(failed.status)")
            }
            guard now < deadline else { throw BenchFailure("\(finished) of \(names.count) jobs done after \(timeoutSeconds) s") }
            sleepMicroseconds(intervalMicroseconds)
        }
    }
}
