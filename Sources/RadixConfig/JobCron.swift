import CronSchedules
import Foundation

/// `cron:` of a job (or of one environment, replacing the job's whole): when the job runs by itself.
/// Radix's keys (`timeZone`, `schedules`, `concurrency`), and beyond Radix `startingDeadlineSeconds`
/// (how late a run missed while no scheduler ran may still start) and `suspend`.
public struct JobCron: Sendable, Hashable {
    /// What a tick does while earlier scheduled runs of the job still run.
    public enum Concurrency: String, Sendable, Hashable, CaseIterable {
        /// Start the new run beside them.
        case allow = "Allow"
        /// Skip the tick.
        case forbid = "Forbid"
        /// Stop them, then start the new run.
        case replace = "Replace"
    }

    /// The most schedules a job may have.
    public static let maximumSchedules = 20

    /// Each parsed in `timeZone`.
    public var schedules: [Schedule]
    public var timeZone: TimeZone
    /// The zone's name as written (default UTC): what is shown.
    public var timeZoneName: String
    public var concurrency: Concurrency
    public var startingDeadlineSeconds: Int?
    public var suspend: Bool
    public var extra: [String: YAMLValue]

    public init(schedules: [Schedule], timeZoneName: String = "UTC", timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                concurrency: Concurrency, startingDeadlineSeconds: Int? = nil, suspend: Bool = false, extra: [String: YAMLValue] = [:]) {
        self.schedules = schedules
        self.timeZone = timeZone
        self.timeZoneName = timeZoneName
        self.concurrency = concurrency
        self.startingDeadlineSeconds = startingDeadlineSeconds
        self.suspend = suspend
        self.extra = extra
    }
}
