/// An entry of `spec.components`: a long-running service of the application. Declared so
/// configs with components load; serving them is later work.
public struct ComponentDefinition: Sendable, Hashable {
    public var name: String
    public var src: String?
    public var dockerfileName: String?
    public var image: String?
    public var imageTagName: String?
    public var ports: [PortDefinition]
    public var publicPort: String?
    public var variables: [String: String]
    public var resources: ResourceRequirements
    public var environmentConfig: [ComponentEnvironmentConfig]
    public var extra: [String: YAMLValue]

    public init(name: String, src: String? = nil, dockerfileName: String? = nil,
                image: String? = nil, imageTagName: String? = nil,
                ports: [PortDefinition] = [], publicPort: String? = nil,
                variables: [String: String] = [:],
                resources: ResourceRequirements = ResourceRequirements(),
                environmentConfig: [ComponentEnvironmentConfig] = [],
                extra: [String: YAMLValue] = [:]) {
        self.name = name
        self.src = src
        self.dockerfileName = dockerfileName
        self.image = image
        self.imageTagName = imageTagName
        self.ports = ports
        self.publicPort = publicPort
        self.variables = variables
        self.resources = resources
        self.environmentConfig = environmentConfig
        self.extra = extra
    }
}
