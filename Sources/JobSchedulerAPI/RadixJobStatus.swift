import Foundation
import SchedulerCore

/// A job's status as the API sends it: swagger.json's `JobStatus`, which the generator maps to this type
/// (`typeOverrides` in openapi-generator-config.yaml).
///
/// Written by hand rather than generated for one reason: the properties the contract marks `nullable`
/// go out as an explicit `null` when they have no value (a timestamp not known yet), as Radix sends
/// them and its clients read them (`"ended": null`), where a generated type leaves them out. The other
/// optional properties are left out when absent, as the generated code does. So each answer is
/// encoded once, in its final form, by the generated server and by `JobStatusEncoding` alike.
struct RadixJobStatus: Codable, Hashable, Sendable {
    var name: String
    var jobId: String?
    var batchName: String?
    var batchId: String?
    var schedule: String?
    var scheduledAt: Date?
    var created: Date?
    var started: Date?
    var ended: Date?
    var updated: Date?
    var status: SchedulerCore.JobState
    var message: String?
    var failed: Int32?
    var restart: String?
    var podStatuses: [RadixPodStatus]?

    enum CodingKeys: String, CodingKey {
        case name, jobId, batchName, batchId, schedule, scheduledAt, created, started, ended, updated, status, message, failed, restart, podStatuses
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(jobId, forKey: .jobId)
        try container.encodeIfPresent(batchName, forKey: .batchName)
        try container.encodeIfPresent(batchId, forKey: .batchId)
        try container.encodeIfPresent(schedule, forKey: .schedule)
        try container.encodeIfPresent(scheduledAt, forKey: .scheduledAt)
        try container.encodeOrNull(created, forKey: .created)
        try container.encodeOrNull(started, forKey: .started)
        try container.encodeOrNull(ended, forKey: .ended)
        try container.encodeOrNull(updated, forKey: .updated)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(failed, forKey: .failed)
        try container.encodeIfPresent(restart, forKey: .restart)
        try container.encodeIfPresent(podStatuses, forKey: .podStatuses)
    }
}

/// One of a job's containers as the API sends it: swagger.json's `PodStatus`. Unlike a job's, its
/// timestamps are left out while unknown, as Radix leaves them out (a `null` there is refused by
/// clients that check answers against Radix's own document).
struct RadixPodStatus: Codable, Hashable, Sendable {
    var name: String
    var created: Date?
    var startTime: Date?
    var endTime: Date?
    var containerStarted: Date?
    var replicaStatus: Components.Schemas.ReplicaStatus
    var statusMessage: String?
    var restartCount: Int32?
    var image: String?
    var imageId: String?
    var podIndex: Int64?
    var exitCode: Int32?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case name, created, startTime, endTime, containerStarted, replicaStatus, statusMessage, restartCount, image, imageId,
             podIndex, exitCode, reason
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(created, forKey: .created)
        try container.encodeIfPresent(startTime, forKey: .startTime)
        try container.encodeIfPresent(endTime, forKey: .endTime)
        try container.encodeIfPresent(containerStarted, forKey: .containerStarted)
        try container.encode(replicaStatus, forKey: .replicaStatus)
        try container.encodeIfPresent(statusMessage, forKey: .statusMessage)
        try container.encodeIfPresent(restartCount, forKey: .restartCount)
        try container.encodeIfPresent(image, forKey: .image)
        try container.encodeIfPresent(imageId, forKey: .imageId)
        try container.encodeIfPresent(podIndex, forKey: .podIndex)
        try container.encodeIfPresent(exitCode, forKey: .exitCode)
        try container.encodeIfPresent(reason, forKey: .reason)
    }
}

extension KeyedEncodingContainer {
    /// A nullable property: its value, or an explicit `null` where a plain optional would be left out.
    mutating func encodeOrNull(_ value: (some Encodable)?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

/// A batch's status as the API sends it: swagger.json's `BatchStatus`, written by hand for the same
/// reason as `RadixJobStatus` (its unknown timestamps go out as explicit nulls).
struct RadixBatchStatus: Codable, Hashable, Sendable {
    var name: String
    var jobId: String?
    var batchName: String?
    var batchId: String?
    var created: Date?
    var started: Date?
    var ended: Date?
    var updated: Date?
    /// A job's states, `Active` and `Completed`, or what radixconfig's `batchStatusRules` give.
    var status: String
    var message: String?
    var failed: Int32?
    var restart: String?
    var podStatuses: [RadixPodStatus]?
    var jobStatuses: [RadixJobStatus]?
    /// `batch`, or `job` for a single job.
    var batchType: String?

    enum CodingKeys: String, CodingKey {
        case name, jobId, batchName, batchId, created, started, ended, updated, status, message, failed, restart, podStatuses,
             jobStatuses, batchType
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(jobId, forKey: .jobId)
        try container.encodeIfPresent(batchName, forKey: .batchName)
        try container.encodeIfPresent(batchId, forKey: .batchId)
        try container.encodeOrNull(created, forKey: .created)
        try container.encodeOrNull(started, forKey: .started)
        try container.encodeOrNull(ended, forKey: .ended)
        try container.encodeOrNull(updated, forKey: .updated)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(failed, forKey: .failed)
        try container.encodeIfPresent(restart, forKey: .restart)
        try container.encodeIfPresent(podStatuses, forKey: .podStatuses)
        try container.encodeIfPresent(jobStatuses, forKey: .jobStatuses)
        try container.encodeIfPresent(batchType, forKey: .batchType)
    }
}

extension RadixBatchStatus {
    init(_ status: BatchStatus) {
        self.init(name: status.name, batchId: status.batchId, created: status.created, started: status.started,
                  ended: status.ended, updated: status.updated, status: status.state.rawValue, message: status.message,
                  failed: Int32(clamping: status.failed), jobStatuses: status.jobStatuses.map(RadixJobStatus.init), batchType: "batch")
    }
}
