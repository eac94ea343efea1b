import Crypto
import Foundation

/// A Standard Webhooks signing secret (`whsec_` and the base64 of the key) and the signature it makes:
/// `v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`.
public struct WebhookSecret: Sendable {
    /// The key's bytes (Crypto's `SymmetricKey` is not `Sendable`; one is made per signature).
    let key: Data

    public static let prefix = "whsec_"

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case missingPrefix
        case notBase64
        case tooShort(bytes: Int)

        public var description: String {
            switch self {
            case .missingPrefix: "a webhook secret starts with whsec_ (Standard Webhooks)"
            case .notBase64: "a webhook secret is whsec_ followed by base64"
            case .tooShort(let bytes): "a webhook secret's key needs 24 to 64 bytes, got \(bytes)"
            }
        }
    }

    /// Reads `whsec_<base64>` (surrounding whitespace, as in a file, is ignored).
    public init(_ text: String) throws(ParseError) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(Self.prefix) else { throw .missingPrefix }
        guard let bytes = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) else { throw .notBase64 }
        // The spec's range: short keys are guessable, and every library accepts this span.
        guard (24...64).contains(bytes.count) else { throw .tooShort(bytes: bytes.count) }
        key = bytes
    }

    /// The `webhook-signature` header's value for one delivery.
    public func signature(id: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
