import SchedulerCore

/// An operation's output that can carry a Radix Status body for each error code the operation documents.
/// The generated outputs differ per operation (the `notFound` of `Operations.StopJob.Output` is not
/// `Operations.GetJob.Output`'s), so each says once which of its cases answers which code, and
/// `answering(_:)` maps errors onto them the same way for every handler.
protocol DocumentedFailures {
    /// The operation's documented error answers, by HTTP status code (the tests check them against swagger.json).
    static var failures: [Int: @Sendable (Components.Schemas.Status) -> Self] { get }
}

extension DocumentedFailures {
    /// `work`'s answer or, for a `SchedulerError` or an `APIFailure` it throws, the operation's documented
    /// answer for the error's code. Any other error, or a code the operation does not document, is thrown
    /// on, and `RadixStatusMiddleware` answers it with a Status body all the same.
    static func answering(_ work: () async throws -> Self) async throws -> Self {
        do {
            return try await work()
        } catch {
            let failure: APIFailure
            switch error {
            case let error as SchedulerError: failure = APIFailure(error)
            case let error as APIFailure: failure = error
            default: throw error
            }
            guard let answer = failures[failure.status.code] else { throw error }
            return answer(failure.body)
        }
    }
}
