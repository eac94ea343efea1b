/// Why the scheduler refused or could not do what was asked. Each case says which HTTP answer it
/// becomes, so the API layer needs no knowledge of the rules behind it.
public enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No job of this scheduler has that name.
    case jobNotFound(String)
    /// No batch of this scheduler has that name.
    case batchNotFound(String)
    /// The batch has ended (its status given), so it cannot be stopped (400).
    case batchAlreadyEnded(String, state: String)
    /// The request's fields are not acceptable (422): what is wrong, field by field.
    case invalidRequest([String])
    /// The request cannot be carried out as asked (400), e.g. a payload for a job without payload path.
    case badRequest(String)
    /// The payload is larger than the limit (413).
    case payloadTooLarge(size: Int, limit: Int)
    /// The job has already ended, so it cannot be stopped (400).
    case jobAlreadyEnded(String)
    /// The Docker engine cannot be reached or failed (503).
    case engineUnavailable(String)
    /// The job's cron has no schedule at that place (404).
    case scheduleNotFound(Int)
    /// What was asked exists already (409), e.g. a run of a schedule for this very second.
    case conflict(String)
    /// A submission key (shown) was first used by a different request, which made `madeBy` (422).
    case keyReused(String, madeBy: String)

    public var httpStatus: Int {
        switch self {
        case .jobNotFound, .batchNotFound, .scheduleNotFound: 404
        case .conflict: 409
        case .invalidRequest, .keyReused: 422
        case .badRequest, .jobAlreadyEnded, .batchAlreadyEnded: 400
        case .payloadTooLarge: 413
        case .engineUnavailable: 503
        }
    }

    /// Radix's `reason` for the Status body.
    public var reason: String {
        switch self {
        case .jobNotFound, .batchNotFound, .scheduleNotFound: "NotFound"
        case .conflict: "Conflict"
        case .invalidRequest, .keyReused: "Invalid"
        case .badRequest, .jobAlreadyEnded, .batchAlreadyEnded: "BadRequest"
        case .payloadTooLarge: "RequestEntityTooLarge"
        case .engineUnavailable: "ServiceUnavailable"
        }
    }

    public var description: String {
        switch self {
        case .jobNotFound(let name): "job \(name) is not found"
        case .batchNotFound(let name): "batch \(name) is not found"
        case .batchAlreadyEnded(let name, let state): "cannot stop the batch \(name) with the status \(state)"
        case .invalidRequest(let problems): "invalid job request: " + problems.joined(separator: "; ")
        case .badRequest(let message): message
        case .payloadTooLarge(let size, let limit): "payload is \(size) bytes, more than the limit of \(limit) bytes"
        case .jobAlreadyEnded(let name): "job \(name) has already ended and cannot be stopped"
        case .engineUnavailable(let message): "the Docker engine is unavailable: \(message)"
        case .scheduleNotFound(let index): "the job has no schedule \(index) (its cron's schedules are numbered from 0)"
        case .conflict(let message): message
        case .keyReused(let key, let made): "\(key) was first used by a different request (which made \(made)): a new request needs a new key"
        }
    }
}
