import Foundation

/// `@every <duration>`: a run every so many whole seconds, at the multiples of the interval since
/// 1970-01-01T00:00:00Z. Anchored to the epoch, not to a start, so that every process (and every
/// restart) agrees on the ticks.
struct EveryInterval: Sendable, Hashable {
    let seconds: Int

    /// Parses a Go-style duration (`90s`, `1h30m`, `2m`): numbers with units h, m, s (ms, us and ns
    /// too, as long as the total is whole seconds), at least one second.
    init(_ text: Substring) throws(CronSyntaxError) {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = text[...]
        var total = 0.0
        guard !rest.isEmpty else { throw CronSyntaxError("@every needs a duration such as 30s, 5m or 1h30m") }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else {
                throw CronSyntaxError("@every \(text): \"\(rest)\" does not start with a number")
            }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else {
                throw CronSyntaxError("@every \(text): a number needs a unit, one of h, m, s, ms, us, ns")
            }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        let whole = total.rounded()
        guard abs(total - whole) < 1e-6, whole >= 1, whole <= 366 * 86_400 else {
            throw CronSyntaxError("@every \(text): the interval must be a whole number of seconds from 1s to 8784h")
        }
        seconds = Int(whole)
    }

    func nextRun(after date: Date) -> Date {
        let now = Int(date.timeIntervalSince1970.rounded(.down))
        let next = (now.floorDiv(seconds) + 1) * seconds
        return Date(timeIntervalSince1970: TimeInterval(next))
    }
}

extension Int {
    func floorDiv(_ divisor: Int) -> Int { self >= 0 ? self / divisor : (self - divisor + 1) / divisor }
}
