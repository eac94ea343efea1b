import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite("Container logs", .requiresEngine)
struct LogsTests {
    let client = TestEngine.client

    private func runToEnd(_ id: String) async throws {
        let waiter = try await client.waitForContainer(id, condition: .nextExit)
        try await client.startContainer(id)
        _ = try await waiter.exit()
    }

    @Test func multiplexedKeepsStdoutAndStderrApart() async throws {
        try await TestEngine.withContainer("echo out1; echo err1 >&2; echo out2; echo err2 >&2") { id in
            try await runToEnd(id)
            let logs = try await client.logs(id)
            #expect(logs.stdout == "out1\nout2\n")
            #expect(logs.stderr == "err1\nerr2\n")
            let onlyErr = try await client.logs(id, options: LogOptions(stdout: false))
            #expect(onlyErr.stdout.isEmpty)
            #expect(onlyErr.stderr == "err1\nerr2\n")
        }
    }

    @Test func ttyOutputIsRawAndAllStdout() async throws {
        try await TestEngine.withContainer("echo out; echo err >&2", tty: true) { id in
            try await runToEnd(id)
            let logs = try await client.logs(id)
            // A TTY merges the streams and turns \n into \r\n.
            #expect(logs.stdout == "out\r\nerr\r\n")
            #expect(logs.stderr.isEmpty)
            #expect(logs.chunks.allSatisfy { $0.stream == .stdout })
        }
    }

    @Test func largeOutputSurvivesFrameSplitting() async throws {
        // 2000 lines of 100 bytes: frames straddle the transport's reads.
        try await TestEngine.withContainer("i=0; while [ $i -lt 2000 ]; do printf '%099d\\n' $i; i=$((i+1)); done") { id in
            try await runToEnd(id)
            let logs = try await client.logs(id)
            let lines = logs.stdout.split(separator: "\n")
            #expect(lines.count == 2000)
            #expect(lines.last == Substring(String(repeating: "0", count: 95) + "1999"))
        }
    }

    @Test func tailAndTimestamps() async throws {
        try await TestEngine.withContainer("for i in 1 2 3 4 5; do echo line$i; done") { id in
            try await runToEnd(id)
            #expect(try await client.logs(id, options: LogOptions(tail: 2)).stdout == "line4\nline5\n")
            let stamped = try await client.logs(id, options: LogOptions(tail: 1, timestamps: true)).stdout
            let parts = stamped.split(separator: " ", maxSplits: 1)
            #expect(parts.count == 2)
            #expect(EngineTimestamp.parse(String(parts[0])) != nil)
            #expect(parts.last == "line5\n")
        }
    }

    @Test func sinceSkipsEarlierOutput() async throws {
        try await TestEngine.withContainer("echo early; sleep 1.5; echo late") { id in
            try await runToEnd(id)
            let started = try await client.inspectContainer(id).state.startedAt!
            let logs = try await client.logs(id, options: LogOptions(since: started.addingTimeInterval(0.8)))
            #expect(logs.stdout == "late\n")
        }
    }

    @Test func followStreamsUntilTheContainerStops() async throws {
        try await TestEngine.withContainer("for i in 1 2 3; do echo tick$i; echo warn$i >&2; sleep 1.5; done") { id in
            try await client.startContainer(id)
            var stdout = ""
            var stderr = ""
            var runningAtFirstChunk: Bool?
            for try await chunk in try await client.followLogs(id) {
                if runningAtFirstChunk == nil { runningAtFirstChunk = try await client.inspectContainer(id).state.running }
                if chunk.stream == .stdout { stdout += chunk.text } else { stderr += chunk.text }
            }
            #expect(stdout == "tick1\ntick2\ntick3\n")
            #expect(stderr == "warn1\nwarn2\nwarn3\n")
            // Output arrived while the container ran, not all at the end.
            #expect(runningAtFirstChunk == true)
        }
    }

    @Test func stoppingIterationClosesAFollowStream() async throws {
        try await TestEngine.withContainer("while true; do echo tick; sleep 0.1; done") { id in
            try await client.startContainer(id)
            var seen = 0
            for try await _ in try await client.followLogs(id) {
                seen += 1
                if seen == 3 { break }
            }
            #expect(seen == 3)
            // The client is still usable right after abandoning a stream.
            #expect(try await client.inspectContainer(id).state.running)
        }
    }
}

@Suite("Log frame decoding")
struct LogFrameDecoderTests {
    private func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let length = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
    }

    @Test func framesSplitAtEveryByteBoundary() {
        let bytes = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "")  + frame(1, "bye\n")
        for cut in 0...bytes.count {
            var decoder = LogFrameDecoder(framing: .multiplexed)
            let chunks = decoder.decode(Array(bytes[..<cut])) + decoder.decode(Array(bytes[cut...]))
            #expect(chunks.filter { $0.stream == .stdout }.map(\.text).joined() == "hello\nbye\n")
            #expect(chunks.filter { $0.stream == .stderr }.map(\.text).joined() == "oops\n")
            #expect(decoder.leftover == 0)
        }
    }

    @Test func incompleteFrameIsHeldBack() {
        var decoder = LogFrameDecoder(framing: .multiplexed)
        #expect(decoder.decode(Array(frame(1, "abcdef").prefix(10))).isEmpty)
        #expect(decoder.leftover == 10)
    }

    @Test func rawFramingPassesBytesThrough() {
        var decoder = LogFrameDecoder(framing: .raw)
        #expect(decoder.decode(Array("a\r\n".utf8)) == [LogChunk(stream: .stdout, bytes: Array("a\r\n".utf8))])
    }
}
