import ArgumentParser
import Foundation
import JobSchedulerClient

extension JobsCommand {
    /// Starts a job and, with --wait, follows it to its end: the Chronos job-caller, built in.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a job; with --wait, follow it until it ends and exit 0 only if it succeeded.")
        @OptionGroup var options: SchedulerClientOptions
        @Option(help: "The payload, read from this file ('-' for standard input).") var payloadFile: String?
        @Option(help: "The payload, given inline.") var payload: String?
        @Option(help: "Your own ID for the job.") var jobId: String?
        @Option(name: .customLong("env"), help: "A variable for the job, NAME=value (repeatable).") var variables: [String] = []
        @Option(help: "Time limit in seconds, instead of the configured one.") var timeLimit: Int64?
        @Option(help: "Retries after a failure, instead of the configured number.") var backoffLimit: Int32?
        @Option(help: "Fills the image's {imageTagName}.") var imageTag: String?
        @Flag(help: "Wait until the job ends, showing its progress; exit 0 only if it succeeded.") var wait = false
        @Flag(help: "With --wait, print the job's output as it runs.") var logs = false
        @Option(help: "With --wait, give up after this many seconds (exit 3).") var timeout: Double?

        func validate() throws {
            if payload != nil && payloadFile != nil { throw ValidationError("Give --payload or --payload-file, not both.") }
            if logs && !wait { throw ValidationError("--logs needs --wait.") }
            for variable in variables where !variable.contains("=") { throw ValidationError("--env takes NAME=value, got \(variable)") }
        }

        func run() async throws {
            let description = Components.Schemas.JobScheduleDescription(
                payload: try readPayload(), jobId: jobId,
                variables: variables.isEmpty ? nil : .init(additionalProperties: Dictionary(variables.map(Self.split)) { _, last in last }),
                timeLimitSeconds: timeLimit, backoffLimit: backoffLimit, imageTagName: imageTag)
            let output = StandardOutput()
            try await options.call { client in
                let created = try await client.createJob(body: .json(description)).ok.body.json
                guard wait else {
                    output.out(options.json ? JobsOutput.json(created) : created.name)
                    return
                }
                output.err("\(created.name): \(created.status.rawValue)")
                let final = try await follow(created.name, client: client, output: output)
                if options.json { output.out(JobsOutput.json(final)) }
                guard final.status == .succeeded else { throw ExitCode(1) }
            }
        }

        private static func split(_ variable: String) -> (String, String) {
            let parts = variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }

        private func readPayload() throws -> String? {
            if let payload { return payload }
            guard let payloadFile else { return nil }
            let data = payloadFile == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: payloadFile))
            guard let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("the payload must be text (UTF-8); encode binary data, e.g. with base64")
            }
            return text
        }

        /// Polls the job's status, printing each change to stderr (and its output to stdout with --logs,
        /// copied beside the polling in a child task).
        private func follow(_ name: String, client: Client, output: StandardOutput) async throws -> Components.Schemas.JobStatus {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if logs {
                    group.addTask {
                        let query = Operations.GetJobLogs.Input.Query(follow: true)
                        try await JobsOutput.copy(try await client.getJobLogs(path: .init(jobName: name), query: query).ok.body.plainText)
                    }
                }
                let deadline = timeout.map { Date().addingTimeInterval($0) }
                var last: Components.Schemas.JobStatus.StatusPayload = .waiting
                while true {
                    let job = try await client.getJob(path: .init(jobName: name)).ok.body.json
                    if job.status != last {
                        last = job.status
                        let detail = [job.message, job.status == .running ? nil : "after \(JobsOutput.duration(job))"].compactMap { $0 }
                        output.err("\(name): \(job.status.rawValue)" + (detail.isEmpty ? "" : " (\(detail.joined(separator: ", ")))"))
                    }
                    if [.succeeded, .failed, .stopped].contains(job.status) {
                        _ = try? await group.waitForAll()  // the followed output ends with the job
                        return job
                    }
                    if let deadline, Date() > deadline {
                        group.cancelAll()
                        output.err("\(name): still \(job.status.rawValue) after \(timeout!) seconds; giving up (the job goes on)")
                        throw ExitCode(3)
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
        }
    }
}
