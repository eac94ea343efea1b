import ArgumentParser
import DockerEngine
import Foundation

/// `job-scheduler-bench`: measures the scheduler against the raw engine (issue 6) and writes BENCHMARKS.md.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job-scheduler-bench",
        abstract: "Measure job-scheduler against the Docker engine it runs on, and write BENCHMARKS.md.",
        discussion: "Normally run by Benchmarks/run.sh, which builds everything in release mode first.")

    @Option(help: "The job-scheduler executable (release build).") var scheduler: String
    @Option(help: "The bench-baseline executable (release build).") var baseline: String
    @Option(help: "The job image.") var image = "jobsched-busybox:latest"
    @Option(help: "Docker network for every job (default: the engine's default bridge).") var network: String?
    @Option(help: "Markdown file to write the results into.") var output = "BENCHMARKS.md"
    @Option(help: "JSON file for the raw samples.") var raw: String?
    @Option(help: "Folder for configs and scheduler logs.") var workFolder: String?
    @Option(help: "Identifies this run's containers (label jobsched-bench=<id>, apps jsb-<id>-*).") var runID: String?
    @Option(help: "The Swift version line to report.") var swiftVersion: String?
    @Option(help: "The revision of the code measured (default: git HEAD of the current folder, and whether Sources/ has changes).") var revision: String?
    @Option(help: "Runs of one job's life, each way, after the warm-up.") var runs = 30
    @Option(help: "Warm-up runs of one job's life, each way.") var warmup = 5
    @Option(help: "Jobs in one burst.") var burst = 100
    @Option(help: "Burst rounds, each way.") var burstRounds = 3
    @Option(help: "Pause between two GET /api/v1/jobs while waiting for a burst, ms (each costs the scheduler real CPU).") var burstPollMilliseconds = 100
    @Option(help: "Jobs of the status-delay measurement.") var delayRuns = 50
    @Option(help: "Pause between two GETs while following one job, µs.") var pollMicroseconds = 1000
    @Option(help: "Pause between two GETs in the status-delay measurement, µs.") var delayPollMicroseconds = 200
    @Option(help: "Finished jobs in the history under load.") var historyJobs = 20
    @Option(help: "Running jobs under load.") var runningJobs = 50
    @Option(help: "Running jobs for the memory and start-up measurements.") var memoryJobs = 200
    @Option(help: "Start-ups measured, with no jobs and with the memory measurement's jobs.") var startupRuns = 10
    @Option(help: "wrk duration, seconds.") var wrkSeconds = 10
    @Option(help: "wrk rounds per target, alternating scheduler and baseline; the median round is reported.") var wrkRounds = 3
    @Option(help: "wrk connections.") var wrkConnections = 64
    @Option(help: "wrk threads.") var wrkThreads = 2
    @Option(help: "Scheduler log level (its logs stay in the work folder).") var logLevel = "info"
    @Option(help: "Seconds to wait at most for the 1-minute load average to fall under 1 before starting.") var quietWaitSeconds = 300
    @Option(help: "Jobs of the batch (7) and of each batch in the history (8).") var batchSize = 500
    @Option(help: "Batches in the history (8).") var historyBatches = 10
    @Option(help: "Direct lifecycles at once against the batch (7).") var batchDirectConcurrency = 8
    @Option(parsing: .upToNextOption, help: "Only these measurements (1-8).") var only: [Int] = []

    func run() async throws {
        let runID = self.runID ?? randomSuffix()
        let work = URL(fileURLWithPath: workFolder ?? FileManager.default.temporaryDirectory.appendingPathComponent("jsb-\(runID)").path)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let settings = BenchSettings(
            schedulerBinary: scheduler, baselineBinary: baseline, image: image, network: network, runID: runID, workFolder: work,
            schedulerLogLevel: logLevel, jobCommand: ["true"], runs: runs, warmup: warmup, burst: burst, burstRounds: burstRounds, burstPollMilliseconds: burstPollMilliseconds,
            delayRuns: delayRuns, pollMicroseconds: pollMicroseconds, delayPollMicroseconds: delayPollMicroseconds,
            historyJobs: historyJobs, runningJobs: runningJobs, memoryJobs: memoryJobs, startupRuns: startupRuns,
            wrkSeconds: wrkSeconds, wrkRounds: wrkRounds, wrkConnections: wrkConnections, wrkThreads: wrkThreads,
            quietWaitSeconds: quietWaitSeconds, batchSize: batchSize, historyBatches: historyBatches, batchDirectConcurrency: batchDirectConcurrency,
            measurements: only.isEmpty ? Set(1...8) : Set(only))
        let host = (try? DockerHost.fromEnvironment(ProcessInfo.processInfo.environment)) ?? DockerHost(socketPath: DockerHost.defaultSocketPath)
        let benchmark = Benchmark(settings: settings, engine: Engine(client: DockerEngineClient(host: host), settings: settings))
        progress("run \(runID); work folder \(work.path)")
        let results = await benchmark.runAll(swiftVersion: swiftVersion, revision: revision ?? Self.gitRevision())
        let rawPath = raw ?? work.appendingPathComponent("results.json").path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(results).write(to: URL(fileURLWithPath: rawPath))
        let report = Report(results: results, settings: settings).markdown()
        try Report.write(report, into: output)
        print(report)
        progress("wrote \(output) and \(rawPath)")
        if !results.failures.isEmpty { throw ExitCode(2) }
    }
}

