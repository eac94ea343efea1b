import Foundation
import SchedulerCore

/// The `Schedule` operations of swagger.json: the job's cron schedules.
extension JobsAPI {
    func getSchedules(_ input: Operations.GetSchedules.Input) async throws -> Operations.GetSchedules.Output {
        .ok(.init(body: .json(scheduler.schedules().map(Components.Schemas.ScheduleStatus.init))))
    }

    func getRunSummary(_ input: Operations.GetRunSummary.Input) async throws -> Operations.GetRunSummary.Output {
        let summary = scheduler.runSummary()
        return .ok(.init(body: .json(.init(successCount: Int64(summary.successCount), failureCount: Int64(summary.failureCount),
                                           stoppedCount: Int64(summary.stoppedCount), lastSuccessAt: summary.lastSuccessAt,
                                           lastFailureAt: summary.lastFailureAt))))
    }
}

extension Components.Schemas.ScheduleStatus {
    init(_ status: SchedulerCore.ScheduleStatus) {
        self.init(
            index: Int32(clamping: status.index),
            expression: status.expression,
            timeZone: status.timeZone,
            concurrency: ConcurrencyPayload(rawValue: status.concurrency.rawValue) ?? .allow,
            suspended: status.suspended,
            nextRuns: status.nextRuns,
            lastRun: status.lastRun.map { last in
                Components.Schemas.ScheduledRunSummary(name: last.name, status: .init(rawValue: last.state.rawValue) ?? .waiting,
                                                       scheduledAt: last.scheduledAt)
            }
        )
    }
}

extension JobsAPI {
    func runSchedule(_ input: Operations.RunSchedule.Input) async throws -> Operations.RunSchedule.Output {
        try await .answering {
            .ok(.init(body: .json(RadixJobStatus(try await scheduler.runSchedule(try Self.scheduleIndex(input.path.scheduleIndex))))))
        }
    }

    func suspendSchedule(_ input: Operations.SuspendSchedule.Input) async throws -> Operations.SuspendSchedule.Output {
        try await .answering {
            let status = try await scheduler.setSchedule(try Self.scheduleIndex(input.path.scheduleIndex), suspended: true)
            return .ok(.init(body: .json(Components.Schemas.ScheduleStatus(status))))
        }
    }

    func resumeSchedule(_ input: Operations.ResumeSchedule.Input) async throws -> Operations.ResumeSchedule.Output {
        try await .answering {
            let status = try await scheduler.setSchedule(try Self.scheduleIndex(input.path.scheduleIndex), suspended: false)
            return .ok(.init(body: .json(Components.Schemas.ScheduleStatus(status))))
        }
    }

    /// A schedule's place from the path: a whole number from 0.
    static func scheduleIndex(_ text: String) throws(SchedulerError) -> Int {
        guard let index = Int(text), index >= 0, text.allSatisfy(\.isASCII) else {
            throw .badRequest("schedule index \"\(text)\" is not a whole number from 0")
        }
        return index
    }
}
