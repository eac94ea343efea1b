@testable import CronSchedules
import Foundation
import Testing

/// The schedule forms and the rules around them: what is refused and why, DST, @every, repeating intervals.
@Suite("Schedules")
struct ScheduleTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let oslo = TimeZone(identifier: "Europe/Oslo")!

    static func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
    static func iso(_ dates: [Date]) -> [String] { dates.map { $0.formatted(.iso8601) } }

    @Test(arguments: [
        ("* * * *", "has 4 fields"),
        ("60 * * * *", "minute field \"60\": \"60\" is not a value (0-59)"),
        ("* 24 * * *", "hour field"),
        ("* * 0 * *", "day of month field"),
        ("* * * 13 *", "month field \"13\""),
        ("* * * * 8", "day of week field"),
        ("*/0 * * * *", "the step \"0\" is not a whole number of at least 1"),
        ("5-1 * * * *", "runs backwards"),
        ("* * * FOO *", "\"FOO\" is not a value (1-12 or JAN-DEC)"),
        ("1,,2 * * * *", "minute field"),
        ("0 0 30 2 *", "never runs"),
        ("@reboot", "the @ names are"),
        ("@every", "needs a duration"),
        ("@every 1.5s", "whole number of seconds"),
        ("@every 10", "needs a unit"),
        ("@every 1d", "needs a unit"),
        ("R0/2027-01-01T00:00:00Z/P1D", "at least 1"),
        ("R/2027-13-01T00:00:00Z/P1D", "not a date and time"),
        ("R/2027-01-01T00:00:00Z/P", "not an ISO 8601 duration"),
        ("R/2027-01-01T00:00:00Z/PT", "not an ISO 8601 duration"),
        ("R5/2027-01-01/P1D", "not a date and time"),
    ])
    func aBadExpressionIsRefusedSayingWhy(expression: String, reason: String) {
        #expect {
            _ = try Schedule(expression)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func namesAndNumbersMeanTheSameAndSevenIsSunday() throws {
        let after = Self.date("2026-01-01T00:00:00Z")
        let byName = try Schedule("0 0 * jan-mar SUN").nextRuns(after: after, count: 5)
        let byNumber = try Schedule("0 0 * 1-3 7").nextRuns(after: after, count: 5)
        #expect(byName == byNumber)
        #expect(Self.iso(byName) == ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z", "2026-01-25T00:00:00Z", "2026-02-01T00:00:00Z"])
    }

    @Test func whenBothDayFieldsAreSetEitherDayRuns() throws {
        // The 13th, or a Friday.
        let runs = try Schedule("0 0 13 * FRI").nextRuns(after: Self.date("2026-02-01T00:00:00Z"), count: 4)
        #expect(Self.iso(runs) == ["2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z", "2026-02-27T00:00:00Z"])
        let march = try Schedule("0 0 13 * FRI").nextRuns(after: Self.date("2026-03-10T00:00:00Z"), count: 2)
        #expect(Self.iso(march) == ["2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z"])
    }

    @Test func aNamedTimeSkippedInSpringRunsOnceAtTheShift() throws {
        // Oslo, 2026-03-29: 02:00 becomes 03:00 (01:00Z).
        let daily = try Schedule("30 2 * * *", timeZone: Self.oslo).nextRuns(after: Self.date("2026-03-28T12:00:00Z"), count: 2)
        #expect(Self.iso(daily) == ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
        // 02:00, 02:20 and 02:40 do not exist: one run at the shift, then 03:20 (local).
        let dense = try Schedule("*/20 1-3 * * *", timeZone: Self.oslo).nextRuns(after: Self.date("2026-03-29T00:30:00Z"), count: 3)
        #expect(Self.iso(dense) == ["2026-03-29T00:40:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:20:00Z"])
        // With `*` for the hour, elapsed time counts: no hour is skipped in real time, so no extra run.
        let hourly = try Schedule("30 * * * *", timeZone: Self.oslo).nextRuns(after: Self.date("2026-03-29T00:00:00Z"), count: 2)
        #expect(Self.iso(hourly) == ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"])
    }

    @Test func aNamedTimeRepeatedInAutumnRunsOnceAtItsFirstOccurrence() throws {
        // Oslo, 2026-10-25: 03:00 becomes 02:00 again (at 01:00Z); 02:30 happens at 00:30Z and 01:30Z.
        let daily = try Schedule("30 2 * * *", timeZone: Self.oslo).nextRuns(after: Self.date("2026-10-24T12:00:00Z"), count: 2)
        #expect(Self.iso(daily) == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
        let named = try Schedule("0 2 * * *", timeZone: Self.oslo).nextRuns(after: Self.date("2026-10-24T12:00:00Z"), count: 2)
        #expect(Self.iso(named) == ["2026-10-25T00:00:00Z", "2026-10-26T01:00:00Z"])
        // With `*` for the hour, elapsed time counts: each real hour runs, the repeated one too.
        let hourly = try Schedule("0 * * * *", timeZone: Self.oslo).nextRuns(after: Self.date("2026-10-24T23:30:00Z"), count: 3)
        #expect(Self.iso(hourly) == ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"])
        // From within the repeated hour, the next is after it.
        let inside = try Schedule("30 2 * * *", timeZone: Self.oslo).nextRun(after: Self.date("2026-10-25T01:10:00Z"))
        #expect(inside == Self.date("2026-10-26T01:30:00Z"))
    }

    @Test func everyTicksAtMultiplesOfItsIntervalSinceTheEpoch() throws {
        let every = try Schedule("@every 1h30m")
        #expect(Self.iso(every.nextRuns(after: Self.date("2026-01-01T00:10:00Z"), count: 2)) == ["2026-01-01T01:30:00Z", "2026-01-01T03:00:00Z"])
        let seconds = try Schedule("@every 2s")
        #expect(seconds.nextRun(after: Date(timeIntervalSince1970: 1_000.5)) == Date(timeIntervalSince1970: 1_002))
        #expect(seconds.nextRun(after: Date(timeIntervalSince1970: 1_002)) == Date(timeIntervalSince1970: 1_004), "strictly after")
        #expect(try Schedule("@every 1500ms2500ms").nextRun(after: Date(timeIntervalSince1970: 0)) == Date(timeIntervalSince1970: 4))
        let start = Self.date("2026-01-01T00:00:00Z")
        #expect(try Schedule("@every 90s").nextRuns(after: start, count: 3) == Schedule("@every 1m30s").nextRuns(after: start, count: 3))
    }

    @Test func aRepeatingIntervalRunsItsCountAndDailyStepsKeepTheWallClock() throws {
        let five = try Schedule("R3/2027-01-01T09:00:00Z/PT90M")
        #expect(Self.iso(five.nextRuns(after: Self.date("2026-01-01T00:00:00Z"), count: 10))
                == ["2027-01-01T09:00:00Z", "2027-01-01T10:30:00Z", "2027-01-01T12:00:00Z"])
        // 09:00 in Oslo every day, across the spring shift: 08:00Z, then 07:00Z.
        let daily = try Schedule("R/2026-03-28T09:00/P1D", timeZone: Self.oslo)
        #expect(Self.iso(daily.nextRuns(after: Self.date("2026-03-28T00:00:00Z"), count: 2)) == ["2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z"])
        // A month from the 31st is the month's last day.
        let monthly = try Schedule("R/2026-01-31T00:00:00Z/P1M")
        #expect(Self.iso(monthly.nextRuns(after: Self.date("2026-01-01T00:00:00Z"), count: 3))
                == ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"])
        #expect(try Schedule("R2/2026-01-01T00:00:00+01:00/P1W").nextRuns(after: .distantPast, count: 5).count == 2)
    }

    @Test func theLastMissedRunIsFoundWithinAWindow() throws {
        let hourly = try Schedule("0 * * * *")
        let last = hourly.lastRun(notAfter: Self.date("2026-01-01T05:30:00Z"), after: Self.date("2026-01-01T01:30:00Z"))
        #expect(last == Self.date("2026-01-01T05:00:00Z"))
        #expect(hourly.lastRun(notAfter: Self.date("2026-01-01T05:30:00Z"), after: Self.date("2026-01-01T05:10:00Z")) == nil)
    }
}
