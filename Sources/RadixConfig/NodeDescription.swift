import Yams

/// Words for a node's kind in type-mismatch messages ("expected an integer, got a list").
extension Node {
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tagName {
            case .int, .float: return "the number \(scalar.string)"
            case .bool: return "the boolean \(scalar.string)"
            case .null: return "null"
            default: return "the string \"\(scalar.string)\""
            }
        }
    }

    /// Plain `~`/`null`/empty values count as "not given" for optional settings.
    var isNull: Bool {
        if case .scalar = self { return tagName == .null }
        return false
    }

    var line: Int? { mark?.line }

    /// The resolved tag's name (Yams keeps `Tag.name` internal, but exposes its raw value).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// A Sendable copy for keys we keep but do not model.
    var yamlValue: YAMLValue {
        switch self {
        case .scalar(let scalar):
            return isNull ? .null : .scalar(scalar.string)
        case .sequence(let sequence):
            return .sequence(sequence.map(\.yamlValue))
        case .mapping(let mapping):
            var entries: [String: YAMLValue] = [:]
            for (key, value) in mapping { entries[key.string ?? "\(key)"] = value.yamlValue }
            return .mapping(entries)
        case .alias:
            return .null
        }
    }
}
