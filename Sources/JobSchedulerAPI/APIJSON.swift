import DockerEngine
import Foundation
import OpenAPIRuntime

/// How the API writes JSON, in one place: the generated server's configuration, and an encoder with the
/// very same settings for the answers made beside the generated code (cached job reads, Status bodies),
/// so the same value is the same bytes whichever way it goes out.
enum APIJSON {
    /// Sorted keys, so an answer's bytes depend on its value only; slashes as they are (`a/b`, not `a\/b`);
    /// dates as RFC 3339 (whole seconds, UTC).
    static let configuration = Configuration(dateTranscoder: RFC3339Transcoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

    /// A JSON encoder that writes as the generated server does with `configuration`.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        let options = configuration.jsonEncodingOptions
        var formatting: JSONEncoder.OutputFormatting = []
        if options.contains(.sortedKeys) { formatting.insert(.sortedKeys) }
        if options.contains(.prettyPrinted) { formatting.insert(.prettyPrinted) }
        if options.contains(.withoutEscapingSlashes) { formatting.insert(.withoutEscapingSlashes) }
        encoder.outputFormatting = formatting
        let transcoder = configuration.dateTranscoder
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try transcoder.encode(date))
        }
        return encoder
    }
}

/// RFC 3339 dates as the OpenAPI runtime's `.iso8601` writes them (`2026-11-22T06:12:01Z`), without its
/// `ISO8601DateFormatter`, which wakes ICU (megabytes of a scheduler's memory) for a fixed format.
/// Reads fractions and offsets too.
struct RFC3339Transcoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { RFC3339.format(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 date: \(text)"))
        }
        return date
    }
}
