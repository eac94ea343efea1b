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

    func encode(_ batches: [BatchStatus]) throws -> ByteBuffer {
        ByteBuffer(bytes: try APIJSON.encoder().encode(batches.map(RadixBatchStatus.init)))
    }
}
