import Foundation

/// Every run of the job definition ever made, counted by how it ended (Metronome's history summary):
/// runs removed from the history (or deleted) stay counted.
public struct RunSummary: Sendable, Equatable, Codable {
    public var successCount = 0
    public var failureCount = 0
    /// Runs stopped, or deleted before they ended.
    public var stoppedCount = 0
    /// When the latest succeeded run ended, and the latest failed one.
    public var lastSuccessAt: Date?
    public var lastFailureAt: Date?

    public init(successCount: Int = 0, failureCount: Int = 0, stoppedCount: Int = 0, lastSuccessAt: Date? = nil, lastFailureAt: Date? = nil) {
        self.successCount = successCount
        self.failureCount = failureCount
        self.stoppedCount = stoppedCount
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
    }

    /// The summary with one more run counted.
    public mutating func count(_ run: RunOutcome) {
        switch run.result {
        case .succeeded:
            successCount += 1
            if let ended = run.ended, lastSuccessAt.map({ ended > $0 }) ?? true { lastSuccessAt = ended }
        case .failed:
            failureCount += 1
            if let ended = run.ended, lastFailureAt.map({ ended > $0 }) ?? true { lastFailureAt = ended }
        case .stopped:
            stoppedCount += 1
        }
    }
}

/// How one run ended, as counted in the `RunSummary`.
public struct RunOutcome: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable { case succeeded, failed, stopped }

    public var name: String
    public var result: Result
    public var ended: Date?

    public init(name: String, result: Result, ended: Date?) {
        self.name = name
        self.result = result
        self.ended = ended
    }

    /// A job's outcome as its status shows it; one that has not ended is being deleted: stopped.
    public init(of status: JobStatus) {
        let result: Result = switch status.state {
        case .succeeded: .succeeded
        case .failed: .failed
        default: .stopped
        }
        self.init(name: status.name, result: result, ended: status.ended)
    }
}
