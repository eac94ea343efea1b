import ArgumentParser
import Foundation
import JobSchedulerClient

/// `job-scheduler batches ...`: batches of a running scheduler, from the terminal.
struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches",
        abstract: "Start, watch, stop and delete batches of jobs of a running scheduler.",
        subcommands: [List.self, Show.self, Run.self, Stop.self, Restart.self, Delete.self]
    )
}

extension BatchesCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the scheduler's batches, newest first.")
        @OptionGroup var options: SchedulerClientOptions

        func run() async throws {
            let batches = try await options.call { try await $0.getBatches().ok.body.json }
            let output = StandardOutput()
            if options.json { output.out(JobsOutput.json(batches)) } else { BatchesOutput.table(batches).forEach(output.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a batch's status and its jobs'.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The batch's name.") var name: String

        func run() async throws {
            let batch = try await options.call { try await $0.getBatch(path: .init(batchName: name)).ok.body.json }
            let output = StandardOutput()
            if options.json { output.out(JobsOutput.json(batch)) } else { BatchesOutput.details(batch).forEach(output.out) }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a batch; with --wait, follow it until every job ends and exit 0 only if all succeeded.",
            discussion: """
                --file reads a JSON batch description ({"jobScheduleDescriptions": [...], ...}) or a JSON array of job
                descriptions; --payloads reads one payload per line (empty lines skipped). '-' reads standard input.
                """)
        @OptionGroup var options: SchedulerClientOptions
        @Option(help: "A JSON file of the batch's description, or of its jobs' descriptions.") var file: String?
        @Option(help: "A file with one payload per line: one job each.") var payloads: String?
        @Option(help: "Your own ID for the batch.") var batchId: String?
        @Flag(help: "Wait until every job ends, showing progress; exit 0 only if all succeeded.") var wait = false
        @Option(help: "With --wait, give up after this many seconds (exit 3).") var timeout: Double?

        func validate() throws {
            if (file == nil) == (payloads == nil) { throw ValidationError("Give --file or --payloads.") }
        }

        func run() async throws {
            var description = try readDescription()
            if let batchId { description.batchId = batchId }
            let output = StandardOutput()
            try await options.call { client in
                let created = try await client.createBatch(body: .json(description)).ok.body.json
                guard wait else {
                    output.out(options.json ? JobsOutput.json(created) : created.name)
                    return
                }
                output.err("\(created.name): \(created.jobStatuses?.count ?? 0) jobs, \(created.status.rawValue)")
                let final = try await follow(created.name, client: client, output: output)
                if options.json { output.out(JobsOutput.json(final)) }
                guard final.jobStatuses?.allSatisfy({ $0.status == .succeeded }) == true else { throw ExitCode(1) }
            }
        }

        private func readDescription() throws -> Components.Schemas.BatchScheduleDescription {
            if let payloads {
                let lines = String(decoding: try Self.read(payloads), as: UTF8.self).split(whereSeparator: \.isNewline)
                return .init(jobScheduleDescriptions: lines.map { .init(payload: String($0)) })
            }
            let data = try Self.read(file!)
            let decoder = JSONDecoder()
            if let batch = try? decoder.decode(Components.Schemas.BatchScheduleDescription.self, from: data) { return batch }
            do {
                return .init(jobScheduleDescriptions: try decoder.decode([Components.Schemas.JobScheduleDescription].self, from: data))
            } catch {
                throw ValidationError("\(file!) is neither a batch description nor a list of job descriptions: \(error)")
            }
        }

        private static func read(_ path: String) throws -> Data {
            path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        }

        /// Polls the batch, printing each change of how many jobs are in which state.
        private func follow(_ name: String, client: Client, output: StandardOutput) async throws -> Components.Schemas.BatchStatus {
            let deadline = timeout.map { Date().addingTimeInterval($0) }
            var last = ""
            while true {
                let batch = try await client.getBatch(path: .init(batchName: name)).ok.body.json
                let summary = BatchesOutput.counts(batch)
                if summary != last {
                    last = summary
                    output.err("\(name): \(batch.status.rawValue) (\(summary))")
                }
                let ended: Set<Components.Schemas.JobStatus.StatusPayload> = [.succeeded, .failed, .stopped]
                if batch.jobStatuses?.allSatisfy({ ended.contains($0.status) }) ?? true { return batch }
                if let deadline, Date() > deadline {
                    output.err("\(name): still \(batch.status.rawValue) after \(timeout!) seconds; giving up (the batch goes on)")
                    throw ExitCode(3)
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a batch (or one of its jobs with --job), or every batch with --all.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The batch's name.") var name: String?
        @Option(help: "Only this job of the batch (its full name or the last 8 characters).") var job: String?
        @Flag(help: "Stop every batch that has not ended.") var all = false

        func validate() throws {
            if (name == nil) == !all { throw ValidationError("Give a batch name or --all.") }
            if all && job != nil { throw ValidationError("--job needs a batch name, not --all.") }
        }

        func run() async throws {
            let status = try await options.call { client in
                switch (name, job) {
                case (let name?, let job?): try await client.stopBatchJob(path: .init(batchName: name, jobName: job)).ok.body.json
                case (let name?, nil): try await client.stopBatch(path: .init(batchName: name)).ok.body.json
                case (nil, _): try await client.stopAllBatches().ok.body.json
                }
            }
            StandardOutput().out(options.json ? JobsOutput.json(status) : status.message ?? "stopping")
        }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every job of a batch again (its stop taken back); prints its state.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The batch's name.") var name: String

        func run() async throws {
            let batch = try await options.call { try await $0.restartBatch(path: .init(batchName: name)).ok.body.json }
            StandardOutput().out(options.json ? JobsOutput.json(batch) : "\(batch.name) \(batch.status)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a batch: kill its running jobs, remove all of it.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The batch's name.") var name: String

        func run() async throws {
            let status = try await options.call { try await $0.deleteBatch(path: .init(batchName: name)).ok.body.json }
            StandardOutput().out(options.json ? JobsOutput.json(status) : status.message ?? "deleted")
        }
    }
}

/// How `batches` commands show batches.
enum BatchesOutput {
    /// How many jobs are in each state: `2 Succeeded, 1 Running`.
    static func counts(_ batch: Components.Schemas.BatchStatus) -> String {
        var counts: [String: Int] = [:]
        for job in batch.jobStatuses ?? [] { counts[job.status.rawValue, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    static func table(_ batches: [Components.Schemas.BatchStatus]) -> [String] {
        let header = ["NAME", "STATUS", "CREATED", "JOBS", "BATCH ID"]
        let rows = batches.map { batch in
            [batch.name, batch.status.rawValue, JobsOutput.time(batch.created), counts(batch), batch.batchId ?? "-"]
        }
        return JobsOutput.align([header] + rows)
    }

    static func details(_ batch: Components.Schemas.BatchStatus) -> [String] {
        JobsOutput.align([
            ["Name:", batch.name], ["Batch ID:", batch.batchId ?? "-"], ["Status:", batch.status.rawValue],
            ["Message:", batch.message ?? "-"], ["Created:", JobsOutput.time(batch.created)], ["Started:", JobsOutput.time(batch.started)],
            ["Ended:", JobsOutput.time(batch.ended)], ["Jobs:", counts(batch)],
        ]) + [""] + JobsOutput.table(batch.jobStatuses ?? [])
    }
}
