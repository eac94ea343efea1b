import ArgumentParser
import Foundation
import JobSchedulerClient

/// `job-scheduler schedules ...`: the cron schedules of a running scheduler, from the terminal.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "Show the cron schedules of a running scheduler.",
        subcommands: [List.self]
    )
}

extension SchedulesCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the job's schedules with their next run and latest run.")
        @OptionGroup var options: SchedulerClientOptions

        func run() async throws {
            let schedules = try await options.call { try await $0.getSchedules().ok.body.json }
            let output = StandardOutput()
            if options.json { output.out(JobsOutput.json(schedules)) } else { SchedulesOutput.table(schedules).forEach(output.out) }
        }
    }
}

/// The terminal views of schedules.
enum SchedulesOutput {
    static func table(_ schedules: [Components.Schemas.ScheduleStatus]) -> [String] {
        let header = ["#", "SCHEDULE", "TIME ZONE", "CONCURRENCY", "NEXT RUN", "LAST RUN", "STATUS"]
        let rows = schedules.map { schedule in
            [String(schedule.index), schedule.expression, schedule.timeZone, schedule.concurrency.rawValue + (schedule.suspended ? " (suspended)" : ""),
             JobsOutput.time(schedule.nextRuns.first), schedule.lastRun.map { JobsOutput.time($0.scheduledAt) } ?? "-",
             schedule.lastRun?.status.rawValue ?? "-"]
        }
        return JobsOutput.align([header] + rows)
    }
}
