import Foundation

/// When a scheduled job runs: a cron expression (five fields or an `@` name), `@every <duration>`,
/// or an ISO 8601 repeating interval `R[n]/<start>/<period>`, read in one time zone.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case cron(CronExpression)
        case every(EveryInterval)
        case repeating(RepeatingInterval)
    }

    /// The expression as written.
    public let expression: String
    public let timeZone: TimeZone
    let kind: Kind

    /// Parses `expression`; throws with a reason a person can act on.
    public init(_ expression: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws(CronSyntaxError) {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        self.expression = trimmed
        self.timeZone = timeZone
        if trimmed.lowercased().hasPrefix("@every") {
            let duration = trimmed.dropFirst("@every".count)
            guard duration.first == " " else { throw CronSyntaxError("@every needs a duration after a space, such as \"@every 1h30m\"") }
            kind = .every(try EveryInterval(duration.drop { $0 == " " }))
        } else if trimmed.hasPrefix("R") {
            kind = .repeating(try RepeatingInterval(trimmed))
        } else if trimmed.hasPrefix("@"), CronExpression.shorthands[trimmed.lowercased()] == nil {
            throw CronSyntaxError("\"\(trimmed)\" is not a schedule: the @ names are \(CronExpression.shorthands.keys.sorted().joined(separator: ", ")) and @every <duration>")
        } else {
            kind = .cron(try CronExpression(trimmed))
        }
        if nextRun(after: Date(timeIntervalSince1970: 0)) == nil, case .cron = kind {
            throw CronSyntaxError("\"\(trimmed)\" never runs: no such day comes")
        }
    }

    public var description: String { expression }

    /// The first run strictly after `date`; nil when there is none (a repeating interval that is over).
    public func nextRun(after date: Date) -> Date? {
        switch kind {
        case .cron(let cron): cron.nextRun(after: date, in: timeZone)
        case .every(let every): every.nextRun(after: date)
        case .repeating(let interval): interval.nextRun(after: date, in: timeZone)
        }
    }

    /// Up to `count` runs after `date`, in order.
    public func nextRuns(after date: Date, count: Int) -> [Date] {
        var runs: [Date] = []
        var from = date
        while runs.count < count, let next = nextRun(after: from) {
            runs.append(next)
            from = next
        }
        return runs
    }

    /// The last run at or before `date` and after `earliest`: the tick a scheduler that was down
    /// missed most recently (nil when none fell in that window).
    public func lastRun(notAfter date: Date, after earliest: Date) -> Date? {
        var last: Date?
        var from = earliest
        while let next = nextRun(after: from), next <= date {
            last = next
            from = next
        }
        return last
    }
}
