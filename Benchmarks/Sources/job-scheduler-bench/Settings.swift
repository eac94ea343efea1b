import Foundation

/// What one benchmark run uses; set from the command line.
struct BenchSettings: Sendable {
    var schedulerBinary: String
    var baselineBinary: String
    var image: String
    var network: String?
    var runID: String
    var workFolder: URL
    var schedulerLogLevel: String
    /// The job's command, in every measurement of a job's life: the image's `true`.
    var jobCommand: [String]
    var runs: Int
    var warmup: Int
    var burst: Int
    var burstRounds: Int
    var burstPollMilliseconds: Int
    var delayRuns: Int
    var pollMicroseconds: Int
    var delayPollMicroseconds: Int
    var historyJobs: Int
    var runningJobs: Int
    var memoryJobs: Int
    var startupRuns: Int
    var wrkSeconds: Int
    var wrkRounds: Int
    var wrkConnections: Int
    var wrkThreads: Int
    var quietWaitSeconds: Int
    /// Jobs in the batch of measurement 7, and in each batch of measurement 8's history.
    var batchSize: Int = 500
    /// Batches in measurement 8's history.
    var historyBatches: Int = 10
    /// Direct lifecycles at once in measurement 7.
    var batchDirectConcurrency: Int = 8
    var measurements: Set<Int>

    var jobCommandYAML: String {
        "[" + jobCommand.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    /// A long job for the load, memory and start-up measurements.
    static let longCommand = ["sleep", "3600"]

    func application(_ purpose: String) -> String { "jsb-\(runID)-\(purpose)" }
}
