import Foundation
import FuzzCorpus
import HTTPTypes
import Hummingbird
import JobSchedulerAPI
import Logging
import NIOCore
import NIOEmbedded
import RadixConfig
import SchedulerCore
import Synchronization

/// Sends any bytes as the body of each request that takes one to a scheduler's router (the same
/// routes, generated decoding and middlewares as a served one, on the in-memory runtime): every answer
/// is under 500, whatever the body; a crash or a 5xx is a finding. What a request made is removed after it.
final class RequestTarget: Sendable {
    let scheduler: JobScheduler
    let responder: RouterResponder<BasicRequestContext>
    let channel = EmbeddedChannel()
    /// The scheduler's executor (its starts and removals), for as long as the fuzzer runs.
    let executor: Task<Void, Never>
    static let bodies: [(HTTPRequest.Method, String)] = [(.post, "/api/v1/jobs"), (.post, "/api/v1/batches")]
    /// Replaying a corpus with FUZZ_VERBOSE=1 prints each answer's status.
    static let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == "1"

    init() async throws {
        let job = ResolvedJob(name: "fuzz", image: "fuzz", schedulerPort: 8000, payloadPath: "/args", timeLimitSeconds: 60)
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        let configuration = SchedulerConfiguration(applicationName: "fuzz", job: job)
        let scheduler = JobScheduler(configuration: configuration, runtime: InMemoryJobRuntime(clock: WallClock()), logger: logger)
        try await scheduler.reconcile()
        self.scheduler = scheduler
        executor = Task { try? await scheduler.run() }
        responder = try await buildRouter(scheduler: scheduler).buildResponder()
    }

    func check(_ bytes: [UInt8]) async {
        for (method, path) in Self.bodies {
            for headers: HTTPFields in [[.contentType: "application/json"], [.contentType: "application/json", HTTPField.Name("Idempotency-Key")!: "k"]] {
                let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: "fuzz", path: path, headerFields: headers),
                                      body: RequestBody(buffer: ByteBuffer(bytes: bytes)))
                let context = BasicRequestContext(source: .init(channel: channel, logger: Logger(label: "fuzz")))
                do {
                    let response = try await responder.respond(to: request, context: context)
                    if response.status.code >= 500 { fatalError("\(method) \(path) answered \(response.status.code)") }
                    if Self.verbose { print("\(method) \(path)\(headers.count > 1 ? " (keyed)" : ""): \(response.status.code)") }
                } catch {
                    fatalError("\(method) \(path) threw past the Status middleware: \(error)")
                }
            }
        }
        for job in scheduler.jobs() { try? await scheduler.delete(named: job.name) }
        for batch in scheduler.batches() { try? await scheduler.deleteBatch(named: batch.name) }
    }
}

/// Runs async work from the fuzzer's own thread (never one of the cooperative pool's), and waits.
func blocking(_ work: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await work()
        done.signal()
    }
    done.wait()
}

/// The scheduler and its router, made once for every input (libFuzzer calls from one thread).
nonisolated(unsafe) var sharedTarget: RequestTarget?

func check(_ bytes: [UInt8]) {
    if sharedTarget == nil {
        let made = Mutex<RequestTarget?>(nil)
        blocking {
            let target = try! await RequestTarget()
            made.withLock { $0 = target }
        }
        sharedTarget = made.withLock { $0 }
    }
    let target = sharedTarget!
    blocking { await target.check(bytes) }
}

@main
struct RequestFuzzer {
    static func main() throws { try FuzzMain.run(check) }
}
