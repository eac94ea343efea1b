import Foundation
import Hummingbird
import SchedulerCore
import Synchronization

/// Answers the reads that clients poll, `GET /api/v1/jobs`, `GET /api/v1/jobs/{jobName}`,
/// `GET /api/v1/batches` and `GET /api/v1/batches/{batchName}`, from encoded answers kept until what they
/// show changes: a job's or a batch's answer while its status is the same, a list's while the scheduler's
/// revision is. Encoding happens once per change instead of once per request (a history of 10 batches of
/// 500 jobs is megabytes of JSON).
///
/// The bytes are those the generated operation sends (`JobStatusEncoding`, tested against it). Anything
/// else, and a job or batch that does not exist, goes on to the generated operation.
struct JobReadCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The lists' paths in swagger.json (whose server is `/`).
    static var jobsPath: String { "/api/v1/jobs" }
    static var batchesPath: String { "/api/v1/batches" }

    let scheduler: JobScheduler
    let encoding: JobStatusEncoding
    let cache: JobReadCache
    /// The lists' full paths, and those of one job or batch up to its name: made once, not on every request
    /// (this middleware sees every API request, and a kept answer costs only a few microseconds).
    private let jobsList: String, batchesList: String, jobPrefix: String, batchPrefix: String

    /// `basePath`: the server URL's path (empty for `/`), before the paths above.
    init(scheduler: JobScheduler, basePath: String, encoding: JobStatusEncoding, cache: JobReadCache) {
        self.scheduler = scheduler
        self.encoding = encoding
        self.cache = cache
        jobsList = basePath + Self.jobsPath
        batchesList = basePath + Self.batchesPath
        jobPrefix = jobsList + "/"
        batchPrefix = batchesList + "/"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get else { return try await next(request, context) }
        let path = request.uri.path
        if let name = Self.name(in: path, after: jobPrefix) {
            if let status = scheduler.currentStatus(named: name) {
                return response(try cache.job(status) { try encoding.encode(status) })
            }
        } else if let name = Self.name(in: path, after: batchPrefix) {
            if let status = try? scheduler.batch(named: name) {
                return response(try cache.batch(status) {
                    try encoding.encode(status) { job in try cache.job(job) { try encoding.encode(job) } }
                })
            }
        } else if path == jobsList {
            return try list(.jobs) { let read = scheduler.jobs(unlessRevision: $0); return (read.revision, read.jobs) } encode: { try encoding.encode($0) }
        } else if path == batchesList {
            return try list(.batches) { let read = scheduler.batches(unlessRevision: $0); return (read.revision, read.batches) } encode: { try encoding.encode($0) }
        }
        return try await next(request, context)
    }

    /// The one plain segment after `prefix` (`list/`): names are [a-z0-9-]; anything percent-encoded or
    /// deeper is the generated code's to read.
    private static func name(in path: String, after prefix: String) -> String? {
        let utf8 = path.utf8
        guard utf8.count > prefix.utf8.count, utf8.starts(with: prefix.utf8) else { return nil }
        let name = utf8.dropFirst(prefix.utf8.count)
        guard !name.contains(UInt8(ascii: "/")), !name.contains(UInt8(ascii: "%")) else { return nil }
        return String(Substring(name))
    }

    private func list<Item>(_ kind: JobReadCache.List, read: (UInt64?) -> (revision: UInt64, items: [Item]?),
                            encode: ([Item]) throws -> ByteBuffer) throws -> Response {
        let (revision, items) = read(cache.revision(of: kind))
        if let items {
            return response(try cache.list(kind, revision: revision) { try encode(items) })
        }
        if let bytes = cache.list(kind, revision: revision) { return response(bytes) }
        // Dropped meanwhile by another request's newer list: read again.
        let current = read(nil)
        return response(try cache.list(kind, revision: current.revision) { try encode(current.items ?? []) })
    }

    private func response(_ bytes: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: JobStatusEncoding.contentType], body: ResponseBody(byteBuffer: bytes))
    }
}

/// The encoded answers, shared by the server's connections.
final class JobReadCache: Sendable {
    enum List: Sendable { case jobs, batches }

    private struct Entry<Status: Sendable>: Sendable { var status: Status; var bytes: ByteBuffer }
    private struct State: Sendable {
        var jobs: [String: Entry<SchedulerCore.JobStatus>] = [:]
        var batches: [String: Entry<BatchStatus>] = [:]
        var lists: [List: (revision: UInt64, bytes: ByteBuffer)] = [:]
    }
    private let state = Mutex(State())
    /// Answers given from what was kept (for tests and curiosity).
    private let hitCount = Atomic<Int>(0)
    var hits: Int { hitCount.load(ordering: .relaxed) }
    /// Kept per job only up to this many (a little over twice the history and a burst), per batch up to
    /// 64: older ones are made again.
    private let jobLimit = 1024
    private let batchLimit = 64

    func revision(of list: List) -> UInt64? { state.withLock { $0.lists[list]?.revision } }

    /// The answer for `status`: the kept one if it shows that very status, else `encode()`'s, kept.
    func job(_ status: SchedulerCore.JobStatus, encode: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        try kept(status, name: status.name, in: \.jobs, limit: jobLimit, encode: encode)
    }

    /// The answer for a batch's `status`, as `job` does for a job's.
    func batch(_ status: BatchStatus, encode: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        try kept(status, name: status.name, in: \.batches, limit: batchLimit, encode: encode)
    }

    private func kept<Status: Equatable & Sendable>(_ status: Status, name: String, in entries: WritableKeyPath<State, [String: Entry<Status>]>,
                                                     limit: Int, encode: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let entry = state.withLock({ $0[keyPath: entries][name] }), entry.status == status {
            hitCount.add(1, ordering: .relaxed)
            return entry.bytes
        }
        let bytes = try encode()
        state.withLock { state in
            if state[keyPath: entries].count >= limit { state[keyPath: entries].removeAll(keepingCapacity: true) }
            state[keyPath: entries][name] = Entry(status: status, bytes: bytes)
        }
        return bytes
    }

    /// A list's kept answer if it is of `revision`.
    func list(_ list: List, revision: UInt64) -> ByteBuffer? {
        let bytes = state.withLock { $0.lists[list]?.revision == revision ? $0.lists[list]?.bytes : nil }
        if bytes != nil { hitCount.add(1, ordering: .relaxed) }
        return bytes
    }

    /// A list's answer of `revision`: made by `encode()` and kept, unless a newer one is kept already.
    func list(_ list: List, revision: UInt64, encode: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let bytes = self.list(list, revision: revision) { return bytes }
        let bytes = try encode()
        state.withLock { state in
            if (state.lists[list]?.revision ?? 0) <= revision { state.lists[list] = (revision, bytes) }
        }
        return bytes
    }
}
