/// The labels a job's container carries. They hold everything the scheduler needs to rebuild a job's
/// status after a restart: the engine is the database.
enum JobLabels {
    static let application = "radix-app"
    static let jobComponent = "radix-job"
    static let jobName = "radix-job-name"
    static let jobId = "radix-job-id"
    static let environment = "radix-env"
    static let timeLimitSeconds = "radix-time-limit-seconds"
    static let backoffLimit = "radix-backoff-limit"
    static let payloadPath = "radix-payload-path"
    static let payloadBytes = "radix-payload-bytes"
    /// On the volume that records a stop request.
    static let stopRequest = "radix-stop-request"

    static func filters(for selector: JobSelector) -> [String] {
        ["\(application)=\(selector.applicationName)", "\(jobComponent)=\(selector.jobComponent)"]
    }

    static func labels(for launch: JobLaunch) -> [String: String] {
        var labels = [
            application: launch.selector.applicationName,
            jobComponent: launch.selector.jobComponent,
            jobName: launch.name,
            timeLimitSeconds: String(launch.timeLimitSeconds),
            backoffLimit: String(launch.backoffLimit),
        ]
        labels[jobId] = launch.jobId
        labels[environment] = launch.environmentName
        if let payload = launch.payload {
            labels[payloadPath] = payload.directory
            labels[payloadBytes] = String(payload.bytes.count)
        }
        return labels
    }

    /// The name of the volume that records a stop request for a job.
    static func stopRecordName(for job: String) -> String { job + "-stop-requested" }
}
