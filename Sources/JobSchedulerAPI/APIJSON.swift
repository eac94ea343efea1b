import Foundation
import OpenAPIRuntime

/// How the API writes JSON, in one place: the generated server's configuration, and an encoder with the
/// very same settings for the answers made beside the generated code (cached job reads, Status bodies),
/// so the same value is the same bytes whichever way it goes out.
enum APIJSON {
    /// Sorted keys, so an answer's bytes depend on its value only; slashes as they are (`a/b`, not `a\/b`);
    /// dates as RFC 3339 (`.iso8601`, whole seconds).
    static let configuration = Configuration(dateTranscoder: .iso8601, jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

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
