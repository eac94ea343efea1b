/// A plain, Sendable copy of a YAML subtree. Keys this package does not model are kept
/// as `YAMLValue`s so that newer radixconfig fields survive parsing instead of being lost
/// or failing the load (Yams' own `Node` holds class references and is not Sendable).
public indirect enum YAMLValue: Sendable, Hashable {
    case null
    /// A scalar as written in the file (numbers and booleans keep their source text).
    case scalar(String)
    case sequence([YAMLValue])
    case mapping([String: YAMLValue])

    /// The scalar text, if this is a scalar.
    public var string: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// Looks up a key, if this is a mapping.
    public subscript(key: String) -> YAMLValue? {
        if case .mapping(let entries) = self { return entries[key] }
        return nil
    }

    /// The items, if this is a sequence.
    public var items: [YAMLValue]? {
        if case .sequence(let values) = self { return values }
        return nil
    }
}
