import Crypto
import Foundation

/// The console's files (the `Assets` folder, embedded at build time by EmbedConsoleAssets), by name.
enum ConsoleAssets {
    static let files: [String: [UInt8]] = base64Files.mapValues { [UInt8](Data(base64Encoded: $0) ?? Data()) }

    static func text(_ name: String) -> String? {
        files[name].map { String(decoding: $0, as: UTF8.self) }
    }

    /// A short digest of a file, put in its URL so a browser may keep it for good and still gets a new build's.
    static func version(of name: String) -> String {
        SHA256.hash(data: files[name] ?? []).prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