extension BenchCommand {
    /// `abc1234`, plus `with uncommitted changes` when the root package's sources differ from it.
    static func gitRevision() -> String {
        guard let head = try? runCommand(["git", "rev-parse", "--short", "HEAD"], timeoutSeconds: 10), head.status == 0 else { return "unknown" }
        let changes = (try? runCommand(["git", "status", "--porcelain", "--", "../Sources", "../Package.swift", "../swagger.json"], timeoutSeconds: 10).output) ?? ""
        let revision = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return changes.isEmpty ? revision : revision + " with uncommitted changes"
    }
}

struct Benchmark: Sendable {
    let settings: BenchSettings
    let engine: Engine

    /// Every selected measurement, one after the other; one that fails is reported and the rest go on.
    func runAll(swiftVersion: String?, revision: String) async -> Results {
        var results = Results()
        // Other work on the machine (builds, test suites on the same engine) makes every number noisy:
        // wait a while for it to calm down, and report the load either way.
        var waited = 0
        if loadAverage() > 1.0 { progress("waiting up to \(settings.quietWaitSeconds) s for the load average (\(fixed(loadAverage()))) to fall under 1") }
        while loadAverage() > 1.0 && waited < settings.quietWaitSeconds {
            try? await Task.sleep(for: .seconds(1))
            waited += 1
        }
        do {
            results.machine = try await machine(swiftVersion: swiftVersion, revision: revision)
            _ = try await engine.client.inspectImage(settings.image)
        } catch {
            results.failures.append("set-up: \(error)")
            return results
        }
        func attempt<T>(_ number: Int, _ name: String, _ body: () async throws -> T) async -> T? {
            guard settings.measurements.contains(number) else { return nil }
            do {
                return try await body()
            } catch {
                progress("\(name) failed: \(error)")
                results.failures.append("\(number). \(name): \(error)")
                return nil
            }
        }
        results.lifecycle = await attempt(1, "one job's life") { try await measureLifecycle() }
        await cleanUp()
        results.burst = await attempt(2, "burst") { try await measureBurst() }
        await cleanUp()
        results.statusDelay = await attempt(3, "status delay") { try await measureStatusDelay() }
        await cleanUp()
        results.load = await attempt(4, "API under load") { try await measureLoad() }
        await cleanUp()
        if settings.measurements.contains(5) || settings.measurements.contains(6) {
            if let (memory, startup) = await attempt(5, "memory and start-up", { try await measureMemoryAndStartup() }) {
                results.memory = memory
                results.startup = startup
            }
        }
        await cleanUp()
        results.batch = await attempt(7, "a batch") { try await measureBatch() }
        await cleanUp()
        results.batchHistory = await attempt(8, "batch history") { try await measureBatchHistory() }
        await cleanUp()
        results.loadAfter = loadAverage()
        return results
    }

    /// Whatever a measurement left behind (on failure, say): its schedulers' containers and the direct ones.
    func cleanUp() async {
        for purpose in ["life", "burst", "delay", "load", "mem", "batch", "bhist"] {
            await engine.removeApplication(settings.application(purpose))
        }
        await engine.removeDirectContainers()
    }

    func machine(swiftVersion: String?, revision: String) async throws -> Results.Machine {
        let version = try await engine.client.version()
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let os = osRelease.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "Linux"
        let swift = swiftVersion ?? ((try? runCommand(["swift", "--version"]).output)?.split(separator: "\n").first.map(String.init) ?? "unknown")
        let formatter = ISO8601DateFormatter()
        return Results.Machine(
            date: formatter.string(from: Date()), cpu: cpu, cores: ProcessInfo.processInfo.activeProcessorCount,
            memory: String(format: "%.1f GiB", Double(memKiB) / 1024 / 1024), kernel: kernel, os: os,
            docker: version.version, dockerAPI: version.apiVersion, swift: swift, image: settings.image,
            command: settings.jobCommand.joined(separator: " "), loadBefore: loadAverage(), revision: revision)
    }
}
