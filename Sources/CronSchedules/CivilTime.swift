import CivilCalendar
import Foundation

/// A wall-clock minute (no time zone): what a cron expression's fields describe. Calendar arithmetic
/// is done here on plain numbers (proleptic Gregorian), so matching costs no Foundation calendar calls.
struct CivilMinute: Sendable, Hashable, Comparable {
    var year: Int
    var month: Int  // 1...12
    var day: Int  // 1...31
    var hour: Int
    var minute: Int

    /// The minute `seconds` (since 1970, on the wall clock) falls in.
    init(localSeconds seconds: Int) {
        let minutes = seconds >= 0 ? seconds / 60 : (seconds - 59) / 60
        let days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440
        let ofDay = minutes - days * 1440
        (year, month, day) = CivilDays.date(since1970: days)
        hour = ofDay / 60
        minute = ofDay % 60
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
    }

    /// Seconds since 1970 on the wall clock (as if it were UTC).
    var localSeconds: Int { CivilDays.since1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 }

    /// 0 = Sunday ... 6 = Saturday.
    var weekday: Int {
        let days = CivilDays.since1970(year: year, month: month, day: day)
        return ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
    }

    static func < (a: Self, b: Self) -> Bool { a.localSeconds < b.localSeconds }

    // Moving forward to the first minute of the next unit.
    mutating func nextMinute() { self = CivilMinute(localSeconds: localSeconds + 60) }
    mutating func nextHour() { self = CivilMinute(localSeconds: localSeconds - minute * 60 + 3600) }
    mutating func nextDay() { self = CivilMinute(localSeconds: CivilDays.since1970(year: year, month: month, day: day) * 86_400 + 86_400) }
    mutating func nextMonth() {
        (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        (day, hour, minute) = (1, 0, 0)
    }
}

extension TimeZone {
    /// The instant a wall-clock time names in this zone. A time skipped by a forward shift (spring)
    /// names the instant the shift happens (the first wall-clock time after the gap); a time repeated by
    /// a backward shift (autumn) names its first occurrence: either way, each wall-clock time is one instant.
    func instant(of local: CivilMinute) -> Date {
        let wall = local.localSeconds
        let wallDate = Date(timeIntervalSince1970: TimeInterval(wall))
        // The offsets a day either side: a zone shifts at most once within such a window.
        let before = secondsFromGMT(for: wallDate.addingTimeInterval(-86_400))
        let after = secondsFromGMT(for: wallDate.addingTimeInterval(86_400))
        let candidates = Set([before, after]).map { wall - $0 }.filter { secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval($0))) + $0 == wall }
        if let first = candidates.min() { return Date(timeIntervalSince1970: TimeInterval(first)) }
        // In a gap: the shift's own instant, which lies between the two readings (the later offset's is
        // before it, the earlier's after it); found to the second.
        var (low, high) = (min(wall - after, wall - before), max(wall - after, wall - before))
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(middle))) == before { low = middle } else { high = middle }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    /// The wall-clock seconds (since 1970) of an instant in this zone.
    func localSeconds(of date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down)) + secondsFromGMT(for: date)
    }

    /// The first instant after `start` and before `end` at which the offset from UTC changes; nil
    /// when it stays the same throughout.
    func nextOffsetChange(after start: Date, before end: Date) -> Date? {
        let offset = secondsFromGMT(for: start)
        var change = nextDaylightSavingTimeTransition(after: start)
        if change == nil || change! >= end {
            // Not a daylight-saving shift (a zone that moved its standard time), or none: checked directly.
            guard secondsFromGMT(for: end) != offset else { return nil }
            var (low, high) = (Int(start.timeIntervalSince1970.rounded(.down)), Int(end.timeIntervalSince1970.rounded(.up)))
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(middle))) == offset { low = middle } else { high = middle }
            }
            change = Date(timeIntervalSince1970: TimeInterval(high))
        }
        return change
    }
}
