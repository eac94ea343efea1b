import Foundation
import Hummingbird
import SchedulerCore

/// Job and batch statuses as the API's JSON, for the answers `JobReadCacheMiddleware` keeps: the type the
/// generated operations send (`RadixJobStatus`, explicit nulls included), encoded with the generated
/// server's settings (`APIJSON`), so the bytes are those of the generated operation (tested against it).
struct JobStatusEncoding: Sendable {
    static let contentType = "application/json; charset=utf-8"

    func encode(_ status: SchedulerCore.JobStatus) throws -> ByteBuffer {
        ByteBuffer(bytes: try APIJSON.encoder().encode(RadixJobStatus(status)))
    }

    func encode(_ jobs: [SchedulerCore.JobStatus]) throws -> ByteBuffer {
        ByteBuffer(bytes: try APIJSON.encoder().encode(jobs.map(RadixJobStatus.init)))
    }

    func encode(_ batch: BatchStatus) throws -> ByteBuffer {
        ByteBuffer(bytes: try APIJSON.encoder().encode(RadixBatchStatus(batch)))
    }

    /// A batch whose jobs' answers are encoded apiece by `job` (kept ones, mostly: while a batch of 500
    /// runs, a few jobs change between two reads, and re-encoding all 500 took milliseconds each time).
    /// The same bytes as `encode(_:)`: the batch is encoded with no jobs, and its empty `jobStatuses`
    /// (a key, unescaped, so found nowhere else) filled with the jobs' bytes.
    func encode(_ batch: BatchStatus, job: (SchedulerCore.JobStatus) throws -> ByteBuffer) throws -> ByteBuffer {
        var header = RadixBatchStatus(batch)
        header.jobStatuses = []
        let bytes = try APIJSON.encoder().encode(header)
        let empty = Array(#""jobStatuses":[]"#.utf8)
        guard let range = bytes.firstRange(of: empty) else { return try encode(batch) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + batch.jobStatuses.count * 700)
        buffer.writeBytes(bytes[..<range.lowerBound])
        buffer.writeBytes(empty.dropLast())  // "jobStatuses":[
        for (index, status) in batch.jobStatuses.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            var encoded = try job(status)
            buffer.writeBuffer(&encoded)
        }
        buffer.writeBytes(bytes[(range.upperBound - 1)...])  // ] and the rest
        return buffer
    }

    func encode(_ batches: [BatchStatus]) throws -> ByteBuffer {
        ByteBuffer(bytes: try APIJSON.encoder().encode(batches.map(RadixBatchStatus.init)))
    }
}
