import Crypto
import Foundation

/// What makes a repeated submission answer the job (or batch) the first one made instead of making
/// another: a client's `Idempotency-Key`, or, where radixconfig asks for it (`uniqueJobIds`), the
/// request's own `jobId` or `batchId`. Recorded in the engine with what it made, with a fingerprint of
/// the request, so a restarted scheduler answers the same and a different request under the same key
/// is refused rather than answered with a job it did not ask for.
public struct SubmissionKey: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        /// The `Idempotency-Key` header.
        case header
        /// The request's `jobId` or `batchId`.
        case callerID = "id"
    }

    public var source: Source
    public var value: String
    /// A digest of the request's fields (hex).
    public var fingerprint: String

    public init(source: Source, value: String, fingerprint: String) {
        self.source = source
        self.value = value
        self.fingerprint = fingerprint
    }

    /// The key as recorded: the two sources never meet.
    public var recorded: String { "\(source.rawValue):\(value)" }

    public init?(recorded: String, fingerprint: String) {
        guard let colon = recorded.firstIndex(of: ":"), let source = Source(rawValue: String(recorded[..<colon])) else { return nil }
        self.init(source: source, value: String(recorded[recorded.index(after: colon)...]), fingerprint: fingerprint)
    }

    /// How the key is shown to a client.
    public var shown: String { source == .header ? "Idempotency-Key \"\(value)\"" : "ID \"\(value)\"" }

    /// An `Idempotency-Key` header's value: 1 to 255 printable ASCII characters, bare or as a quoted
    /// string (the IETF draft sends a Structured Field string); nil for anything else.
    public static func headerValue(_ text: String) -> String? {
        var value = Substring(text)
        if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
        guard (1...255).contains(value.utf8.count), value.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) else { return nil }
        return String(value)
    }
}

/// A digest of everything a request asks for, the same for the same request however its JSON was
/// written: its fields in a fixed order, each with its length, so no two requests read alike.
enum RequestFingerprint {
    static func of(_ request: JobRequest) -> String {
        digest(fields(of: request))
    }

    static func of(_ batch: BatchRequest) -> String {
        var parts = ["batch", batch.batchId ?? "-", String(batch.jobs.count)]
        parts += batch.defaults.map(fields(of:)) ?? ["-"]
        for job in batch.jobs { parts += fields(of: job) }
        return digest(parts)
    }

    private static func fields(of request: JobRequest) -> [String] {
        func map(_ values: [String: String]?) -> String {
            values.map { $0.sorted { $0.key < $1.key }.map { "\($0.key.utf8.count):\($0.key)=\($0.value.utf8.count):\($0.value)" }.joined(separator: ",") } ?? "-"
        }
        func list(_ values: [String]?) -> String { values.map { $0.map { "\($0.utf8.count):\($0)" }.joined(separator: ",") } ?? "-" }
        return [
            request.payload.map { "\($0.utf8.count):\($0)" } ?? "-", request.jobId ?? "-", map(request.variables), map(request.requests),
            map(request.limits), request.timeLimitSeconds.map(String.init) ?? "-", request.backoffLimit.map(String.init) ?? "-",
            list(request.command), list(request.args), request.imageTagName ?? "-",
            request.failurePolicy.map(FailurePolicyLabel.encode) ?? "-", request.runAsUser.map { String($0) } ?? "-",
        ]
    }

    private static func digest(_ parts: [String]) -> String {
        let text = parts.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
