import Foundation
import SchedulerCore

/// A status notification as Radix's webhook body: the batch's status as `GET /batches/{name}` sends it
/// (a single job as a batch of type `job` holding that job), with the `event` and `updated` = the time
/// of the event; `jobStatuses` left out when there are none to tell.
public enum RadixBatchEvent {
    /// The body's bytes; `updated` nil leaves the time out (the same bytes for the same change, whenever it is encoded).
    public static func encode(_ notification: StatusNotification, updated: Date?) throws -> Data {
        var status: RadixBatchStatus
        switch notification.subject {
        case .batch(let batch):
            status = RadixBatchStatus(batch)
        case .job(let job):
            status = RadixBatchStatus(name: job.name, batchId: "", created: job.created, started: job.started, ended: job.ended,
                                      status: job.state.rawValue, message: job.message, failed: Int32(clamping: job.failed),
                                      jobStatuses: [RadixJobStatus(job)], batchType: "job")
        }
        status.updated = updated
        if status.jobStatuses?.isEmpty == true { status.jobStatuses = nil }
        return try APIJSON.encoder().encode(StatusWithEvent(status: status, event: notification.event.rawValue))
    }
}
