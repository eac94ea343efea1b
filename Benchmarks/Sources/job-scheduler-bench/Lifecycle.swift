import DockerEngine
import Foundation

/// A thread-safe holder for the benchmark's blocking API client (used by one thread at a time).
final class APIBox: @unchecked Sendable {
    let api: SchedulerAPI
    init(port: Int) { api = SchedulerAPI(port: port) }
}

/// A start line for many threads: each calls `arrive()` and blocks; `open()` releases them all at once.
final class StartGate: @unchecked Sendable {
    // @unchecked: guarded by `condition`.
    private let condition = NSCondition()
    private var isOpen = false
    private var arrived = 0

    func arrive() {
        condition.lock()
        arrived += 1
        condition.broadcast()
        while !isOpen { condition.wait() }
        condition.unlock()
    }

    /// Waits (bounded) until `count` threads have arrived, then opens; returns the monotonic time of opening.
    func open(whenArrived count: Int, timeoutSeconds: Double = 30) -> UInt64 {
        condition.lock()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while arrived < count && Date() < deadline { _ = condition.wait(until: deadline) }
        let now = monotonicNanos()
        isOpen = true
        condition.broadcast()
        condition.unlock()
        return now
    }
}

extension Benchmark {
    /// 1. One job's life: through the scheduler (POST until GET says Succeeded) and directly through the
    /// engine (create, wait next-exit, start, exit, remove), alternating, after a warm-up.
    func measureLifecycle() async throws -> Results.Lifecycle {
        let app = try SchedulerApp(application: settings.application("life"), settings: settings)
        defer { app.stop() }
        // A history limit above the number of runs: the scheduler removes nothing while it is measured.
        try app.launch(historyLimit: 10_000)
        _ = try await onThread { try app.waitUntilAnswering() }
        let schedulerEvents = try await EventRecorder.start(client: engine.client, labels: ["radix-app=\(app.application)"])
        let directEvents = try await EventRecorder.start(client: engine.client, labels: ["\(Engine.benchLabel)=\(settings.runID)"])
        defer { schedulerEvents.stop(); directEvents.stop() }

        let box = APIBox(port: app.port)
        let poll = settings.pollMicroseconds
        var schedulerSamples: [Results.SchedulerSample] = []
        var directSamples: [Engine.DirectSample] = []
        let total = settings.warmup + settings.runs
        progress("1. one job's life: \(settings.warmup) warm-up + \(settings.runs) runs each, alternating")
        for index in 0..<total {
            // Alternate which side goes first, so neither always runs on a just-disturbed engine.
            for side in (index % 2 == 0 ? [0, 1] : [1, 0]) {
                if side == 0 {
                    let sample = try await onThread { try Self.schedulerLifecycle(box.api, pollMicroseconds: poll) }
                    if index >= settings.warmup { schedulerSamples.append(sample) }
                } else {
                    let sample = try await engine.directLifecycle(name: "jsb-\(settings.runID)-direct-\(index)", command: settings.jobCommand)
                    if index >= settings.warmup { directSamples.append(sample) }
                }
            }
        }
        // Give the last events a moment to arrive, then place them on each job's timeline.
        try await Task.sleep(for: .milliseconds(300))
        let schedulerTimeline = schedulerSamples.map { sample in
            Self.timeline(schedulerEvents, name: sample.name, t0: sample.startedWall)
        }
        let directTimeline = directSamples.map { sample in
            Self.timeline(directEvents, name: sample.name, t0: sample.startedWall)
        }
        app.stop()
        await engine.removeApplication(app.application)
        return Results.Lifecycle(scheduler: schedulerSamples, direct: directSamples,
                                 schedulerTimeline: schedulerTimeline, directTimeline: directTimeline)
    }

    static func timeline(_ recorder: EventRecorder, name: String, t0: Double) -> Results.EngineTimeline {
        func at(_ action: String) -> Double? { recorder.seen(name, action).map { ($0.engineWall - t0) * 1000 } }
        return Results.EngineTimeline(create: at("create"), start: at("start"), die: at("die"),
                                      dieArrival: recorder.seen(name, "die").map { ($0.arrivalWall - t0) * 1000 })
    }

    /// POST, then GET the job every `pollMicroseconds` until it is terminal. Blocking.
    static func schedulerLifecycle(_ api: SchedulerAPI, pollMicroseconds: Int, command: [String]? = nil) throws -> Results.SchedulerSample {
        let startedWall = wallSeconds()
        let t0 = monotonicNanos()
        let accepted = try api.submit(command: command)
        let t1 = monotonicNanos()
        let answeredWall = wallSeconds()
        let (seen, seenWall, runningSeen, job) = try api.pollUntilTerminal(accepted.name, intervalMicroseconds: pollMicroseconds, timeoutSeconds: 60)
        guard job.state == .succeeded else { throw BenchFailure("job \(job.name) ended \(job.status)") }
        return Results.SchedulerSample(name: accepted.name, post: milliseconds(from: t0, to: t1),
                                       runningSeen: runningSeen.map { milliseconds(from: t0, to: $0) },
                                       total: milliseconds(from: t0, to: seen), startedWall: startedWall,
                                       answeredWall: answeredWall, seenWall: seenWall)
    }

    // MARK: - 2. Burst

