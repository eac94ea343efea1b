import Foundation

/// Measurements 7 and 8 (issue 11): a batch of jobs against as many direct lifecycles, and the reads and
/// the start-up of a scheduler with full batch histories.
extension Benchmark {
    // MARK: - 7. A batch

    /// 7. One batch of `batchSize` jobs, POST until GET /batches/{name} says Completed with every job
    /// Succeeded; and as many direct lifecycles, `batchDirectConcurrency` at a time (the scheduler creates a
    /// batch's containers 8 at a time), with and without the final remove.
    func measureBatch() async throws -> Results.Batch {
        let app = try SchedulerApp(application: settings.application("batch"), settings: settings)
        defer { app.stop() }
        try app.launch(historyLimit: 10_000)
        _ = try await onThread { try app.waitUntilAnswering() }
        let size = settings.batchSize
        progress("7. a batch of \(size) jobs, then \(size) direct lifecycles \(settings.batchDirectConcurrency) at a time, with and without remove")
        let box = APIBox(port: app.port)
        let (seconds, answered) = try await onThread { () -> (Double, Double) in
            let t0 = monotonicNanos()
            let name = try box.api.submitBatch(jobs: size)
            let answered = milliseconds(from: t0, to: monotonicNanos()) / 1000
            let done = try box.api.pollBatchUntilCompleted(name, intervalMicroseconds: 100_000, timeoutSeconds: 1800)
            return (milliseconds(from: t0, to: done) / 1000, answered)
        }
        progress("   scheduler: \(size) jobs in \(fixed(seconds)) s (POST answered after \(fixed(answered)) s)")
        app.stop()
        await engine.removeApplication(app.application)
        try await Task.sleep(for: .seconds(2))

        // The same batch with --max-running 8, its GET timed all along.
        try app.launch(historyLimit: 10_000, extraArguments: ["--max-running", "8"])
        _ = try await onThread { try app.waitUntilAnswering() }
        let queuedBox = APIBox(port: app.port)  // a new connection: the first one's server is gone
        let queued = try await onThread { () -> (seconds: Double, reads: [Double]) in
            let box = queuedBox
            let t0 = monotonicNanos()
            let name = try box.api.submitBatch(jobs: size)
            var reads: [Double] = []
            let done = try box.api.pollBatchUntilCompleted(name, intervalMicroseconds: 50_000, timeoutSeconds: 1800) { reads.append($0) }
            return (milliseconds(from: t0, to: done) / 1000, reads)
        }
        progress("   scheduler, --max-running 8: \(size) jobs in \(fixed(queued.seconds)) s; GET /batches/{name} median \(fixed(Summary(queued.reads).median)) ms, max \(fixed(Summary(queued.reads).max)) ms")
        app.stop()
        await engine.removeApplication(app.application)
        try await Task.sleep(for: .seconds(2))

        var direct: [String: Double] = [:]
        for kind in ["direct", "direct-no-remove"] {
            let t0 = monotonicNanos()
            // `batchDirectConcurrency` lifecycles at a time (500 at once overload the engine: its calls time out).
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func addNext() {
                    guard next < size else { return }
                    let name = "jsb-\(settings.runID)-batch-\(kind)-\(next)"
                    next += 1
                    group.addTask { _ = try await self.engine.directLifecycle(name: name, command: self.settings.jobCommand, remove: kind == "direct") }
                }
                for _ in 0..<settings.batchDirectConcurrency { addNext() }
                while try await group.next() != nil { addNext() }
            }
            direct[kind] = milliseconds(from: t0, to: monotonicNanos()) / 1000
            progress("   \(kind): \(size) jobs in \(fixed(direct[kind]!)) s")
            await engine.removeDirectContainers()
            try await Task.sleep(for: .seconds(2))
        }
        return Results.Batch(size: size, directConcurrency: settings.batchDirectConcurrency, schedulerSeconds: seconds, postSeconds: answered, queuedSeconds: queued.seconds, queuedReads: queued.reads,
                             directSeconds: direct["direct"] ?? .nan, directNoRemoveSeconds: direct["direct-no-remove"] ?? .nan)
    }

    // MARK: - 8. Batch history

    /// 8. `historyBatches` batches of `batchSize` jobs in the history (each stopped as soon as it is
    /// accepted, with `--max-running 1`, so its jobs are made and few run: the history is what counts
    /// here): GET /batches and GET /batches/{name} one after the other on one connection, then the
    /// start-up, exec until the API answers.
    func measureBatchHistory() async throws -> Results.BatchHistory {
        let app = try SchedulerApp(application: settings.application("bhist"), settings: settings)
        defer { app.stop() }
        let arguments = ["--max-running", "1"]
        try app.launch(historyLimit: settings.historyBatches, extraArguments: arguments)
        _ = try await onThread { try app.waitUntilAnswering() }
        let (count, size) = (settings.historyBatches, settings.batchSize)
        progress("8. \(count) batches of \(size) jobs in the history, then GET /batches and the start-up")
        let box = APIBox(port: app.port)
        let names = try await onThread { () -> [String] in
            var names: [String] = []
            for _ in 0..<count {
                let name = try box.api.submitBatch(jobs: size)
                try box.api.stopBatch(name)
                _ = try box.api.pollBatchUntilCompleted(name, intervalMicroseconds: 200_000, timeoutSeconds: 600, requireSucceeded: false)
                names.append(name)
            }
            return names
        }
        let reads = 30, warmup = 3
        let (list, listBytes, one, oneBytes) = try await onThread { () -> ([Double], Int, [Double], Int) in
            func time(_ path: String) throws -> ([Double], Int) {
                var samples: [Double] = [], bytes = 0
                for index in 0..<(warmup + reads) {
                    let t0 = monotonicNanos()
                    let answer = try box.api.connection.request("GET", path)
                    let elapsed = milliseconds(from: t0, to: monotonicNanos())
                    guard answer.status == 200 else { throw BenchFailure("GET \(path) answered \(answer.status)") }
                    bytes = answer.body.count
                    if index >= warmup { samples.append(elapsed) }
                }
                return (samples, bytes)
            }
            let list = try time("/api/v1/batches")
            let one = try time("/api/v1/batches/\(names[0])")
            return (list.0, list.1, one.0, one.1)
        }
        let batchesListed = try await onThread { try box.api.batchCount() }
        guard batchesListed == count else { throw BenchFailure("GET /batches lists \(batchesListed) batches, expected \(count)") }
        progress("   GET /batches (\(listBytes) bytes): median \(fixed(Summary(list).median)) ms; GET /batches/{name}: \(fixed(Summary(one).median)) ms")
        var startups: [Double] = []
        for _ in 0..<settings.startupRuns {
            app.stop()
            let start = try app.launch(historyLimit: settings.historyBatches, extraArguments: arguments)
            let (answered, _) = try await onThread { try app.waitUntilAnswering(timeoutSeconds: 120) }
            startups.append(milliseconds(from: start, to: answered))
        }
        progress("   start-up with \(count * size) job containers: median \(fixed(Summary(startups).median)) ms")
        app.stop()
        await engine.removeApplication(app.application)
        return Results.BatchHistory(batches: count, jobsPerBatch: size, getBatches: list, getBatchesBytes: listBytes,
                                    getBatch: one, getBatchBytes: oneBytes, startup: startups)
    }
}

