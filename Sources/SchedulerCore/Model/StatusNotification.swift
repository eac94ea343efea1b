import Foundation

/// A change of a single job or a batch that a webhook tells its receiver about: Radix's batch events.
/// Notifications of one `key` are decided in order and must be told in that order.
public struct StatusNotification: Sendable, Equatable {
    public enum Event: String, Sendable, Equatable {
        /// A new job or batch; also sent again, with an `update`, for each one found on a restart.
        case create = "Create"
        /// Its state, message, failures, start or end changed.
        case update = "Update"
        /// It was deleted, or dropped from the history.
        case delete = "Delete"
    }

    public enum Subject: Sendable, Equatable {
        case job(JobStatus)
        /// A batch; `jobStatuses` holds the jobs to tell about: all of them, or in an `update` the changed ones.
        case batch(BatchStatus)
    }

    public var event: Event
    public var subject: Subject

    public init(event: Event, subject: Subject) {
        self.event = event
        self.subject = subject
    }

    /// The single job's or the batch's name.
    public var key: String {
        switch subject {
        case .job(let status): status.name
        case .batch(let status): status.name
        }
    }
}
