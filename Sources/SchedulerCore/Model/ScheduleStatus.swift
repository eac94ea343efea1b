import Foundation
import RadixConfig

/// One schedule of the job's cron as the API reports it.
public struct ScheduleStatus: Sendable, Equatable {
    public var index: Int
    public var expression: String
    public var timeZone: String
    public var concurrency: JobCron.Concurrency
    public var suspended: Bool
    /// The next ticks, in order (none while suspended).
    public var nextRuns: [Date]
    /// The newest run the scheduler knows (by tick).
    public var lastRun: LastRun?

    public struct LastRun: Sendable, Equatable {
        public var name: String
        public var state: JobState
        public var scheduledAt: Date
    }
}
