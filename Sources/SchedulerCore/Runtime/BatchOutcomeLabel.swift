import Foundation

/// What the engine says of a job that has ended for good: every fact of a `JobObservation` that is
/// not in the job's labels or records. Kept for an ended batch's jobs so that a reconcile reads them
/// from one listing instead of inspecting thousands of containers one by one.
struct FinalJobFacts: Sendable, Equatable, Codable {
    var image: String
    var imageID: String
    var created: Date?
    var startedAt: Date?
    var finishedAt: Date?
    var runState: JobObservation.RunState
    var exitCode: Int
    var oomKilled: Bool
    var engineError: String
    var restartCount: Int
    var submissionComplete: Bool

    init(image: String, imageID: String, created: Date?, startedAt: Date?, finishedAt: Date?, runState: JobObservation.RunState,
         exitCode: Int, oomKilled: Bool, engineError: String, restartCount: Int, submissionComplete: Bool) {
        self.image = image
        self.imageID = imageID
        self.created = created
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runState = runState
        self.exitCode = exitCode
        self.oomKilled = oomKilled
        self.engineError = engineError
        self.restartCount = restartCount
        self.submissionComplete = submissionComplete
    }

    init(of job: JobObservation) {
        self.init(image: job.image, imageID: job.imageID, created: job.created, startedAt: job.startedAt, finishedAt: job.finishedAt,
                  runState: job.runState, exitCode: job.exitCode, oomKilled: job.oomKilled, engineError: job.engineError,
                  restartCount: job.restartCount, submissionComplete: job.submissionComplete)
    }

    /// Whether a container the engine lists in `state` can still be as these facts say: one started
    /// again by hand since is not, and is inspected instead.
    func stillHold(forListed state: JobObservation.RunState?) -> Bool { state == runState }
}

extension JobObservation.RunState: Codable {}

/// An ended batch's outcome as one label value: its jobs' final facts by job name, as JSON with times
/// as a `Date` holds them (seconds since 2001, a Double's shortest exact form): read back to the bit.
enum BatchOutcomeLabel {
    static func encode(_ facts: [String: FinalJobFacts]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(facts), as: UTF8.self)
    }

    /// nil for a value that is no such outcome (a label set by hand, or by a later version).
    static func decode(_ text: String) -> [String: FinalJobFacts]? {
        try? JSONDecoder().decode([String: FinalJobFacts].self, from: Data(text.utf8))
    }
}

/// A batch's outcome cannot be recorded: one of its jobs is gone or runs (again).
struct BatchOutcomeUnavailable: Error, CustomStringConvertible {
    var batch: String
    var job: String
    /// nil when the job is gone.
    var state: JobObservation.RunState?

    var description: String {
        "the outcome of batch \(batch) cannot be recorded: its job \(job) " + (state.map { "is \($0.rawValue)" } ?? "is gone")
    }
}
