import Foundation
import Hummingbird
import SchedulerCore
import Synchronization

/// Answers the reads that clients poll, `GET /api/v1/jobs` and `GET /api/v1/jobs/{jobName}`, from
/// encoded answers kept until what they show changes: a job's answer while its status is the same, the
/// list's while the scheduler's revision is. Encoding happens once per change instead of once per request.
///
/// The bytes are those the generated operation sends (`JobStatusEncoding`, tested against it). Anything
/// else, and a job that does not exist, goes on to the generated operation.
struct JobReadCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The list's path in swagger.json (whose server is `/`).
    static var jobsPath: String { "/api/v1/jobs" }

    let scheduler: JobScheduler
    /// `<base path>/api/v1/jobs`.
    let listPath: String
    let encoding: JobStatusEncoding
    let cache: JobReadCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else { return try await next(request, context) }
        let path = request.uri.path
        if path == listPath {
            return try list()
        }
        guard path.hasPrefix(listPath), path.utf8.dropFirst(listPath.utf8.count).first == UInt8(ascii: "/") else {
            return try await next(request, context)
        }
        let name = path.dropFirst(listPath.count + 1)
        // Job names are plain ([a-z0-9-]); anything percent-encoded or deeper is the generated code's to read.
        guard !name.isEmpty, !name.contains("/"), !name.contains("%"),
              let status = scheduler.currentStatus(named: String(name)) else {
            return try await next(request, context)
        }
        return try response(cache.job(status) { try encoding.encode(status) })
    }

    private func list() throws -> Response {
        let known = cache.listRevision
        let (revision, jobs) = scheduler.jobs(unlessRevision: known)
        if let jobs {
            return try response(cache.list(revision: revision) { try encoding.encode(jobs) })
        }
        if let bytes = cache.list(revision: revision) { return response(bytes) }
        // Dropped meanwhile by another request's newer list: read again.
        let current = scheduler.jobs(unlessRevision: nil)
        return try response(cache.list(revision: current.revision) { try encoding.encode(current.jobs ?? []) })
    }

    private func response(_ bytes: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: JobStatusEncoding.contentType], body: ResponseBody(byteBuffer: bytes))
    }
}

/// The encoded answers, shared by the server's connections.
final class JobReadCache: Sendable {
    private struct Entry { var status: SchedulerCore.JobStatus; var bytes: ByteBuffer }
    private struct State {
        var jobs: [String: Entry] = [:]
        var list: (revision: UInt64, bytes: ByteBuffer)?
    }
    private let state = Mutex(State())
    /// Answers given from what was kept (for tests and curiosity).
    private let hitCount = Atomic<Int>(0)
    var hits: Int { hitCount.load(ordering: .relaxed) }
    /// Kept per job only up to this many (a little over twice the history and a burst): older ones are made again.
    private let jobLimit = 1024

    var listRevision: UInt64? { state.withLock { $0.list?.revision } }

    /// The answer for `status`: the kept one if it shows that very status, else `encode()`'s, kept.
    func job(_ status: SchedulerCore.JobStatus, encode: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let entry = state.withLock({ $0.jobs[status.name] }), entry.status == status {
            hitCount.add(1, ordering: .relaxed)
            return entry.bytes
        }
        let bytes = try encode()
        state.withLock { state in
            if state.jobs.count >= jobLimit { state.jobs.removeAll(keepingCapacity: true) }
            state.jobs[status.name] = Entry(status: status, bytes: bytes)
        }
        return bytes
    }

    /// The list's kept answer if it is of `revision`.
    func list(revision: UInt64) -> ByteBuffer? {
        let bytes = state.withLock { $0.list?.revision == revision ? $0.list?.bytes : nil }
        if bytes != nil { hitCount.add(1, ordering: .relaxed) }
        return bytes
    }

    /// The list's answer of `revision`: made by `encode()` and kept, unless a newer one is kept already.
    func list(revision: UInt64, encode: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let bytes = list(revision: revision) { return bytes }
        let bytes = try encode()
        state.withLock { state in
            if (state.list?.revision ?? 0) <= revision { state.list = (revision, bytes) }
        }
        return bytes
    }
}
