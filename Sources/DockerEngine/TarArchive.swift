/// Builds an uncompressed POSIX ustar archive in memory: what the engine's archive upload takes.
/// Enough for putting a few files (a job's payload) into a container before it starts.
public struct TarArchive: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Adds a directory entry. Paths are relative to where the archive is extracted.
    public mutating func addDirectory(_ path: String, mode: Int = 0o755, uid: Int = 0, gid: Int = 0) throws {
        let name = path.hasSuffix("/") ? path : path + "/"
        try appendHeader(name: name, size: 0, mode: mode, uid: uid, gid: gid, type: UInt8(ascii: "5"))
    }

    /// Adds a regular file, and nothing for its parent directories (add those first).
    public mutating func addFile(_ path: String, contents: [UInt8], mode: Int = 0o644, uid: Int = 0, gid: Int = 0) throws {
        try appendHeader(name: path, size: contents.count, mode: mode, uid: uid, gid: gid, type: UInt8(ascii: "0"))
        bytes += contents
        bytes += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
    }

    /// The archive with its end marker (two zero blocks).
    public func finished() -> [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    public enum Failure: Error, Equatable { case pathTooLong(String) }

    private mutating func appendHeader(name: String, size: Int, mode: Int, uid: Int, gid: Int, type: UInt8) throws {
        var header = [UInt8](repeating: 0, count: 512)
        let (prefix, shortName) = try Self.split(name)
        put(shortName, at: 0, width: 100, in: &header)
        put(octal(mode, width: 8), at: 100, width: 8, in: &header)
        put(octal(uid, width: 8), at: 108, width: 8, in: &header)
        put(octal(gid, width: 8), at: 116, width: 8, in: &header)
        put(octal(size, width: 12), at: 124, width: 12, in: &header)
        put(octal(0, width: 12), at: 136, width: 12, in: &header)  // mtime: the epoch, for reproducible archives
        header[156] = type
        put("ustar", at: 257, width: 6, in: &header)
        put("00", at: 263, width: 2, in: &header)
        put(prefix, at: 345, width: 155, in: &header)
        // The checksum is computed with its own field taken as eight spaces.
        for index in 148..<156 { header[index] = UInt8(ascii: " ") }
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7), at: 148, width: 7, in: &header)
        bytes += header
    }

    /// ustar keeps names over 100 bytes by moving leading directories into the 155-byte prefix.
    private static func split(_ path: String) throws -> (prefix: String, name: String) {
        if path.utf8.count <= 100 { return ("", path) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for cut in stride(from: parts.count - 1, to: 0, by: -1) {
            let prefix = parts[..<cut].joined(separator: "/")
            let name = parts[cut...].joined(separator: "/")
            if prefix.utf8.count <= 155 && name.utf8.count <= 100 && !name.isEmpty { return (prefix, name) }
        }
        throw Failure.pathTooLong(path)
    }

    private func octal(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    }

    private func put(_ text: String, at offset: Int, width: Int, in header: inout [UInt8]) {
        for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
    }
}