extension SchedulerAPI {
    /// `POST /api/v1/batches` with `jobs` empty job descriptions (the configured command); returns the batch's name.
    func submitBatch(jobs: Int) throws -> String {
        let body = "{\"jobScheduleDescriptions\":[" + Array(repeating: "{}", count: jobs).joined(separator: ",") + "]}"
        let answer = try connection.request("POST", "/api/v1/batches", json: body)
        guard answer.status == 200 else { throw BenchFailure("POST /api/v1/batches answered \(answer.status): \(answer.text)") }
        return try JSONDecoder().decode(APIJob.self, from: Data(answer.body)).name
    }

    func stopBatch(_ name: String) throws {
        let answer = try connection.request("POST", "/api/v1/batches/\(name)/stop")
        guard answer.status == 200 else { throw BenchFailure("POST /api/v1/batches/\(name)/stop answered \(answer.status): \(answer.text)") }
    }

    func batchCount() throws -> Int {
        let answer = try connection.request("GET", "/api/v1/batches")
        guard answer.status == 200 else { throw BenchFailure("GET /api/v1/batches answered \(answer.status)") }
        return try JSONDecoder().decode([APIJob].self, from: Data(answer.body)).count
    }

    /// Polls a batch until it is Completed (with every job Succeeded, unless told otherwise); returns the
    /// monotonic time of the poll that saw it.
    /// Each GET's time (ms) goes to `read`. Succeeded means each job's one attempt succeeded (`failed` 0).
    func pollBatchUntilCompleted(_ name: String, intervalMicroseconds: Int, timeoutSeconds: Double, requireSucceeded: Bool = true,
                                 read: (Double) -> Void = { _ in }) throws -> UInt64 {
        struct Job: Decodable { var name: String; var status: String; var failed: Int? }
        struct Batch: Decodable { var status: String; var jobStatuses: [Job]? }
        let deadline = monotonicNanos() + UInt64(timeoutSeconds * 1e9)
        while true {
            let sent = monotonicNanos()
            let answer = try connection.request("GET", "/api/v1/batches/\(name)")
            let now = monotonicNanos()
            read(milliseconds(from: sent, to: now))
            guard answer.status == 200 else { throw BenchFailure("GET /api/v1/batches/\(name) answered \(answer.status)") }
            let batch = try JSONDecoder().decode(Batch.self, from: Data(answer.body))
            if batch.status == "Completed" {
                if requireSucceeded, let failed = batch.jobStatuses?.first(where: { $0.status != "Succeeded" || ($0.failed ?? 0) != 0 }) {
                    throw BenchFailure("job \(failed.name) of batch \(name) ended \(failed.status) after \(failed.failed ?? 0) failed attempts")
                }
                return now
            }
            guard now < deadline else { throw BenchFailure("batch \(name) still \(batch.status) after \(timeoutSeconds) s") }
            sleepMicroseconds(intervalMicroseconds)
        }
    }
}
