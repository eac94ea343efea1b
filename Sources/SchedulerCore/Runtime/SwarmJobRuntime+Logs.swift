import DockerEngine
import Foundation

/// A job's output: the service's log, which a follow ends once the job's run has.
extension SwarmJobRuntime {
    public func logs(name: String, options: JobLogOptions) async throws -> any AsyncSequence<JobLogChunk, any Error> & Sendable {
        let engineOptions = LogOptions(tail: options.tail, since: options.since, timestamps: options.timestamps)
        let chunks = try await client.streamServiceLogs(name, options: engineOptions, follow: options.follow).compactMap { @Sendable chunk in
            chunk.stream == .stdin ? nil : JobLogChunk(stream: chunk.stream == .stderr ? .stderr : .stdout, bytes: chunk.bytes)
        }
        guard options.follow else { return chunks }
        // A service's log never ends by itself (the service may run again): it ends here once the
        // job's run has, after a moment for the last lines to come from the node.
        let (stream, continuation) = AsyncThrowingStream<JobLogChunk, any Error>.makeStream()
        let runtime = self
        let pump = Task {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await chunk in chunks { continuation.yield(chunk) }
                    }
                    group.addTask {
                        while try await !runtime.runHasEnded(name) { try await Task.sleep(for: .milliseconds(250)) }
                        try await Task.sleep(for: .seconds(1))
                    }
                    try await group.next()
                    group.cancelAll()
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    /// Whether the job's current run has ended (or the job is gone): nothing more will be written.
    func runHasEnded(_ name: String) async throws -> Bool {
        let service: ServiceDetails
        do {
            service = try await client.inspectService(name)
        } catch DockerEngineError.notFound {
            return true
        }
        guard let current = Self.currentTask(of: service, in: try await client.listTasks(services: [service.id])) else {
            return service.spec.mode.replicatedJob?.totalCompletions == 0 && service.jobIteration != nil  // stopped
        }
        if current.state.isFinal { return true }
        return try await lostNodes()[current.nodeID ?? ""] != nil
    }
}
