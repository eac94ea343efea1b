import Foundation

/// A standard five-field cron expression (minute, hour, day of month, month, day of week) or one of
/// its `@` names, read on the wall clock of a time zone.
struct CronExpression: Sendable, Hashable {
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField

    /// The `@` names and the fields they stand for.
    static let shorthands: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    init(_ text: String) throws(CronSyntaxError) {
        let expanded = Self.shorthands[text.lowercased()] ?? text
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw CronSyntaxError("\"\(text)\" has \(fields.count) field\(fields.count == 1 ? "" : "s"); a cron expression has 5 (minute hour day-of-month month day-of-week) or is one of \(Self.shorthands.keys.sorted().joined(separator: ", "))")
        }
        minutes = try CronField(fields[0], kind: .minute)
        hours = try CronField(fields[1], kind: .hour)
        daysOfMonth = try CronField(fields[2], kind: .dayOfMonth)
        months = try CronField(fields[3], kind: .month)
        daysOfWeek = try CronField(fields[4], kind: .dayOfWeek)
    }

    /// Whether the expression allows this day. When both day fields are restricted, a day that either
    /// allows runs (the classic cron rule); when one is `*`, the other alone decides.
    func allowsDay(_ time: CivilMinute) -> Bool {
        let byMonthDay = daysOfMonth.contains(time.day), byWeekday = daysOfWeek.contains(time.weekday)
        switch (daysOfMonth.isAny, daysOfWeek.isAny) {
        case (true, true): return true
        case (false, true): return byMonthDay
        case (true, false): return byWeekday
        case (false, false): return byMonthDay || byWeekday
        }
    }

    /// The first run after `date`, on `zone`'s wall clock; nil when none comes within `horizonYears`
    /// (a day that never exists, such as 30 February).
    ///
    /// Around a shift of the zone's offset, as classic cron does: an expression with `*` for its hour
    /// runs by elapsed time (no run for wall-clock times a spring shift skips, and both occurrences of
    /// the times an autumn shift repeats: each real hour has its runs); one that names its hours runs
    /// by the wall clock (a time skipped runs once, at the shift; a time repeated runs once, at its
    /// first occurrence).
    func nextRun(after date: Date, in zone: TimeZone, horizonYears: Int = 10) -> Date? {
        hours.isAny ? nextRunByElapsedTime(after: date, in: zone, horizonYears: horizonYears)
            : nextRunByWallClock(after: date, in: zone, horizonYears: horizonYears)
    }

    private func nextRunByWallClock(after date: Date, in zone: TimeZone, horizonYears: Int) -> Date? {
        var time = CivilMinute(localSeconds: zone.localSeconds(of: date))
        let lastYear = time.year + horizonYears
        while let match = nextMatch(after: time, lastYear: lastYear) {
            // From within the second occurrence of a repeated time, its (first) instant is past: go on.
            let instant = zone.instant(of: match)
            if instant > date { return instant }
            time = match
        }
        return nil
    }

    private func nextRunByElapsedTime(after date: Date, in zone: TimeZone, horizonYears: Int) -> Date? {
        // Stretch by stretch of one offset: within each, the wall clock and elapsed time run alike.
        var from = date  // runs come after this
        var stretchStart = date
        let lastYear = CivilMinute(localSeconds: zone.localSeconds(of: date)).year + horizonYears
        for _ in 0..<(4 * horizonYears + 4) {
            let offset = zone.secondsFromGMT(for: stretchStart)
            let wall = Int(from.timeIntervalSince1970.rounded(.down)) + offset
            guard let match = nextMatch(after: CivilMinute(localSeconds: wall), lastYear: lastYear) else { return nil }
            let instant = Date(timeIntervalSince1970: TimeInterval(match.localSeconds - offset))
            guard let shift = zone.nextOffsetChange(after: stretchStart, before: instant) else { return instant }
            // On from the shift, its own instant included.
            (from, stretchStart) = (shift.addingTimeInterval(-1), shift)
        }
        return nil
    }

    /// The first wall-clock minute after `time` the expression allows, up to the end of `lastYear`.
    private func nextMatch(after time: CivilMinute, lastYear: Int) -> CivilMinute? {
        var time = time
        time.nextMinute()
        while time.year <= lastYear {
            if !months.contains(time.month) { time.nextMonth(); continue }
            if !allowsDay(time) { time.nextDay(); continue }
            if !hours.contains(time.hour) { time.nextHour(); continue }
            if !minutes.contains(time.minute) { time.nextMinute(); continue }
            return time
        }
        return nil
    }
}
