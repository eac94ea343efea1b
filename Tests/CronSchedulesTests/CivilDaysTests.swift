import CivilCalendar
import Foundation
import Testing

/// The integer day arithmetic the timestamp codecs and the cron share, against Foundation's Gregorian
/// calendar (an independent implementation) over four centuries around 1970, leap days and all.
@Suite("Gregorian day arithmetic")
struct CivilDaysTests {
    @Test func daysAndDatesAgreeWithFoundationsCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let epoch = Date(timeIntervalSince1970: 0)
        // Every 7th day from 1800 to 2200 (each month length and weekday), and every day of 1900, 2000 and 2100.
        let everyDay = [1900, 2000, 2100].flatMap { year in
            CivilDays.since1970(year: year, month: 1, day: 1)..<CivilDays.since1970(year: year + 1, month: 1, day: 1)
        }
        let days = Array(stride(from: -62_000, through: 84_000, by: 7)) + everyDay
        for day in days {
            let date = try #require(calendar.date(byAdding: .day, value: day, to: epoch))
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = CivilDays.date(since1970: day)
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day, "day \(day)")
            #expect(CivilDays.since1970(year: civil.year, month: civil.month, day: civil.day) == day)
            let range = try #require(calendar.range(of: .day, in: .month, for: date))
            #expect(CivilDays.inMonth(year: civil.year, month: civil.month) == range.count, "day \(day)")
        }
        #expect(CivilDays.since1970(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDays.date(since1970: -1) == (1969, 12, 31))
        #expect(CivilDays.since1970(year: 2000, month: 3, day: 1) - CivilDays.since1970(year: 2000, month: 2, day: 28) == 2)
    }
}
