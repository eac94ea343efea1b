import Foundation

/// Renders a run's results as the Markdown of BENCHMARKS.md.
struct Report {
    let results: Results
    let settings: BenchSettings

    static let begin = "<!-- BEGIN GENERATED RESULTS: written by Benchmarks/run.sh, do not edit by hand -->"
    static let end = "<!-- END GENERATED RESULTS -->"

    /// Replaces the generated block of `path` (or writes a new file); text outside the block is kept.
    static func write(_ block: String, into path: String) throws {
        let generated = begin + "\n" + block + "\n" + end
        var text: String
        if let existing = try? String(contentsOfFile: path, encoding: .utf8),
           let start = existing.range(of: begin), let stop = existing.range(of: end), start.lowerBound < stop.lowerBound {
            text = existing
            text.replaceSubrange(start.lowerBound..<stop.upperBound, with: generated)
        } else {
            text = """
            # Benchmarks

            `bash Benchmarks/run.sh` builds `job-scheduler` and the harness in release mode, builds the images, runs
            every measurement of issue 6 against the local Docker engine and rewrites the block below. Everything
            outside the block is kept.

            \(generated)

            ## Findings

            (What the numbers mean, where the time and memory go, and what would fix a missed goal.)

            """
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private struct Row {
        var number: String
        var measurement: String
        var scheduler: String
        var reference: String
        var ratio: String
        var goal: String
        var met: String
    }

    private func verdict(_ ok: Bool?) -> String {
        switch ok {
        case .some(true): "yes"
        case .some(false): "**no**"
        case .none: "n/a"
        }
    }

    func markdown() -> String {
        var out: [String] = []
        if let machine = results.machine {
            out.append("Run of \(machine.date), code at \(machine.revision), on \(machine.os), \(machine.cpu), \(machine.cores) cores, \(machine.memory) of memory, "
                + "kernel \(machine.kernel), Docker engine \(machine.docker) (API \(machine.dockerAPI)), \(machine.swift). "
                + "Image `\(machine.image)`, job command `\(machine.command)` unless said otherwise; `job-scheduler serve` "
                + "and the harness built with `swift build -c release`, all on loopback. "
                + "1-minute load average \(fixed(machine.loadBefore, 2)) before the run and \(fixed(results.loadAfter ?? .nan, 2)) after it (the engine and the machine were \((machine.loadBefore < 1.5 && (results.loadAfter ?? 0) < 2.5) ? "otherwise quiet" : "shared with other work: expect noise")).")
            out.append("")
        }
        var rows: [Row] = []

        if let life = results.lifecycle {
            let scheduler = Summary(life.scheduler.map(\.total))
            let direct = Summary(life.direct.map(\.total))
            let directNoRemove = Summary(life.direct.map { $0.total - $0.remove })
            let ratio = scheduler.median / direct.median
            rows.append(Row(number: "1", measurement: "One job's life, median of \(scheduler.count): POST until GET says Succeeded / create, wait, start, exit, remove",
                            scheduler: ms(scheduler.median), reference: ms(direct.median), ratio: fixed(ratio, 3), goal: "≤ 1.05", met: verdict(ratio <= 1.05)))
            rows.append(Row(number: "1b", measurement: "the same, against the engine without the final remove (the scheduler keeps the container as history)",
                            scheduler: ms(scheduler.median), reference: ms(directNoRemove.median), ratio: fixed(scheduler.median / directNoRemove.median, 3),
                            goal: "(≤ 1.05)", met: verdict(scheduler.median / directNoRemove.median <= 1.05)))
        }
        if let burst = results.burst {
            func median(_ kind: String) -> Double { Summary(burst.rounds.filter { $0.kind == kind }.map(\.jobsPerSecond)).median }
            let scheduler = median("scheduler"), direct = median("direct"), noRemove = median("direct-no-remove")
            rows.append(Row(number: "2", measurement: "Burst of \(burst.size) jobs at once, throughput (median of \(burst.rounds.filter { $0.kind == "scheduler" }.count) rounds)",
                            scheduler: "\(fixed(scheduler, 1)) jobs/s", reference: "\(fixed(direct, 1)) jobs/s", ratio: fixed(scheduler / direct, 3),
                            goal: "≥ 0.95", met: verdict(scheduler / direct >= 0.95)))
            rows.append(Row(number: "2b", measurement: "the same, against the engine without the final remove",
                            scheduler: "\(fixed(scheduler, 1)) jobs/s", reference: "\(fixed(noRemove, 1)) jobs/s", ratio: fixed(scheduler / noRemove, 3),
                            goal: "(≥ 0.95)", met: verdict(scheduler / noRemove >= 0.95)))
        }
        if let delay = results.statusDelay {
            let arrival = Summary(delay.samples.map(\.afterArrival))
            rows.append(Row(number: "3", measurement: "Status delay, `die` event to terminal status on GET (\(arrival.count) jobs): median / p99",
                            scheduler: "\(ms(arrival.median)) / \(ms(arrival.p99))", reference: "", ratio: "",
                            goal: "median < 10 ms", met: verdict(arrival.median < 10)))
        }
        if let load = results.load {
            func pair(_ path: String) -> (Results.WrkResult, Results.WrkResult)? {
                guard let s = load.results.first(where: { $0.target == "scheduler \(path)" }),
                      let b = load.results.first(where: { $0.target == "baseline \(path)" }) else { return nil }
                return (s, b)
            }
            func roundsText(_ result: Results.WrkResult) -> String {
                guard let rounds = result.roundsRequestsPerSecond, let p99s = result.roundsP99, rounds.count > 1 else { return "" }
                return " (medians of " + zip(rounds, p99s).map { "\(fixed($0, 0)) /s \(ms($1))" }.joined(separator: "; ") + ")"
            }
            for (index, path) in ["GET /api/v1/jobs/{name}", "GET /api/v1/jobs"].enumerated() {
                guard let (s, b) = pair(path) else { continue }
                let ratio = s.requestsPerSecond / b.requestsPerSecond
                let clean = s.errors == nil && b.errors == nil
                rows.append(Row(number: index == 0 ? "4a" : "4b",
                                measurement: "`\(path)` (\(s.responseBytes) bytes), \(load.connections) connections: requests/s, p99",
                                scheduler: "\(fixed(s.requestsPerSecond, 0)) /s, \(ms(s.p99))\(roundsText(s))", reference: "\(fixed(b.requestsPerSecond, 0)) /s, \(ms(b.p99))\(roundsText(b))",
                                ratio: fixed(ratio, 3), goal: "≥ 0.8, p99 < 5 ms", met: verdict(clean && ratio >= 0.8 && s.p99 < 5)))
            }
        }
        if let memory = results.memory {
            rows.append(Row(number: "5a", measurement: "Resident size (VmRSS), idle", scheduler: mib(kib: memory.idle.rssKiB), reference: "", ratio: "",
                            goal: "< 20 MiB", met: verdict(Double(memory.idle.rssKiB) < 20 * 1024)))
            rows.append(Row(number: "5b", measurement: "Resident size (VmRSS), \(memory.runningJobs) running jobs", scheduler: mib(kib: memory.running.rssKiB),
                            reference: "", ratio: "", goal: "< 40 MiB", met: verdict(Double(memory.running.rssKiB) < 40 * 1024)))
        }
        if let startup = results.startup {
            let with = Summary(startup.withJobs), empty = Summary(startup.empty)
            rows.append(Row(number: "6", measurement: "Start-up, exec until the API answers, \(startup.jobs) job containers to reconcile (median of \(with.count))",
                            scheduler: ms(with.median), reference: "no jobs: \(ms(empty.median))", ratio: "", goal: "< 500 ms", met: verdict(with.median < 500)))
        }

        if let batch = results.batch {
            let throughput = Double(batch.size) / batch.schedulerSeconds
            let direct = Double(batch.size) / batch.directSeconds, directNoRemove = Double(batch.size) / batch.directNoRemoveSeconds
            rows.append(Row(number: "7", measurement: "A batch of \(batch.size) jobs, POST until GET says Completed / as many lifecycles, \(batch.directConcurrency) at a time, throughput",
                            scheduler: "\(fixed(throughput, 1)) jobs/s", reference: "\(fixed(direct, 1)) jobs/s", ratio: fixed(throughput / direct, 3),
                            goal: "≥ 0.95", met: verdict(throughput / direct >= 0.95)))
            rows.append(Row(number: "7b", measurement: "the same, against the engine without the final remove (POST answered after \(fixed(batch.postSeconds)) s)",
                            scheduler: "\(fixed(throughput, 1)) jobs/s", reference: "\(fixed(directNoRemove, 1)) jobs/s",
                            ratio: fixed(throughput / directNoRemove, 3), goal: "(≥ 0.95)", met: verdict(throughput / directNoRemove >= 0.95)))
            let reads = Summary(batch.queuedReads)
            rows.append(Row(number: "7c", measurement: "the batch with `--max-running 8`: every job run once, in \(fixed(batch.queuedSeconds)) s; `GET /api/v1/batches/{name}` all along (\(reads.count) reads): median / p99 / max",
                            scheduler: "\(ms(reads.median)) / \(ms(reads.p99)) / \(ms(reads.max))", reference: "", ratio: "", goal: "milliseconds", met: verdict(reads.p99 < 10)))
        }
        if let history = results.batchHistory {
            let list = Summary(history.getBatches), one = Summary(history.getBatch), startup = Summary(history.startup)
            let jobs = history.batches * history.jobsPerBatch
            rows.append(Row(number: "8a", measurement: "`GET /api/v1/batches` (\(history.getBatchesBytes) bytes), \(history.batches) batches of \(history.jobsPerBatch) jobs in history: median / p99 of \(list.count)",
                            scheduler: "\(ms(list.median)) / \(ms(list.p99))", reference: "", ratio: "", goal: "< 10 ms", met: verdict(list.median < 10)))
            rows.append(Row(number: "8b", measurement: "`GET /api/v1/batches/{name}` (\(history.getBatchBytes) bytes), the same history: median / p99",
                            scheduler: "\(ms(one.median)) / \(ms(one.p99))", reference: "", ratio: "", goal: "", met: ""))
            rows.append(Row(number: "8c", measurement: "Start-up, exec until the API answers, \(jobs) job containers of \(history.batches) batches (median of \(startup.count))",
                            scheduler: ms(startup.median), reference: "", ratio: "", goal: "< 2 s", met: verdict(startup.median < 2000)))
        }
        out.append("| # | measurement | scheduler | engine directly / baseline | ratio | goal | met |")
        out.append("|---|---|---|---|---|---|---|")
        for row in rows {
            out.append("| \(row.number) | \(row.measurement) | \(row.scheduler) | \(row.reference) | \(row.ratio) | \(row.goal) | \(row.met) |")
        }
        if !results.failures.isEmpty {
            out.append("")
            out.append("Failed measurements:")
            for failure in results.failures { out.append("- \(failure.replacingOccurrences(of: "\n", with: " "))") }
        }
        out.append(contentsOf: details())
        return out.joined(separator: "\n")
    }

    private func details() -> [String] {
        var out: [String] = []
        if let life = results.lifecycle {
            out.append("")
            out.append("### 1. One job's life, step by step")
            out.append("")
            out.append("Medians, in ms after the client began (the POST was sent / `create` was called); the engine's own event times, on the same clock.")
            out.append("")
            func med(_ values: [Double?]) -> String { let v = values.compactMap { $0 }; return v.isEmpty ? "" : ms(Summary(v).median) }
            let s = life.schedulerTimeline, d = life.directTimeline
            let sched = life.scheduler, direct = life.direct
            out.append("| step | through the scheduler | directly |")
            out.append("|---|---|---|")
            out.append("| engine `create` event | \(med(s.map(\.create))) | \(med(d.map(\.create))) |")
            out.append("| POST answered / `create` returned | \(med(sched.map(\.post))) | \(med(direct.map(\.create))) |")
            out.append("| (direct: `wait` registered) | | \(med(direct.map { $0.create + $0.waitSetup })) |")
            out.append("| engine `start` event | \(med(s.map(\.start))) | \(med(d.map(\.start))) |")
            out.append("| first GET showing Running / `start` returned | \(med(sched.map(\.runningSeen))) | \(med(direct.map { $0.create + $0.waitSetup + $0.start })) |")
            out.append("| engine `die` event | \(med(s.map(\.die))) | \(med(d.map(\.die))) |")
            out.append("| `die` event reached the harness | \(med(s.map(\.dieArrival))) | \(med(d.map(\.dieArrival))) |")
            out.append("| GET shows Succeeded / `wait` returned | \(med(sched.map(\.total))) | \(med(direct.map { $0.total - $0.remove })) |")
            out.append("| `remove` returned | | \(med(direct.map(\.total))) |")
            let st = Summary(sched.map(\.total)), dt = Summary(direct.map(\.total))
            out.append("")
            out.append("Spread, ms: scheduler min \(fixed(st.min, 1)) / median \(fixed(st.median, 1)) / p90 \(fixed(st.p90, 1)) / max \(fixed(st.max, 1)); "
                + "directly min \(fixed(dt.min, 1)) / median \(fixed(dt.median, 1)) / p90 \(fixed(dt.p90, 1)) / max \(fixed(dt.max, 1)). "
                + "GET polled every \(settings.pollMicroseconds) µs on one kept-alive connection; \(settings.warmup) warm-up runs each way first; the two sides alternate.")
        }
        if let burst = results.burst {
            out.append("")
            out.append("### 2. Burst rounds")
            out.append("")
            out.append("| round | kind | seconds | jobs/s | last POST answered after |")
            out.append("|---|---|---|---|---|")
            var round = 0
            for (index, entry) in burst.rounds.enumerated() {
                if index % 3 == 0 { round += 1 }
                out.append("| \(round) | \(entry.kind) | \(fixed(entry.seconds)) | \(fixed(entry.jobsPerSecond, 1)) | \(entry.lastAnswer.map { fixed($0) + " s" } ?? "") |")
            }
            out.append("")
            out.append("Through the scheduler: \(burst.size) POSTs from \(burst.size) connections released together, then `GET /api/v1/jobs` every \(settings.burstPollMilliseconds) ms until all are Succeeded. "
                + "Directly: \(burst.size) concurrent lifecycles with the project's `DockerEngineClient`.")
        }
        if let delay = results.statusDelay {
            let a = Summary(delay.samples.map(\.afterArrival)), e = Summary(delay.samples.map(\.afterEngine)), v = Summary(delay.samples.map(\.eventDelivery))
            out.append("")
            out.append("### 3. Status delay")
            out.append("")
            out.append("| from | median | p90 | p99 | max |")
            out.append("|---|---|---|---|---|")
            out.append("| the `die` event reaching the harness, to GET showing Succeeded | \(ms(a.median)) | \(ms(a.p90)) | \(ms(a.p99)) | \(ms(a.max)) |")
            out.append("| the engine's time of the `die` event, to GET showing Succeeded | \(ms(e.median)) | \(ms(e.p90)) | \(ms(e.p99)) | \(ms(e.max)) |")
            out.append("| (the engine's time of the event, to its arrival in the harness) | \(ms(v.median)) | \(ms(v.p90)) | \(ms(v.p99)) | \(ms(v.max)) |")
            out.append("")
            out.append("\(a.count) jobs of `sleep 0.2`, one at a time; GET polled every \(delay.pollMicroseconds) µs by a thread of its own; the harness subscribes to the engine's events with the same client and filter as the scheduler.")
        }
        if let load = results.load {
            out.append("")
            let rounds = load.results.first?.roundsRequestsPerSecond?.count ?? 1
            out.append("### 4. wrk, \(load.threads) threads, \(load.connections) connections, \(load.seconds) s, after a 2 s warm-up"
                + (rounds > 1 ? "; \(rounds) rounds alternating the targets, medians" : ""))
            out.append("")
            out.append("| target | requests/s | p50 | p99 | max | errors |")
            out.append("|---|---|---|---|---|---|")
            for r in load.results {
                out.append("| \(r.target) | \(fixed(r.requestsPerSecond, 0)) | \(ms(r.p50)) | \(ms(r.p99)) | \(ms(r.max)) | \(r.errors ?? "none") |")
            }
            out.append("")
            out.append("The scheduler holds \(load.historyJobs) succeeded and \(load.runningJobs) running jobs (`--history-limit \(load.historyJobs)`). "
                + "The baseline (`Benchmarks/Sources/bench-baseline`) is a plain Hummingbird router answering the same bytes on the same paths."
                + (load.schedulerRSSAfter.map { " Resident size after the load: scheduler \(mib(kib: $0.rssKiB)) (peak \(mib(kib: $0.peakKiB)))" } ?? "")
                + (load.baselineRSSAfter.map { ", baseline \(mib(kib: $0.rssKiB)) (peak \(mib(kib: $0.peakKiB)))." } ?? "."))
        }
        if let memory = results.memory {
            out.append("")
            out.append("### 5. Memory")
            out.append("")
            out.append("| state | VmRSS | of which file-backed | of which anonymous | PSS | private | VmHWM (peak) |")
            out.append("|---|---|---|---|---|---|---|")
            func row(_ label: String, _ size: ResidentSize) -> String {
                "| \(label) | \(mib(kib: size.rssKiB)) | \(mib(kib: size.fileKiB)) | \(mib(kib: size.anonKiB)) | \(mib(kib: size.pssKiB)) | \(mib(kib: size.privateKiB)) | \(mib(kib: size.peakKiB)) |"
            }
            out.append(row("idle, 3 s after start-up, no jobs", memory.idle))
            out.append(row("\(memory.runningJobs) running jobs, submitted through the API", memory.running))
            if let restart = memory.afterRestartWithRunning {
                out.append(row("0.5 s after a fresh start that reconciled the \(memory.runningJobs) running jobs", restart))
            }
            out.append("")
            out.append("File-backed pages are the executable's and the shared libraries' code and data that the process touched; PSS shares them out among the processes that map them.")
        }
        if let startup = results.startup {
            let w = Summary(startup.withJobs), e = Summary(startup.empty)
            out.append("")
            out.append("### 6. Start-up")
            out.append("")
            out.append("| existing job containers | runs | min | median | max |")
            out.append("|---|---|---|---|---|")
            out.append("| 0 | \(e.count) | \(ms(e.min)) | \(ms(e.median)) | \(ms(e.max)) |")
            out.append("| \(startup.jobs) (running) | \(w.count) | \(ms(w.min)) | \(ms(w.median)) | \(ms(w.max)) |")
            out.append("")
            out.append("From just before the exec of `job-scheduler serve` to the first `GET /api/v1/jobs` answered 200 (polled every 1 ms); the scheduler reconciles before it listens, so that answer lists every job.")
        }
        return out
    }
}
