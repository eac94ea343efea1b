/// A component's per-environment override. Parsed so the file is understood as a whole;
/// the scheduler does not run components yet.
public struct ComponentEnvironmentConfig: Sendable, Hashable {
    public var environment: String
    public var variables: [String: String]
    public var resources: ResourceRequirements
    public var image: String?
    public var imageTagName: String?
    public var replicas: Int?
    public var extra: [String: YAMLValue]

    public init(environment: String, variables: [String: String] = [:],
                resources: ResourceRequirements = ResourceRequirements(),
                image: String? = nil, imageTagName: String? = nil, replicas: Int? = nil,
                extra: [String: YAMLValue] = [:]) {
        self.environment = environment
        self.variables = variables
        self.resources = resources
        self.image = image
        self.imageTagName = imageTagName
        self.replicas = replicas
        self.extra = extra
    }
}
