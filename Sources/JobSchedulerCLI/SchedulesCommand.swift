import ArgumentParser
import Foundation
import JobSchedulerClient

/// `job-scheduler schedules ...`: the cron schedules of a running scheduler, from the terminal.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "Show, run now, suspend and resume the cron schedules of a running scheduler, and count its runs.",
        subcommands: [List.self, Summary.self, Run.self, Suspend.self, Resume.self]
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

extension SchedulesCommand {
    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count every run of the job ever made by how it ended (those removed from the history too).")
        @OptionGroup var options: SchedulerClientOptions

        func run() async throws {
            let summary = try await options.call { try await $0.getRunSummary().ok.body.json }
            let output = StandardOutput()
            if options.json { output.out(JobsOutput.json(summary)) } else { SchedulesOutput.table(summary).forEach(output.out) }
        }
    }
}

extension SchedulesCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a schedule now, outside its ticks; prints the run's job name.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The schedule's place in the cron's list, from 0.") var index: Int

        func run() async throws {
            let job = try await options.call { try await $0.runSchedule(path: .init(scheduleIndex: String(index))).ok.body.json }
            StandardOutput().out(options.json ? JobsOutput.json(job) : job.name)
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a schedule (its ticks start no runs until resumed; outlives restarts).")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The schedule's place in the cron's list, from 0.") var index: Int

        func run() async throws {
            try await SchedulesCommand.show(options) { try await $0.suspendSchedule(path: .init(scheduleIndex: String(index))).ok.body.json }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended schedule, from its next tick.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The schedule's place in the cron's list, from 0.") var index: Int

        func run() async throws {
            try await SchedulesCommand.show(options) { try await $0.resumeSchedule(path: .init(scheduleIndex: String(index))).ok.body.json }
        }
    }

    /// Calls the scheduler for one schedule's status, and shows it as a table row (or its JSON).
    static func show(_ options: SchedulerClientOptions,
                     _ call: (Client) async throws -> Components.Schemas.ScheduleStatus) async throws {
        let schedule = try await options.call(call)
        let output = StandardOutput()
        if options.json { output.out(JobsOutput.json(schedule)) } else { SchedulesOutput.table([schedule]).forEach(output.out) }
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

    static func table(_ summary: Components.Schemas.RunSummary) -> [String] {
        JobsOutput.align([
            ["SUCCEEDED", "FAILED", "STOPPED", "LAST SUCCESS", "LAST FAILURE"],
            [String(summary.successCount), String(summary.failureCount), String(summary.stoppedCount),
             JobsOutput.time(summary.lastSuccessAt), JobsOutput.time(summary.lastFailureAt)],
        ])
    }
}