    /// 2. A burst of `burst` jobs at once, through the scheduler until all have succeeded, and as as many
    /// direct lifecycles at the same concurrency (with and without the final remove), round after round.
    func measureBurst() async throws -> Results.Burst {
        let app = try SchedulerApp(application: settings.application("burst"), settings: settings)
        defer { app.stop() }
        try app.launch(historyLimit: 10_000)
        _ = try await onThread { try app.waitUntilAnswering() }
        let size = settings.burst
        var rounds: [Results.BurstRound] = []
        progress("2. burst: \(settings.burstRounds) rounds of \(size) jobs, each way")
        for round in 0..<settings.burstRounds {
            let order = round % 2 == 0 ? ["scheduler", "direct", "direct-no-remove"] : ["direct-no-remove", "direct", "scheduler"]
            for kind in order {
                let result: Results.BurstRound
                switch kind {
                case "scheduler":
                    result = try await schedulerBurst(app: app, size: size)
                    await engine.removeApplication(app.application)
                default:
                    let remove = kind == "direct"
                    let t0 = monotonicNanos()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for index in 0..<size {
                            let name = "jsb-\(settings.runID)-burst\(round)-\(kind)-\(index)"
                            group.addTask {
                                _ = try await self.engine.directLifecycle(name: name, command: self.settings.jobCommand, remove: remove)
                            }
                        }
                        try await group.waitForAll()
                    }
                    let seconds = milliseconds(from: t0, to: monotonicNanos()) / 1000
                    result = Results.BurstRound(kind: kind, seconds: seconds, jobsPerSecond: Double(size) / seconds, lastAnswer: nil)
                    await engine.removeDirectContainers()
                }
                progress("   \(kind): \(size) jobs in \(fixed(result.seconds)) s = \(fixed(result.jobsPerSecond, 1)) jobs/s")
                rounds.append(result)
                try await Task.sleep(for: .seconds(1))  // let the engine settle after the clean-up
            }
        }
        app.stop()
        await engine.removeApplication(app.application)
        return Results.Burst(size: size, rounds: rounds)
    }

    private func schedulerBurst(app: SchedulerApp, size: Int) async throws -> Results.BurstRound {
        let boxes = (0..<size).map { _ in APIBox(port: app.port) }
        for box in boxes { try box.api.connection.connect() }
        let gate = StartGate()
        // Every thread connects first and waits at the gate, so the POSTs leave together.
        async let answers = onThreads(size) { index -> (String, UInt64) in
            gate.arrive()
            let job = try boxes[index].api.submit()
            return (job.name, monotonicNanos())
        }
        let t0 = try await onThread { gate.open(whenArrived: size) }
        let accepted = try await answers
        let names = Set(accepted.map(\.0))
        guard names.count == size else { throw BenchFailure("\(size) POSTs gave \(names.count) distinct jobs") }
        let box = APIBox(port: app.port)
        let interval = settings.burstPollMilliseconds * 1000
        let done = try await onThread {
            try box.api.pollListUntil(names, intervalMicroseconds: interval, timeoutSeconds: 300) { $0.state == .succeeded }
        }
        let seconds = milliseconds(from: t0, to: done) / 1000
        let lastAnswer = milliseconds(from: t0, to: accepted.map(\.1).max() ?? t0) / 1000
        return Results.BurstRound(kind: "scheduler", seconds: seconds, jobsPerSecond: Double(size) / seconds, lastAnswer: lastAnswer)
    }

    // MARK: - 3. Status delay

    /// 3. From the engine's `die` event to the terminal status on GET, polled tightly by a thread of its
    /// own, for jobs that run a short while (so the exit is not mixed up with the start).
    func measureStatusDelay() async throws -> Results.StatusDelay {
        let app = try SchedulerApp(application: settings.application("delay"), settings: settings)
        defer { app.stop() }
        try app.launch(historyLimit: 10_000)
        _ = try await onThread { try app.waitUntilAnswering() }
        let recorder = try await EventRecorder.start(client: engine.client, labels: ["radix-app=\(app.application)"])
        defer { recorder.stop() }
        let box = APIBox(port: app.port)
        let poll = settings.delayPollMicroseconds
        let warmup = 3
        progress("3. status delay: \(warmup) warm-up + \(settings.delayRuns) jobs of `sleep 0.2`, GET every \(poll) µs")
        var samples: [Results.DelaySample] = []
        for index in 0..<(warmup + settings.delayRuns) {
            let sample = try await onThread { () -> Results.DelaySample in
                let job = try box.api.submit(command: ["sleep", "0.2"])
                let (seen, seenWall, _, status) = try box.api.pollUntilTerminal(job.name, intervalMicroseconds: poll, timeoutSeconds: 60)
                guard status.state == .succeeded else { throw BenchFailure("job \(job.name) ended \(status.status)") }
                guard let die = recorder.waitFor(job.name, "die") else { throw BenchFailure("no die event for \(job.name)") }
                return Results.DelaySample(name: job.name, afterArrival: milliseconds(from: die.arrival, to: seen),
                                           afterEngine: (seenWall - die.engineWall) * 1000,
                                           eventDelivery: (die.arrivalWall - die.engineWall) * 1000)
            }
            if index >= warmup { samples.append(sample) }
        }
        app.stop()
        await engine.removeApplication(app.application)
        return Results.StatusDelay(pollMicroseconds: poll, samples: samples)
    }
}
