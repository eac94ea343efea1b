/// Why an engine call failed. Every case that comes from an answer carries the engine's HTTP status
/// and message, so callers can both branch on it and show it.
public enum DockerEngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answers on the engine's socket.
    case unreachable(socketPath: String, reason: String)
    /// 404: no such container, image or network.
    case notFound(message: String)
    /// 409: the request conflicts with the object's state (a name in use, a container not running...).
    case conflict(message: String)
    /// 400: the engine refused the request's parameters.
    case badRequest(message: String)
    /// Any other error status.
    case engine(status: Int, message: String)
    /// The exchange broke off after it started (timeout, connection lost mid-stream).
    case transport(code: Int, message: String)
    /// The engine answered something this client could not decode.
    case invalidResponse(String)
    /// The caller cancelled the request.
    case cancelled

    public var status: Int? {
        switch self {
        case .notFound: 404
        case .conflict: 409
        case .badRequest: 400
        case .engine(let status, _): status
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let path, let reason): "Docker engine not reachable at unix://\(path): \(reason)"
        case .notFound(let message): "not found (404): \(message)"
        case .conflict(let message): "conflict (409): \(message)"
        case .badRequest(let message): "bad request (400): \(message)"
        case .engine(let status, let message): "engine error (\(status)): \(message)"
        case .transport(let code, let message): "transfer with the Docker engine failed (curl \(code)): \(message)"
        case .invalidResponse(let detail): "unexpected answer from the Docker engine: \(detail)"
        case .cancelled: "request to the Docker engine cancelled"
        }
    }

    /// Maps an error status and its body (`{"message": "..."}`) to a case.
    static func fromResponse(status: Int, body: [UInt8]) -> DockerEngineError {
        let message = (try? JSONDecoder.engine.decode(EngineErrorBody.self, from: Data(body)).message)
            ?? String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 400: return .badRequest(message: message)
        case 404: return .notFound(message: message)
        case 409: return .conflict(message: message)
        default: return .engine(status: status, message: message)
        }
    }
}

private struct EngineErrorBody: Decodable { var message: String }

import Foundation
