import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite("Archive upload", .requiresEngine)
struct ArchiveTests {
    let client = TestEngine.client

    @Test func uploadedFileIsReadInsideTheContainerBeforeItStarts() async throws {
        // Bytes a JSON string can carry: UTF-8 beyond ASCII, quotes, newlines, a NUL.
        let payload = Array("{\"x\": 10, \"y\": \"zürich ✓\"}\n\u{0}tail".utf8)
        var archive = TarArchive()
        try archive.addDirectory("compute")
        try archive.addDirectory("compute/args")
        try archive.addFile("compute/args/payload", contents: payload)
        // The job runs as nobody: the file must be readable by any user.
        try await TestEngine.withContainer("id -u; od -An -c /compute/args/payload; wc -c < /compute/args/payload; ls -l /compute/args/payload") { id in
            try await client.uploadArchive(id, to: "/", archive: archive.finished())
            let waiter = try await client.waitForContainer(id, condition: .nextExit)
            try await client.startContainer(id)
            #expect(try await waiter.exit().statusCode == 0)
            let output = try await client.logs(id).stdout
            #expect(output.contains("\(payload.count)\n"))
            #expect(output.contains("-rw-r--r--"))
        }
    }

    @Test func contentsMatchByteForByte() async throws {
        var bytes: [UInt8] = []
        for index in 0..<300_000 { bytes.append(UInt8(truncatingIfNeeded: index &* 7 &+ 3)) }
        var archive = TarArchive()
        try archive.addDirectory("data")
        try archive.addFile("data/blob", contents: bytes)
        let expected = bytes.reduce(into: UInt64(0)) { $0 = $0 &+ UInt64($1) }
        // busybox has no checksum of raw bytes that is easy to predict, so sum them with od.
        try await TestEngine.withContainer("od -An -v -tu1 /data/blob | tr -s ' ' '\\n' | grep -v '^$' | awk '{s+=$1} END {print s, NR}'") { id in
            try await client.uploadArchive(id, to: "/", archive: archive.finished())
            let waiter = try await client.waitForContainer(id, condition: .nextExit)
            try await client.startContainer(id)
            _ = try await waiter.exit()
            #expect(try await client.logs(id).stdout == "\(expected) \(bytes.count)\n")
        }
    }

    @Test func longPathsUseTheUstarPrefix() async throws {
        let directory = (1...12).map { "dir\($0)-abcdefghij" }.joined(separator: "/")
        var archive = TarArchive()
        var path = ""
        for part in directory.split(separator: "/") {
            path += (path.isEmpty ? "" : "/") + part
            try archive.addDirectory(path)
        }
        try archive.addFile(directory + "/payload", contents: Array("deep".utf8))
        #expect((directory + "/payload").utf8.count > 100)
        try await TestEngine.withContainer("cat /\(directory)/payload") { id in
            try await client.uploadArchive(id, to: "/", archive: archive.finished())
            let waiter = try await client.waitForContainer(id, condition: .nextExit)
            try await client.startContainer(id)
            _ = try await waiter.exit()
            #expect(try await client.logs(id).stdout == "deep")
        }
    }

    @Test func uploadToMissingPathIsNotFound() async throws {
        var archive = TarArchive()
        try archive.addFile("payload", contents: [1, 2, 3])
        _ = try await TestEngine.withContainer("true") { id in
            await #expect(throws: DockerEngineError.self) {
                try await client.uploadArchive(id, to: "/does/not/exist", archive: archive.finished())
            }
        }
    }
}
