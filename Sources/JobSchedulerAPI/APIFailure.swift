import Foundation
import HTTPTypes
import Hummingbird
import SchedulerCore
import OpenAPIRuntime

/// Any error on its way to a client, classified into the Radix Status body that answers it: the HTTP
/// status, Radix's CamelCase `reason` and a message saying what went wrong.
struct APIFailure: Error, Equatable {
    var status: HTTPResponse.Status
    var reason: String
    var message: String

    init(status: HTTPResponse.Status, reason: String? = nil, message: String) {
        self.status = status
        self.reason = reason ?? Self.reason(for: status)
        self.message = message
    }

    /// Classifies what a route or the generated server code threw.
    init(_ error: any Error, request: Request) {
        switch error {
        case let failure as APIFailure:
            self = failure
        case let error as ServerError:
            // The generated code wraps everything (decoding, handler and middleware errors) in ServerError.
            if let decoding = error.underlyingError as? DecodingError, !Self.operationsWithBody.contains(error.operationID) {
                // Not a body: a query or path parameter that does not decode as its schema says.
                self.init(status: .badRequest, message: "invalid parameter: \(DecodingErrorDescription.describe(decoding))")
            } else if let known = Self.classify(error.underlyingError) {
                self = known
            } else if (400..<500).contains(error.httpStatus.code) {
                self.init(status: error.httpStatus, message: error.causeDescription)
            } else {
                self = .internalError
            }
        case let error as any HTTPResponseError where error.status == .notFound:
            self.init(status: .notFound, message: "no such route: \(request.method) \(request.uri.path)")
        case let error as HTTPError:
            self.init(status: error.status, message: error.body ?? error.status.reasonPhrase)
        default:
            self = Self.classify(error) ?? .internalError
        }
    }

    /// The operations that read a request body: a decoding error anywhere else is a parameter's.
    static let operationsWithBody: Set<String> = [Operations.CreateJob.id, Operations.CreateBatch.id]

    /// The errors whose meaning is known wherever they were thrown.
    private static func classify(_ error: any Error) -> APIFailure? {
        switch error {
        case let failure as APIFailure:
            return failure
        case let error as SchedulerError:
            return APIFailure(error)
        case let error as DecodingError:
            return APIFailure(status: .unprocessableContent, reason: "Invalid",
                              message: "invalid request body: \(DecodingErrorDescription.describe(error))")
        case let error as RequestBodyTooLarge:
            return APIFailure(status: .contentTooLarge, message: error.description)
        case let error as HTTPError where error.status == .contentTooLarge:
            return APIFailure(status: .contentTooLarge, message: error.body ?? "the request body is too large")
        default:
            return nil
        }
    }

    init(_ error: SchedulerError) {
        self.init(status: HTTPResponse.Status(code: error.httpStatus), reason: error.reason, message: error.description)
    }

    /// Something unforeseen: never expected, but answered with a Status body all the same.
    static let internalError = APIFailure(status: .internalServerError, reason: "InternalError",
                                          message: "the scheduler failed to handle the request; see its log")

    /// Radix's reason for a status the scheduler answers without a more specific one.
    static func reason(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "BadRequest"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 413: "RequestEntityTooLarge"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 503: "ServiceUnavailable"
        case 500..<600: "InternalError"
        default: "BadRequest"
        }
    }

    /// The Radix Status body for this failure.
    var body: Components.Schemas.Status {
        Components.Schemas.Status(status: .failure, message: message, reason: reason, code: Int64(status.code))
    }

    /// The whole HTTP answer.
    func response() -> Response {
        StatusBody.response(body, status: status)
    }
}

/// A request body over the server's limit.
struct RequestBodyTooLarge: Error, CustomStringConvertible {
    var limit: Int
    var description: String { "the request body is larger than the limit of \(limit) bytes" }
}
