import Foundation

/// What makes a job a scheduled run: the tick of one of the job's schedules it was started for.
public struct ScheduledRun: Sendable, Hashable {
    /// The schedule's place in the cron's list of schedules.
    public var index: Int
    /// The schedule's expression, as written.
    public var expression: String
    /// The tick the run is for (not when it started).
    public var tick: Date

    public init(index: Int, expression: String, tick: Date) {
        self.index = index
        self.expression = expression
        self.tick = tick
    }
}
