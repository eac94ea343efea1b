import Yams

/// Reads typed settings out of one YAML mapping, reporting wrong types and missing
/// required keys (with path and line) instead of throwing, and remembering which keys
/// were read so the rest can be kept as `extra`.
final class MappingReader {
    let path: String
    /// Line of the mapping itself, cited when a required key is missing.
    let line: Int?
    let context: DecodeContext
    private let entries: [(key: String, keyLine: Int?, value: Node)]
    private var used: Set<String> = []

    init(_ mapping: Node.Mapping, path: String, line: Int?, context: DecodeContext) {
        self.path = path
        self.line = line ?? mapping.mark?.line
        self.context = context
        self.entries = mapping.map { (key: $0.key.string ?? "\($0.key)", keyLine: $0.key.line, value: $0.value) }
    }

    /// Wraps `node` if it is a mapping; otherwise reports the mismatch and returns nil.
    static func make(_ node: Node, path: String, line: Int?, context: DecodeContext) -> MappingReader? {
        guard case .mapping(let mapping) = node else {
            context.report(path, line: line ?? node.line, "expected a mapping, got \(node.kindDescription)")
            return nil
        }
        return MappingReader(mapping, path: path, line: line ?? node.line, context: context)
    }

    func path(_ key: String) -> String { ConfigPath.key(path, key) }

    /// Line of `key` if present, else of this mapping: the best place to look.
    func line(_ key: String) -> Int? {
        entries.first { $0.key == key }?.keyLine ?? line
    }

    func report(_ key: String, _ message: String) {
        context.report(path(key), line: line(key), message)
    }

    /// The value of `key`, nil when absent or null.
    func node(_ key: String) -> Node? {
        used.insert(key)
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    /// Keys nobody asked for, kept so newer radixconfig fields are not lost.
    func extra() -> [String: YAMLValue] {
        var result: [String: YAMLValue] = [:]
        for entry in entries where !used.contains(entry.key) {
            result[entry.key] = entry.value.yamlValue
        }
        return result
    }

    // MARK: Scalars

    /// Any scalar is accepted as text (`imageTagName: 1.0` means "1.0").
    func string(_ key: String) -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let scalar) = value else {
            report(key, "expected a string, got \(value.kindDescription)")
            return nil
        }
        return scalar.string
    }

    func requiredString(_ key: String) -> String? {
        guard node(key) != nil else {
            report(key, "is required")
            return nil
        }
        return string(key)
    }

    /// Only a plain YAML integer: `"8000"` in quotes is a string, as in Radix.
    func int(_ key: String) -> Int? {
        guard let value = node(key) else { return nil }
        guard value.tagName == .int, let number = value.int else {
            report(key, "expected an integer, got \(value.kindDescription)")
            return nil
        }
        return number
    }

    func requiredInt(_ key: String) -> Int? {
        guard node(key) != nil else {
            report(key, "is required")
            return nil
        }
        return int(key)
    }

    // MARK: Collections

    func mapping(_ key: String) -> MappingReader? {
        guard let value = node(key) else { return nil }
        return MappingReader.make(value, path: path(key), line: line(key), context: context)
    }

    /// Items of a list with their paths; a non-list is reported and read as empty.
    func list(_ key: String) -> [(path: String, node: Node)] {
        guard let value = node(key) else { return [] }
        guard case .sequence(let sequence) = value else {
            report(key, "expected a list, got \(value.kindDescription)")
            return []
        }
        return sequence.enumerated().map { (ConfigPath.index(path(key), $0.offset), $0.element) }
    }

    /// Items of a list that must each be a mapping; other items are reported and skipped.
    func mappings(_ key: String) -> [MappingReader] {
        list(key).compactMap { item in
            MappingReader.make(item.node, path: item.path, line: item.node.line, context: context)
        }
    }

    /// A list of strings (`command`, `args`); nil when not given, so "not set" differs from `[]`.
    func stringList(_ key: String) -> [String]? {
        guard let value = node(key) else { return nil }
        guard case .sequence(let sequence) = value else {
            report(key, "expected a list of strings, got \(value.kindDescription)")
            return nil
        }
        var strings: [String] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item, !item.isNull else {
                context.report(ConfigPath.index(path(key), index), line: item.line,
                               "expected a string, got \(item.kindDescription)")
                continue
            }
            strings.append(scalar.string)
        }
        return strings
    }

    /// A string-to-string map (`variables`). Numbers and booleans keep their written form
    /// (`PORT: 8080` is "8080"); a null value is the empty string.
    func stringMap(_ key: String) -> [String: String] {
        guard let reader = mapping(key) else { return [:] }
        var result: [String: String] = [:]
        for entry in reader.entries {
            let entryPath = reader.path(entry.key)
            switch entry.value {
            case .scalar(let scalar):
                result[entry.key] = entry.value.isNull ? "" : scalar.string
            default:
                context.report(entryPath, line: entry.keyLine,
                               "expected a string, number or boolean, got \(entry.value.kindDescription)")
            }
        }
        return result
    }

    // MARK: Quantities

    func cpu(_ key: String) -> CPUQuantity? {
        guard let text = quantityText(key) else { return nil }
        do {
            return try CPUQuantity(parsing: text)
        } catch {
            report(key, error.description)
            return nil
        }
    }

    func memory(_ key: String) -> MemoryQuantity? {
        guard let text = quantityText(key) else { return nil }
        do {
            return try MemoryQuantity(parsing: text)
        } catch {
            report(key, error.description)
            return nil
        }
    }

    private func quantityText(_ key: String) -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let scalar) = value else {
            report(key, "expected a quantity such as 500m or 256Mi, got \(value.kindDescription)")
            return nil
        }
        return scalar.string
    }
}
