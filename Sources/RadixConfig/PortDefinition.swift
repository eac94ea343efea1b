/// A named container port (`ports: [{name: http, port: 3000}]`) a job or component listens on.
public struct PortDefinition: Sendable, Hashable {
    public var name: String
    public var port: Int

    public init(name: String, port: Int) {
        self.name = name
        self.port = port
    }
}
