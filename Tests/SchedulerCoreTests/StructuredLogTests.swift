import DockerEngine
import EngineTestSupport
import Foundation
@testable import SchedulerCore
import Logging
import Testing

/// Collects log records in memory, with their metadata, to check what operators will see.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: `records` is guarded by `lock`.
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Record] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var records: [Record] { lock.withLock { stored } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let merged = metadata.merging(extra ?? [:]) { _, new in new }.mapValues { "\($0)" }
        lock.withLock { stored.append(Record(level: level, message: message.description, metadata: merged)) }
    }
}

@Suite("Structured logs", .requiresEngine)
struct StructuredLogTests {
    @Test func everyStateChangeIsLoggedWithTheJobName() async throws {
        let handler = RecordingLogHandler()
        let logger = Logger(label: "scheduler") { _ in handler }
        let harness = try await SchedulerHarness(script: "exit 2", logger: logger)
        do {
            let job = try await harness.scheduler.submit(JobRequest())
            try await harness.waitFor(job.name, [.failed])
            let changes = handler.records.filter { $0.metadata["jobName"] == job.name && $0.metadata["status"] != nil }
            #expect(changes.map { $0.metadata["status"] } == ["Waiting", "Running", "Failed"].map(Optional.some)
                    || changes.map { $0.metadata["status"] } == ["Waiting", "Failed"].map(Optional.some))
            #expect(changes.allSatisfy { $0.metadata["job"] == "work" })
            #expect(changes.last?.metadata["message"]?.contains("exit code 2") == true)
        } catch {
            await harness.finish()
            throw error
        }
        await harness.finish()
    }

    @Test func engineErrorsAreLoggedAsErrors() async throws {
        let proxy = try SocketProxy(target: SchedulerHarness.engine.host.socketPath)
        defer { proxy.stop() }
        let handler = RecordingLogHandler()
        let harness = try await SchedulerHarness(script: "true", engine: DockerEngineClient(host: DockerHost(socketPath: proxy.socketPath)),
                                                 logger: Logger(label: "scheduler") { _ in handler })
        proxy.stop()
        try await waitUntil("losing the engine is logged as an error", timeout: .seconds(10)) {
            handler.records.contains { $0.level == .error }
        }
        let error = handler.records.first { $0.level == .error }
        #expect(error?.message.contains("lost the engine") == true)
        #expect(error?.metadata["job"] == "work")
        #expect(error?.metadata["error"]?.isEmpty == false)
        await harness.finish()
    }
}
