import CivilCalendar
import Foundation

/// An ISO 8601 repeating interval, as Chronos schedules jobs: `R[n]/<start>/<period>`, such as
/// `R5/2027-01-01T09:00:00Z/P1D` (five runs, daily from that instant) or `R/2027-01-01T09:00/PT90M`
/// (forever). A start without an offset is on the schedule's time zone's wall clock; a period's years,
/// months, weeks and days move the wall-clock date (so a daily run stays at 09:00 across DST), its
/// hours, minutes and seconds are elapsed time.
struct RepeatingInterval: Sendable, Hashable {
    /// How many runs in all; nil for no end.
    let repetitions: Int?
    let start: StartTime
    let period: Period

    enum StartTime: Sendable, Hashable {
        /// With an offset (or `Z`): one instant.
        case instant(Date)
        /// Without: a wall-clock time, seconds since 1970 as if UTC.
        case wallClock(Int)
    }

    struct Period: Sendable, Hashable {
        var months = 0
        var days = 0
        var seconds = 0

        var isEmpty: Bool { months == 0 && days == 0 && seconds == 0 }
    }

    init(_ text: String) throws(CronSyntaxError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].first == "R" else {
            throw CronSyntaxError("\"\(text)\" is not a repeating interval R[n]/<start>/<period>, such as R5/2027-01-01T09:00:00Z/PT1H")
        }
        let count = parts[0].dropFirst()
        if count.isEmpty {
            repetitions = nil
        } else {
            guard let value = Int(count), value >= 1 else {
                throw CronSyntaxError("\(text): the number of runs \"\(count)\" is not a whole number of at least 1")
            }
            repetitions = value
        }
        start = try Self.startTime(parts[1], in: text)
        period = try Self.period(parts[2], in: text)
    }

    /// `YYYY-MM-DDThh:mm[:ss]` with an optional `Z` or `±hh:mm`.
    static func startTime(_ text: Substring, in whole: String) throws(CronSyntaxError) -> StartTime {
        let problem = CronSyntaxError("\(whole): the start \"\(text)\" is not a date and time such as 2027-01-01T09:00:00Z")
        var body = text
        var offset: Int?
        if body.hasSuffix("Z") {
            offset = 0
            body = body.dropLast()
        } else if body.count > 6, let sign = body.dropLast(5).last, sign == "+" || sign == "-" {
            let zone = body.suffix(5).split(separator: ":")
            guard zone.count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]), hours <= 23, minutes <= 59 else { throw problem }
            offset = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
            body = body.dropLast(6)
        }
        let halves = body.split(separator: "T")
        guard halves.count == 2 else { throw problem }
        let date = halves[0].split(separator: "-").compactMap { Int($0) }
        let time = halves[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, halves[0].count == 10, (2...3).contains(time.count),
              (1...12).contains(date[1]), date[2] >= 1, date[2] <= CivilDays.inMonth(year: date[0], month: date[1]),
              (0...23).contains(time[0]), (0...59).contains(time[1]), time.count == 2 || (0...59).contains(time[2]) else { throw problem }
        let wall = CivilDays.since1970(year: date[0], month: date[1], day: date[2]) * 86_400 + time[0] * 3600 + time[1] * 60
            + (time.count == 3 ? time[2] : 0)
        if let offset { return .instant(Date(timeIntervalSince1970: TimeInterval(wall - offset))) }
        return .wallClock(wall)
    }

    /// `P[nY][nM][nW][nD][T[nH][nM][nS]]`, whole numbers, not empty.
    static func period(_ text: Substring, in whole: String) throws(CronSyntaxError) -> Period {
        let problem = CronSyntaxError("\(whole): the period \"\(text)\" is not an ISO 8601 duration such as P1D, PT30M or P1DT12H")
        guard text.first == "P" else { throw problem }
        var period = Period()
        var inTime = false
        var number = ""
        for character in text.dropFirst() {
            if character == "T" {
                guard !inTime, number.isEmpty else { throw problem }
                inTime = true
            } else if character.isASCII, character.isNumber {
                number.append(character)
            } else {
                guard let value = Int(number) else { throw problem }
                number = ""
                switch (inTime, character) {
                case (false, "Y"): period.months += 12 * value
                case (false, "M"): period.months += value
                case (false, "W"): period.days += 7 * value
                case (false, "D"): period.days += value
                case (true, "H"): period.seconds += 3600 * value
                case (true, "M"): period.seconds += 60 * value
                case (true, "S"): period.seconds += value
                default: throw problem
                }
            }
        }
        guard number.isEmpty, !period.isEmpty else { throw problem }
        return period
    }

    /// The start of run `index` (0 is the first).
    func run(_ index: Int, in zone: TimeZone) -> Date {
        let startWall: Int = switch start {
        case .instant(let date): zone.localSeconds(of: date)
        case .wallClock(let seconds): seconds
        }
        var instant: Date
        if period.months == 0 && period.days == 0 {
            instant = switch start {
            case .instant(let date): date
            case .wallClock: zone.instant(of: CivilMinute(localSeconds: startWall)).addingTimeInterval(TimeInterval(startWall % 60))
            }
        } else {
            // Calendar steps move the wall-clock date; a day past the month's end is its last day.
            let base = CivilMinute(localSeconds: startWall)
            let monthIndex = base.year * 12 + (base.month - 1) + period.months * index
            let (year, month) = (monthIndex.floorDiv(12), monthIndex - monthIndex.floorDiv(12) * 12 + 1)
            let day = min(base.day, CivilDays.inMonth(year: year, month: month))
            let shifted = CivilMinute(localSeconds: CivilDays.since1970(year: year, month: month, day: day) * 86_400 + period.days * index * 86_400
                                      + base.hour * 3600 + base.minute * 60)
            instant = zone.instant(of: shifted).addingTimeInterval(TimeInterval(startWall - startWall.floorDiv(60) * 60))
        }
        return instant.addingTimeInterval(TimeInterval(period.seconds * index))
    }

    func nextRun(after date: Date, in zone: TimeZone) -> Date? {
        // A first guess from the period's rough length, then forward run by run.
        let rough = Double(period.months) * 30.44 * 86_400 + Double(period.days) * 86_400 + Double(period.seconds)
        var index = max(0, Int(((date.timeIntervalSince(run(0, in: zone))) / rough).rounded(.down)) - 2)
        while true {
            if let repetitions, index >= repetitions { return nil }
            let time = run(index, in: zone)
            if time > date { return time }
            index += 1
        }
    }
}
