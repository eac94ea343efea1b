// Which case of each operation's generated output answers which documented error code (swagger.json's
// responses of the operation; the tests check the two agree).

extension Operations.CreateJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        409: { .conflict(.init(body: .json($0))) },
        413: { .contentTooLarge(.init(body: .json($0))) },
        422: { .unprocessableContent(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.GetJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        404: { .notFound(.init(body: .json($0))) },
    ]
}

extension Operations.DeleteJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.StopJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.StopAllJobs.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.GetJobLogs.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.GetHealth.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.CreateBatch.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        409: { .conflict(.init(body: .json($0))) },
        413: { .contentTooLarge(.init(body: .json($0))) },
        422: { .unprocessableContent(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.GetBatch.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        404: { .notFound(.init(body: .json($0))) },
    ]
}

extension Operations.GetBatchJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        404: { .notFound(.init(body: .json($0))) },
    ]
}

extension Operations.DeleteBatch.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.StopBatch.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.StopAllBatches.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.StopBatchJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.RunSchedule.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        409: { .conflict(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.SuspendSchedule.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.ResumeSchedule.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.RestartJob.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        409: { .conflict(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.RestartBatch.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
        404: { .notFound(.init(body: .json($0))) },
        409: { .conflict(.init(body: .json($0))) },
        503: { .serviceUnavailable(.init(body: .json($0))) },
    ]
}

extension Operations.FollowEvents.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        400: { .badRequest(.init(body: .json($0))) },
    ]
}

extension Operations.GetJobSettings.Output: DocumentedFailures {
    static let failures: [Int: @Sendable (Components.Schemas.Status) -> Self] = [
        404: { .notFound(.init(body: .json($0))) },
    ]
}
