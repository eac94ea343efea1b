import Foundation
import RadixConfig

/// The one-line-per-job view printed by `validate`, e.g.
/// `compute  port 8000  image radix-example/compute:latest  payload /compute/args  timeLimit 43200s  backoff 0  cpu 500m/1  memory 256Mi/512Mi`.
public enum JobSummary {
    public static func lines(for jobs: [ResolvedJob]) -> [String] {
        let width = jobs.map(\.name.count).max() ?? 0
        return jobs.map { line(for: $0, nameWidth: width) }
    }

    public static func line(for job: ResolvedJob, nameWidth: Int = 0) -> String {
        let padding = String(repeating: " ", count: max(0, nameWidth - job.name.count))
        let image = job.image ?? job.src.map { "(built from \($0))" } ?? "-"
        let fields = [
            job.name + padding,
            "port \(job.schedulerPort.map(String.init) ?? "-")",
            "image \(image)",
            "payload \(job.payloadPath ?? "-")",
            "timeLimit \(job.timeLimitSeconds)s",
            "backoff \(job.backoffLimit)",
            "cpu \(pair(job.resources.requests.cpu, job.resources.limits.cpu))",
            "memory \(pair(job.resources.requests.memory, job.resources.limits.memory))",
        ]
        return fields.joined(separator: "  ")
    }

    /// For a job with a cron: a line with its settings, then one per schedule with its next runs
    /// after `now` (UTC), e.g. `    0 2 * * *  next 2027-01-01T01:00:00Z, 2027-01-02T01:00:00Z, ...`.
    public static func scheduleLines(for job: ResolvedJob, now: Date, runs: Int = 3) -> [String] {
        guard let cron = job.cron else { return [] }
        var settings = ["time zone \(cron.timeZoneName)", "concurrency \(cron.concurrency.rawValue)"]
        if let deadline = cron.startingDeadlineSeconds { settings.append("startingDeadlineSeconds \(deadline)") }
        if cron.suspend { settings.append("suspended") }
        let width = cron.schedules.map(\.expression.count).max() ?? 0
        return ["  \(job.name) cron: " + settings.joined(separator: ", ")] + cron.schedules.map { schedule in
            let next = schedule.nextRuns(after: now, count: runs).map { $0.formatted(.iso8601) }
            let padding = String(repeating: " ", count: width - schedule.expression.count)
            return "    \(schedule.expression)\(padding)  " + (next.isEmpty ? "no more runs" : "next " + next.joined(separator: ", "))
        }
    }

    /// `request/limit`, with `-` for an unset side.
    private static func pair(_ request: (some CustomStringConvertible)?, _ limit: (some CustomStringConvertible)?) -> String {
        "\(request?.description ?? "-")/\(limit?.description ?? "-")"
    }
}
