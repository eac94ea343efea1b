/// An entry of `spec.environments`. Only the name matters to the scheduler; the rest
/// (build branch, egress rules, ...) is kept untouched.
public struct EnvironmentDefinition: Sendable, Hashable {
    public var name: String
    public var extra: [String: YAMLValue]

    public init(name: String, extra: [String: YAMLValue] = [:]) {
        self.name = name
        self.extra = extra
    }
}
