import CCurl
import Foundation

/// A complete response: for ordinary calls whose answer is small.
struct EngineResponse: Sendable {
    var head: ResponseHead
    var body: [UInt8]
}

/// A response whose body arrives over time (events, followed logs, wait).
struct EngineStreamResponse: Sendable {
    var head: ResponseHead
    var body: AsyncThrowingStream<[UInt8], any Error>
}

/// Async face of the libcurl loop for one engine socket.
struct EngineTransport: Sendable {
    let socketPath: String
    private let loop = CurlMultiLoop.shared

    init(socketPath: String) { self.socketPath = socketPath }

    /// Sends a request and collects its whole body.
    func send(_ request: EngineRequest) async throws -> EngineResponse {
        let stream = try await open(request)
        var body: [UInt8] = []
        for try await chunk in stream.body { body += chunk }
        return EngineResponse(head: stream.head, body: body)
    }

    /// Sends a request and returns once the response head has arrived; the body streams after it.
    /// Cancelling the calling task, or ending iteration of the body, aborts the transfer.
    func open(_ request: EngineRequest) async throws -> EngineStreamResponse {
        let (body, bodyContinuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let headGate = HeadGate()
        let socketPath = socketPath
        let events = TransferEvents(
            head: { head in headGate.resolve(.success(head)) },
            body: { bytes in bodyContinuation.yield(bytes) },
            finish: { outcome in
                let error = outcome.error(socketPath: socketPath)
                headGate.resolve(.failure(error ?? DockerEngineError.invalidResponse("no response head")))
                bodyContinuation.finish(throwing: error)
            }
        )
        let transfer = CurlTransfer(request: request, socketPath: socketPath, events: events)
        bodyContinuation.onTermination = { [loop] termination in
            if case .cancelled = termination { loop.cancel(transfer) }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                headGate.wait(continuation)
                loop.add(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return EngineStreamResponse(head: head, body: body)
    }
}

extension TransferOutcome {
    func error(socketPath: String) -> DockerEngineError? {
        switch self {
        case .completed: return nil
        case .cancelled: return .cancelled
        case .failed(let code, let message):
            // Failing to connect means no engine listens on that socket (missing file, refused).
            if code == Int(CURLE_COULDNT_CONNECT.rawValue) {
                let reason = FileManager.default.fileExists(atPath: socketPath)
                    ? "the socket refused the connection (is dockerd running?)"
                    : "no such socket file (is dockerd running, and is DOCKER_HOST right?)"
                return .unreachable(socketPath: socketPath, reason: reason)
            }
            return .transport(code: code, message: message)
        }
    }
}

/// Resolves the response head exactly once, whichever of head or failure comes first.
private final class HeadGate: @unchecked Sendable {
    // @unchecked: all state is guarded by `lock`.
    private let lock = NSLock()
    private var result: Result<ResponseHead, any Error>?
    private var continuation: CheckedContinuation<ResponseHead, any Error>?

    func wait(_ continuation: CheckedContinuation<ResponseHead, any Error>) {
        let ready: Result<ResponseHead, any Error>? = lock.withLock {
            if let result { return result }
            self.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(with: ready) }
    }

    func resolve(_ outcome: Result<ResponseHead, any Error>) {
        let waiting: CheckedContinuation<ResponseHead, any Error>? = lock.withLock {
            guard result == nil else { return nil }
            result = outcome
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: outcome)
    }
}
