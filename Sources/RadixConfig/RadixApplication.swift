/// A parsed radixconfig.yaml (`kind: RadixApplication`): the application's name, its
/// environments, components and jobs.
public struct RadixApplication: Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    /// `metadata.name`, the application name.
    public var name: String
    public var environments: [EnvironmentDefinition]
    public var components: [ComponentDefinition]
    public var jobs: [JobDefinition]
    /// Unmodelled keys of `metadata`, of `spec` and at the top level, kept as written.
    public var metadataExtra: [String: YAMLValue]
    public var specExtra: [String: YAMLValue]
    public var extra: [String: YAMLValue]

    public init(apiVersion: String? = nil, kind: String? = nil, name: String,
                environments: [EnvironmentDefinition] = [], components: [ComponentDefinition] = [],
                jobs: [JobDefinition] = [], metadataExtra: [String: YAMLValue] = [:],
                specExtra: [String: YAMLValue] = [:], extra: [String: YAMLValue] = [:]) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.environments = environments
        self.components = components
        self.jobs = jobs
        self.metadataExtra = metadataExtra
        self.specExtra = specExtra
        self.extra = extra
    }

    public var environmentNames: [String] { environments.map(\.name) }

    public func job(named name: String) -> JobDefinition? {
        jobs.first { $0.name == name }
    }

    public func environment(named name: String) -> EnvironmentDefinition? {
        environments.first { $0.name == name }
    }
}
