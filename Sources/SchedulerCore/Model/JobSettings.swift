import RadixConfig

/// What a job was made with, beside its status: the image, the payload's place and size, and its limits.
public struct JobSettings: Sendable, Equatable {
    public var image: String
    /// The payload file's folder in the container, and its size; nil for a job without payload.
    public var payloadPath: String?
    public var payloadBytes: Int?
    public var timeLimitSeconds: Int
    public var backoffLimit: Int
    public var failurePolicy: FailurePolicy?

    init(_ observation: JobObservation) {
        image = observation.image
        payloadPath = observation.payloadPath
        payloadBytes = observation.payloadBytes
        timeLimitSeconds = observation.timeLimitSeconds
        backoffLimit = observation.backoffLimit
        failurePolicy = observation.failurePolicy
    }
}
