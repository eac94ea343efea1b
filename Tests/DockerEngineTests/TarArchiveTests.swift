import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite("Tar archive")
struct TarArchiveTests {
    @Test func headerFieldsAndPadding() throws {
        var archive = TarArchive()
        try archive.addFile("a/payload", contents: Array("hello".utf8), mode: 0o640, uid: 65534, gid: 65534)
        let bytes = archive.finished()
        // one header, one padded data block, two end blocks
        #expect(bytes.count == 512 * 4)
        #expect(String(decoding: bytes[0..<9], as: UTF8.self) == "a/payload")
        #expect(String(decoding: bytes[100..<107], as: UTF8.self) == "0000640")
        #expect(String(decoding: bytes[108..<115], as: UTF8.self) == "0177776")
        #expect(String(decoding: bytes[124..<135], as: UTF8.self) == "00000000005")
        #expect(bytes[156] == UInt8(ascii: "0"))
        #expect(String(decoding: bytes[257..<262], as: UTF8.self) == "ustar")
        #expect(String(decoding: bytes[512..<517], as: UTF8.self) == "hello")
        #expect(bytes[517..<1024].allSatisfy { $0 == 0 })
    }

    @Test func checksumMatchesTheHeaderBytes() throws {
        var archive = TarArchive()
        try archive.addDirectory("dir")
        var header = Array(archive.bytes.prefix(512))
        let stored = Int(String(decoding: header[148..<154], as: UTF8.self), radix: 8)
        for index in 148..<156 { header[index] = UInt8(ascii: " ") }
        #expect(stored == header.reduce(0) { $0 + Int($1) })
    }

    @Test func readableBySystemTar() async throws {
        var archive = TarArchive()
        try archive.addDirectory("x")
        try archive.addFile("x/y.txt", contents: Array("tar reads this".utf8))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("a.tar")
        try Data(archive.finished()).write(to: file)
        #expect(try await ChildProcess.run(["tar", "-xf", file.path, "-C", directory.path]).status == 0)
        #expect(try String(contentsOf: directory.appendingPathComponent("x/y.txt"), encoding: .utf8) == "tar reads this")
    }

    @Test func pathTooLongForUstarIsRefused() {
        var archive = TarArchive()
        #expect(throws: TarArchive.Failure.self) { try archive.addFile(String(repeating: "a", count: 120), contents: []) }
    }
}
