import Foundation

/// Says in one line what is wrong with a request body that failed to decode, naming the field:
/// `timeLimitSeconds: Expected to decode Int64 but found a string instead.`
enum DecodingErrorDescription {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context):
            return at(context.codingPath) + context.debugDescription
        case .valueNotFound(_, let context):
            return at(context.codingPath) + context.debugDescription
        case .keyNotFound(let key, let context):
            return at(context.codingPath + [key]) + "missing. " + context.debugDescription
        case .dataCorrupted(let context) where context.debugDescription.hasPrefix("Additional properties are disabled"):
            // (The schemas say additionalProperties: false; the OpenAPI runtime names the first unknown key.)
            return at(context.codingPath) + "not a field of this request: a field the scheduler does not know is refused, not ignored"
        case .dataCorrupted(let context):
            var text = at(context.codingPath) + context.debugDescription
            if let underlying = context.underlyingError {
                let detail = (underlying as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(underlying)"
                if !text.contains(detail) { text += " " + detail }
            }
            return text
        @unknown default:
            return "\(error)"
        }
    }

    /// `resources.limits.cpu`, `command[2]`; empty for the body itself.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    private static func at(_ codingPath: [any CodingKey]) -> String {
        let path = path(codingPath)
        return path.isEmpty ? "" : "\(path): "
    }
}
