import Foundation
import SchedulerCore

/// The `Schedule` operations of swagger.json: the job's cron schedules.
extension JobsAPI {
    func getSchedules(_ input: Operations.GetSchedules.Input) async throws -> Operations.GetSchedules.Output {
        .ok(.init(body: .json(scheduler.schedules().map(Components.Schemas.ScheduleStatus.init))))
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
