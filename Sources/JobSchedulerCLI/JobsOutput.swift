import Foundation
import JobSchedulerClient

/// How `jobs` commands show jobs: a readable table or the API's JSON.
enum JobsOutput {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func duration(_ job: Components.Schemas.JobStatus, now: Date = Date()) -> String {
        guard let started = job.started else { return "-" }
        let seconds = (job.ended ?? now).timeIntervalSince(started)
        return seconds < 60 ? String(format: "%.1fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }

    /// One row per job under a header, columns padded to their widest cell.
    static func table(_ jobs: [Components.Schemas.JobStatus]) -> [String] {
        let header = ["NAME", "STATUS", "CREATED", "DURATION", "FAILED", "EXIT", "JOB ID"]
        let rows = jobs.map { job in
            [job.name, job.status.rawValue, time(job.created), duration(job), String(job.failed ?? 0),
             job.podStatuses?.first?.exitCode.map(String.init) ?? "-", job.jobId ?? "-"]
        }
        return align([header] + rows)
    }

    /// Every field of one job, one per line.
    static func details(_ job: Components.Schemas.JobStatus) -> [String] {
        var lines = align([
            ["Name:", job.name], ["Job ID:", job.jobId ?? "-"], ["Status:", job.status.rawValue],
            ["Message:", job.message ?? "-"], ["Created:", time(job.created)], ["Started:", time(job.started)],
            ["Ended:", time(job.ended)], ["Duration:", duration(job)], ["Failed attempts:", String(job.failed ?? 0)],
        ])
        for pod in job.podStatuses ?? [] {
            lines.append("Container \(pod.name):")
            lines += align([
                ["  State:", pod.replicaStatus.status.rawValue], ["  Image:", pod.image ?? "-"],
                ["  Exit code:", pod.exitCode.map(String.init) ?? "-"], ["  Reason:", pod.reason ?? "-"],
                ["  Restarts:", String(pod.restartCount ?? 0)], ["  Started:", time(pod.startTime)], ["  Ended:", time(pod.endTime)],
            ])
        }
        return lines
    }

    static func align(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
    }
}
