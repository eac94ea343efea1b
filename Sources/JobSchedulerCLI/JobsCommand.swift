import ArgumentParser
import Foundation
import JobSchedulerClient

/// `job-scheduler jobs ...`: a terminal client of a running scheduler, for people and scripts.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Start, watch, stop and delete jobs of a running scheduler.",
        subcommands: [List.self, Show.self, Run.self, Stop.self, Restart.self, Delete.self, Logs.self]
    )
}

/// Where the scheduler is and how to print: shared by every `jobs` subcommand.
struct SchedulerClientOptions: ParsableArguments {
    @Option(help: "The scheduler's URL, e.g. http://compute:8000 (default: $JOB_SCHEDULER_URL, else http://localhost:8000).")
    var url: String?

    @Option(name: .customLong("token-file"),
            help: "File with the scheduler's bearer token, for one started with --token-file (default: $JOB_SCHEDULER_TOKEN_FILE).")
    var tokenFile: String?

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    var resolvedURL: String {
        url ?? ProcessInfo.processInfo.environment["JOB_SCHEDULER_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://localhost:8000"
    }

    /// The token to send, read from the file; nil when none is named.
    func token() throws -> String? {
        guard let path = tokenFile ?? ProcessInfo.processInfo.environment["JOB_SCHEDULER_TOKEN_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return nil
        }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            StandardOutput().err("error: --token-file \(path): cannot read it (\(error.localizedDescription))")
            throw ExitCode(2)
        }
    }

    /// Runs a request, turning a refusal or an unreachable scheduler into a one-line error and exit 1.
    func call<T>(_ body: (Client) async throws -> T) async throws -> T {
        do {
            return try await SchedulerConnection.with(url: resolvedURL, token: try token(), body)
        } catch let refusal as SchedulerRefusal {
            StandardOutput().err("error: \(refusal)")
            throw ExitCode(1)
        } catch let invalid as InvalidSchedulerURL {
            StandardOutput().err("error: \(invalid)")
            throw ExitCode(2)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            StandardOutput().err("error: \(ConnectionFailure.line(error, url: resolvedURL))")
            throw ExitCode(1)
        }
    }
}

extension JobsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the scheduler's jobs, newest first.")
        @OptionGroup var options: SchedulerClientOptions

        func run() async throws {
            let jobs = try await options.call { try await $0.getJobs().ok.body.json }
            let output = StandardOutput()
            if options.json { output.out(JobsOutput.json(jobs)) } else { JobsOutput.table(jobs).forEach(output.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job's status.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The job's name.") var name: String

        func run() async throws {
            let job = try await options.call { try await $0.getJob(path: .init(jobName: name)).ok.body.json }
            let output = StandardOutput()
            if options.json { output.out(JobsOutput.json(job)) } else { JobsOutput.details(job).forEach(output.out) }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a job (SIGTERM, then SIGKILL after the grace period), or all with --all.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The job's name.") var name: String?
        @Flag(help: "Stop every job that has not ended.") var all = false

        func validate() throws {
            if (name == nil) == !all { throw ValidationError("Give a job name or --all.") }
        }

        func run() async throws {
            let status = try await options.call { client in
                if let name { try await client.stopJob(path: .init(jobName: name)).ok.body.json } else { try await client.stopAllJobs().ok.body.json }
            }
            StandardOutput().out(options.json ? JobsOutput.json(status) : status.message ?? "stopping")
        }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a job again under its name, with its payload and settings (a running one is killed first); prints its state.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The job's name.") var name: String

        func run() async throws {
            let job = try await options.call { try await $0.restartJob(path: .init(jobName: name)).ok.body.json }
            StandardOutput().out(options.json ? JobsOutput.json(job) : "\(job.name) \(job.status.rawValue)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a job: kill it if it runs, remove its container and payload.")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The job's name.") var name: String

        func run() async throws {
            let status = try await options.call { try await $0.deleteJob(path: .init(jobName: name)).ok.body.json }
            StandardOutput().out(options.json ? JobsOutput.json(status) : status.message ?? "deleted")
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a job's output (stdout and stderr).")
        @OptionGroup var options: SchedulerClientOptions
        @Argument(help: "The job's name.") var name: String
        @Flag(name: .shortAndLong, help: "Keep printing new output until the job ends.") var follow = false
        @Option(help: "Only the last N lines.") var tail: Int64?
        @Option(help: "Only output since this time (RFC 3339, or Unix seconds).") var since: String?
        @Flag(help: "Prefix each line with its time.") var timestamps = false
        @Option(help: "stdout, stderr or all.") var stream: String = "all"

        func run() async throws {
            guard let selected = Operations.GetJobLogs.Input.Query.StreamPayload(rawValue: stream) else {
                throw ValidationError("--stream must be stdout, stderr or all")
            }
            let query = Operations.GetJobLogs.Input.Query(follow: follow, tail: tail, since: since, timestamps: timestamps, stream: selected)
            try await options.call { client in
                try await JobsOutput.copy(try await client.getJobLogs(path: .init(jobName: name), query: query).ok.body.plainText)
            }
        }
    }
}

extension JobsOutput {
    /// Writes a streamed body to stdout as it arrives.
    static func copy(_ body: HTTPBody) async throws {
        for try await chunk in body { FileHandle.standardOutput.write(Data(chunk)) }
    }
}
