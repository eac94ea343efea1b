import Foundation
import SchedulerCore
import OpenAPIRuntime
import Prometheus

/// The operations of swagger.json that the generator builds the server of (the `Job` and `Monitoring`
/// tags), implemented on one job's scheduler. Errors are answered in one place (`answering`, through
/// each operation's documented responses, `DocumentedFailures`); an error an operation does not
/// document is thrown, and `RadixStatusMiddleware` still answers it with a Status body of the right code.
struct JobsAPI: APIProtocol {  // the Batch operations: BatchesAPI.swift
    let scheduler: JobScheduler
    let health: EngineHealth
    let metrics: PrometheusCollectorRegistry

    /// swagger.json's maximum for `timeLimitSeconds` (about 68 years).
    static let maximumTimeLimitSeconds: Int64 = 2_147_483_647

    func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        try await .answering {
            let status = try await scheduler.submit(try request(from: input.body),
                                                    idempotencyKey: try Self.idempotencyKey(input.headers.idempotencyKey))
            return .ok(.init(body: .json(RadixJobStatus(status))))
        }
    }

    /// An `Idempotency-Key` header's key; a value that cannot be one is refused (400).
    static func idempotencyKey(_ header: String?) throws(SchedulerError) -> String? {
        guard let header else { return nil }
        guard let key = SubmissionKey.headerValue(header) else {
            throw .badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters (bare or as a quoted string)")
        }
        return key
    }

    /// The core's request for a `POST /api/v1/jobs` body, refusing what the scheduler cannot take.
    private func request(from body: Operations.CreateJob.Input.Body?) throws -> JobRequest {
        guard case .json(let description) = body else { return JobRequest() }
        try refuseUnsupported(RequestFields(description))
        return JobRequest(description)
    }

    /// The fields of a job request (or a batch's defaults) that only some values of are honoured.
    struct RequestFields {
        var image: String?
        var timeLimitSeconds: Int64?
        /// Where the fields are, for the messages (`jobScheduleDescriptions[2].`).
        var path = ""

        init(_ description: Components.Schemas.JobScheduleDescription, path: String = "") {
            image = description.image
            timeLimitSeconds = description.timeLimitSeconds
            self.path = path
        }

        init(_ config: Components.Schemas.RadixJobComponentConfig, path: String) {
            image = config.image
            timeLimitSeconds = config.timeLimitSeconds
            self.path = path
        }
    }

    /// Refuses what a request asks for that this scheduler cannot honour, so that no job runs otherwise than asked.
    func refuseUnsupported(_ fields: RequestFields) throws {
        if let image = fields.image {
            // Radix's scheduler has no such field; a client sending one expects an image we would not run.
            let job = scheduler.configuration.job
            let configured = (job.imageTemplate ?? job.image).map { "its configured image \($0)" } ?? "the image configured in radixconfig.yaml"
            let given = image.count > 100 ? image.prefix(100) + "…" : Substring(image)
            let message = "\(fields.path)image cannot be chosen in a job request (got \"\(given)\"): job \(job.name) always runs \(configured)"
                + " (imageTagName picks the tag of an image configured with an {imageTagName} placeholder)"
            throw APIFailure(status: .badRequest, message: message)
        }
        // (`node` and `runtime`, GPUs and the node, are the scheduler's to judge: only a swarm chooses nodes.
        // `safeToRestart` only permits what this scheduler never does, so it is honoured as it is.)
        if let limit = fields.timeLimitSeconds, limit > Self.maximumTimeLimitSeconds {
            // The contract's maximum: a deadline further away than that is no deadline, and the
            // scheduler's timer cannot hold it.
            let message = "invalid job request: \(fields.path)timeLimitSeconds: must be at most \(Self.maximumTimeLimitSeconds), got \(limit)"
            throw APIFailure(status: .unprocessableContent, reason: "Invalid", message: message)
        }
    }

    func getJobs(_ input: Operations.GetJobs.Input) async throws -> Operations.GetJobs.Output {
        .ok(.init(body: .json(scheduler.jobs().map(RadixJobStatus.init))))
    }

    func getJob(_ input: Operations.GetJob.Input) async throws -> Operations.GetJob.Output {
        try await .answering {
            .ok(.init(body: .json(RadixJobStatus(try scheduler.job(named: input.path.jobName)))))
        }
    }

    func deleteJob(_ input: Operations.DeleteJob.Input) async throws -> Operations.DeleteJob.Output {
        let name = input.path.jobName
        return try await .answering {
            try await scheduler.delete(named: name)
            return .ok(.init(body: .json(StatusBody.success("job \(name) successfully deleted"))))
        }
    }

    func stopJob(_ input: Operations.StopJob.Input) async throws -> Operations.StopJob.Output {
        let name = input.path.jobName
        return try await .answering {
            let status = try await scheduler.stop(named: name)
            let message = status.state == .stopped ? "job \(name) successfully stopped" : "job \(name) is stopping"
            return .ok(.init(body: .json(StatusBody.success(message))))
        }
    }

    func restartJob(_ input: Operations.RestartJob.Input) async throws -> Operations.RestartJob.Output {
        try await .answering {
            .ok(.init(body: .json(RadixJobStatus(try await scheduler.restart(named: input.path.jobName)))))
        }
    }

    func stopAllJobs(_ input: Operations.StopAllJobs.Input) async throws -> Operations.StopAllJobs.Output {
        try await .answering {
            let stopped = try await scheduler.stopAll()
            let message = stopped.isEmpty
                ? "no job is waiting or running, nothing to stop"
                : "stopping \(stopped.count) job\(stopped.count == 1 ? "" : "s"): " + stopped.map(\.name).joined(separator: ", ")
            return .ok(.init(body: .json(StatusBody.success(message))))
        }
    }

    func getJobLogs(_ input: Operations.GetJobLogs.Input) async throws -> Operations.GetJobLogs.Output {
        try await .answering {
            let output = try await logReader(for: input).open()
            return .ok(.init(body: .plainText(HTTPBody(output, length: .unknown, iterationBehavior: .single))))
        }
    }

    /// The reader of the logs a `GET /api/v1/jobs/{jobName}/logs` asks for, refusing options out of range.
    private func logReader(for input: Operations.GetJobLogs.Input) throws -> JobLogReader {
        let query = input.query
        var problems: [String] = []
        if let tail = query.tail, tail < 0 { problems.append("tail: must be 0 or more, got \(tail)") }
        var since: Date?
        if let text = query.since {
            since = LogSince.parse(text)
            if since == nil { problems.append("since: not an RFC 3339 date-time or Unix seconds: \(text)") }
        }
        if !problems.isEmpty {
            throw APIFailure(status: .badRequest, message: problems.joined(separator: "; "))
        }
        let streams: Set<JobLogChunk.Stream> = switch query.stream ?? .all {
        case .all: [.stdout, .stderr]
        case .stdout: [.stdout]
        case .stderr: [.stderr]
        }
        return JobLogReader(
            scheduler: scheduler,
            name: input.path.jobName,
            options: JobLogOptions(tail: query.tail.map { Int(clamping: $0) }, since: since,
                                   timestamps: query.timestamps ?? false, follow: query.follow ?? false),
            streams: streams
        )
    }

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        try await .answering {
            let problems = await health.problems()
            guard problems.isEmpty else {
                throw APIFailure(status: .serviceUnavailable, message: problems.joined(separator: "; "))
            }
            return .ok(.init(body: .json(StatusBody.success("the scheduler reaches its Docker engine"))))
        }
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(metrics.emitToBuffer()))))
    }
}
