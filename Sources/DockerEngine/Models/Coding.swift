import Foundation

extension JSONDecoder {
    /// The engine's JSON uses RFC 3339 timestamps with nanoseconds; dates are decoded by the models
    /// that need them (see `EngineTimestamp`), so the decoder itself stays plain.
    static let engine = JSONDecoder()
}

extension JSONEncoder {
    static let engine: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

/// Parses the engine's RFC 3339 timestamps (`2026-11-22T06:12:01.123456789Z`). The engine writes
/// `0001-01-01T00:00:00Z` for "never", which becomes nil.
public enum EngineTimestamp {
    public static func parse(_ text: String?) -> Date? {
        guard let text, !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        // ISO8601DateFormatter handles at most milliseconds: cut the fraction to 3 digits.
        var normalized = text
        if let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            let fraction = text[text.index(after: dot)..<zone].prefix(3)
            normalized = String(text[..<dot]) + "." + fraction.padding(toLength: 3, withPad: "0", startingAt: 0) + String(text[zone...])
        }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: normalized) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }
}
