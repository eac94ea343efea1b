import DockerEngine
import Foundation
import Testing

/// The engine's timestamps, read by our own RFC 3339 parser, against Foundation's ISO 8601 ones.
@Suite("Engine timestamps")
struct TimestampTests {
    @Test func nanosecondsAreKept() throws {
        let date = try #require(RFC3339.parse("2026-11-22T06:12:01.123456789Z"))
        let whole = try Date("2026-11-22T06:12:01Z", strategy: .iso8601)
        #expect(abs(date.timeIntervalSince(whole) - 0.123456789) < 1e-6)
        #expect(RFC3339.parse("2026-11-22T06:12:01.5Z") == whole.addingTimeInterval(0.5))
    }

    @Test func agreesWithFoundationOverTwoCenturies() throws {
        var generator = SystemRandomNumberGenerator()
        let offsets = ["Z", "+00:00", "+02:00", "-05:30", "+14:00", "-12:00"]
        for _ in 0..<2_000 {
            // Whole seconds between 1900 and 2100, in one of the zones.
            let seconds = Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))
            let zone = offsets.randomElement(using: &generator)!
            let zoneSeconds = zone == "Z" ? 0 : (zone.hasPrefix("-") ? -1 : 1) * (Int(zone.dropFirst().prefix(2))! * 3600 + Int(zone.suffix(2))! * 60)
            let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: TimeZone(secondsFromGMT: zoneSeconds)!)
            let text = Date(timeIntervalSince1970: seconds).formatted(style)
            let expected = try Date(text, strategy: .iso8601)
            #expect(RFC3339.parse(text) == expected, "\(text)")
            #expect(RFC3339.parse(text)?.timeIntervalSince1970 == seconds, "\(text)")
        }
    }

    @Test func formatsAsFoundationDoesInWholeSeconds() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...4_102_444_800, using: &generator))
            let whole = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
            #expect(RFC3339.format(date) == whole.formatted(.iso8601), "\(date.timeIntervalSince1970)")
            #expect(RFC3339.parse(RFC3339.format(date)) == whole)
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_327_921.999)) == "2026-11-22T06:12:01Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    @Test func whatIsNotRFC3339IsRefused() {
        for text in ["", "2026-11-22", "2026-11-22T06:12:01", "2026-13-01T00:00:00Z", "2026-11-22T24:00:00Z",
                     "2026-11-22T06:12:01.Z", "2026-11-22T06:12:01Zjunk", "2026-11-22T06:12:01+0200", "2026/11/22T06:12:01Z",
                     "2026-11-22T06:12:01+02:0"] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
    }

    @Test func theEnginesNeverIsNil() {
        #expect(EngineTimestamp.parse("0001-01-01T00:00:00Z") == nil)
        #expect(EngineTimestamp.parse(nil) == nil)
        #expect(EngineTimestamp.parse("2026-12-07T18:20:35.465959623Z") != nil)
    }
}
