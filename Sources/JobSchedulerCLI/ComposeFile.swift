/// A docker-compose file, limited to what `generate compose` writes, and its YAML text.
///
/// Only keys that both docker-compose 1.29 (file format 3.x, checked against the Compose
/// specification since 1.27) and Compose v2 accept are used: `networks.<name>.name` (3.5+),
/// `profiles` (1.28+), `cpus`, `mem_limit` and `mem_reservation` (service level). A stack file for
/// `docker stack deploy` (`generate compose --swarm`) uses the 3.8 keys a swarm reads instead: `deploy`,
/// long-syntax `ports` with `mode: host`, top-level `configs`, an `overlay` network. File-based `secrets`
/// (3.1+) work in both: bind-mounted at `/run/secrets/<key>` on one engine, a swarm secret in a stack.
public struct ComposeFile: Sendable, Equatable {
    /// Comment lines at the top, without the `# `.
    public var header: [String]
    public var version: String
    public var services: [Service]
    public var networks: [Network]
    public var configs: [Config]
    public var secrets: [Secret]

    public init(header: [String] = [], version: String = "3.8", services: [Service] = [], networks: [Network] = [],
                configs: [Config] = [], secrets: [Secret] = []) {
        self.header = header
        self.version = version
        self.services = services
        self.networks = networks
        self.configs = configs
        self.secrets = secrets
    }

    /// A secret read from a file: mounted into the services that name it at `/run/secrets/<key>`.
    public struct Secret: Sendable, Equatable {
        public var key: String
        /// The swarm's name for it (secrets cannot change either); nil on one engine.
        public var name: String?
        public var file: String

        public init(key: String, name: String? = nil, file: String) {
            self.key = key
            self.name = name
            self.file = file
        }
    }

    /// A swarm config made from a file when the stack is deployed.
    public struct Config: Sendable, Equatable {
        public var key: String
        /// The swarm's name for it: configs cannot change, so a new content needs a new name.
        public var name: String
        public var file: String

        public init(key: String, name: String, file: String) {
            self.key = key
            self.name = name
            self.file = file
        }
    }

    /// A port published on the node a swarm task runs on (`mode: host`).
    public struct PublishedPort: Sendable, Equatable {
        public var target: Int
        /// A number, or an interpolation with a default.
        public var published: String
    }

    /// A swarm config as a file in the container.
    public struct ConfigMount: Sendable, Equatable {
        public var source: String
        public var target: String
    }

    /// How a swarm runs a service (`deploy:`).
    public struct Deploy: Sendable, Equatable {
        public var endpointMode: String?
        public var constraints: [String] = []
        public var restartCondition: String?
        public var cpuLimit: String?
        public var memoryLimit: Int64?
        public var memoryReservation: Int64?

        public init(endpointMode: String? = nil, constraints: [String] = [], restartCondition: String? = nil) {
            self.endpointMode = endpointMode
            self.constraints = constraints
            self.restartCondition = restartCondition
        }
    }

    public struct Build: Sendable, Equatable {
        public var context: String
        public var dockerfile: String?

        public init(context: String, dockerfile: String? = nil) {
            self.context = context
            self.dockerfile = dockerfile
        }
    }

    public struct Service: Sendable, Equatable {
        public var name: String
        /// Comment lines above the service, without the `# `.
        public var comment: [String] = []
        public var image: String?
        public var build: Build?
        public var command: [String]?
        /// Written in this order.
        public var environment: [Variable] = []
        public var ports: [String] = []
        public var publishedPorts: [PublishedPort] = []
        public var expose: [Int] = []
        public var volumes: [String] = []
        public var configs: [ConfigMount] = []
        /// Keys of the file's `secrets` mounted into the service.
        public var secrets: [String] = []
        public var networks: [String] = []
        public var dependsOn: [String] = []
        public var profiles: [String] = []
        public var restart: String?
        public var cpus: String?
        public var memLimit: Int64?
        public var memReservation: Int64?
        public var deploy: Deploy?

        public init(name: String) { self.name = name }
    }

    /// One `environment:` entry.
    public struct Variable: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public struct Network: Sendable, Equatable {
        /// The key services use.
        public var key: String
        /// The engine's name for it (`name:`), so that it does not depend on the project name.
        public var name: String?
        /// `overlay` on a swarm; nil for the engine's default (a bridge).
        public var driver: String?
        /// Whether containers not of the stack (a job's, a debugging shell's) may join it.
        public var attachable = false

        public init(key: String, name: String? = nil, driver: String? = nil, attachable: Bool = false) {
            self.key = key
            self.name = name
            self.driver = driver
            self.attachable = attachable
        }
    }

    public func service(named name: String) -> Service? {
        services.first { $0.name == name }
    }

    /// The file's text: two-space indentation, one key per line, ending with a newline.
    public func rendered() -> String {
        var lines: [String] = header.map { $0.isEmpty ? "#" : "# " + $0 }
        if !lines.isEmpty { lines.append("") }
        lines.append("version: \(YAMLText.quoted(version))")
        lines.append("")
        lines.append("services:")
        for (index, service) in services.enumerated() {
            if index > 0 { lines.append("") }
            lines.append(contentsOf: service.comment.map { "  # " + $0 })
            lines.append(contentsOf: render(service))
        }
        if !networks.isEmpty {
            lines.append("")
            lines.append("networks:")
            for network in networks {
                lines.append("  \(YAMLText.key(network.key)):")
                if let name = network.name { lines.append("    name: \(YAMLText.scalar(name))") }
                if let driver = network.driver { lines.append("    driver: \(YAMLText.scalar(driver))") }
                if network.attachable { lines.append("    attachable: true") }
            }
        }
        lines += Self.render("configs", configs.map { ($0.key, $0.name, $0.file) })
        lines += Self.render("secrets", secrets.map { ($0.key, $0.name, $0.file) })
        return lines.joined(separator: "\n") + "\n"
    }

    /// A top-level section of objects read from files (`configs`, `secrets`); nothing when it is empty.
    private static func render(_ section: String, _ entries: [(key: String, name: String?, file: String)]) -> [String] {
        guard !entries.isEmpty else { return [] }
        var lines = ["", "\(section):"]
        for entry in entries {
            lines.append("  \(YAMLText.key(entry.key)):")
            if let name = entry.name { lines.append("    name: \(YAMLText.scalar(name))") }
            lines.append("    file: \(YAMLText.scalar(entry.file))")
        }
        return lines
    }

    private func render(_ service: Service) -> [String] {
        var lines = ["  \(YAMLText.key(service.name)):"]
        func list(_ key: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            lines.append("    \(key):")
            lines.append(contentsOf: values.map { "      - \($0)" })
        }
        if let image = service.image { lines.append("    image: \(YAMLText.scalar(image))") }
        if let build = service.build {
            lines.append("    build:")
            lines.append("      context: \(YAMLText.scalar(build.context))")
            if let dockerfile = build.dockerfile { lines.append("      dockerfile: \(YAMLText.scalar(dockerfile))") }
        }
        if let command = service.command {
            lines.append("    command: [\(command.map(YAMLText.quoted).joined(separator: ", "))]")
        }
        if !service.environment.isEmpty {
            lines.append("    environment:")
            for variable in service.environment {
                lines.append("      \(YAMLText.key(variable.key)): \(YAMLText.quoted(variable.value))")
            }
        }
        list("ports", service.ports.map(YAMLText.quoted))
        if !service.publishedPorts.isEmpty {
            lines.append("    ports:")
            for port in service.publishedPorts {
                lines += ["      - target: \(port.target)", "        published: \(YAMLText.quoted(port.published))", "        mode: host"]
            }
        }
        list("expose", service.expose.map { YAMLText.quoted(String($0)) })
        list("volumes", service.volumes.map(YAMLText.quoted))
        if !service.configs.isEmpty {
            lines.append("    configs:")
            for config in service.configs {
                lines += ["      - source: \(YAMLText.scalar(config.source))", "        target: \(YAMLText.scalar(config.target))"]
            }
        }
        list("secrets", service.secrets.map(YAMLText.scalar))
        list("networks", service.networks.map(YAMLText.scalar))
        list("depends_on", service.dependsOn.map(YAMLText.scalar))
        list("profiles", service.profiles.map(YAMLText.scalar))
        if let restart = service.restart { lines.append("    restart: \(YAMLText.scalar(restart))") }
        if let cpus = service.cpus { lines.append("    cpus: \(YAMLText.quoted(cpus))") }
        if let memLimit = service.memLimit { lines.append("    mem_limit: \(memLimit)") }
        if let memReservation = service.memReservation { lines.append("    mem_reservation: \(memReservation)") }
        if let deploy = service.deploy { lines += render(deploy) }
        return lines
    }

    private func render(_ deploy: Deploy) -> [String] {
        var lines = ["    deploy:"]
        if let mode = deploy.endpointMode { lines.append("      endpoint_mode: \(YAMLText.scalar(mode))") }
        if !deploy.constraints.isEmpty {
            lines += ["      placement:", "        constraints:"] + deploy.constraints.map { "          - \(YAMLText.quoted($0))" }
        }
        if let condition = deploy.restartCondition { lines += ["      restart_policy:", "        condition: \(YAMLText.scalar(condition))"] }
        if deploy.cpuLimit != nil || deploy.memoryLimit != nil || deploy.memoryReservation != nil {
            lines.append("      resources:")
            if deploy.cpuLimit != nil || deploy.memoryLimit != nil {
                lines.append("        limits:")
                if let cpus = deploy.cpuLimit { lines.append("          cpus: \(YAMLText.quoted(cpus))") }
                if let memory = deploy.memoryLimit { lines.append("          memory: \(YAMLText.quoted(String(memory)))") }
            }
            if let memory = deploy.memoryReservation {
                lines += ["        reservations:", "          memory: \(YAMLText.quoted(String(memory)))"]
            }
        }
        return lines
    }
}

/// Scalars for the YAML that `ComposeFile` writes: plain where that cannot be misread, double-quoted
/// (with YAML's escapes) otherwise.
enum YAMLText {
    /// Words YAML 1.1 (docker-compose 1.x reads with PyYAML) or 1.2 would not read as a string.
    private static let reserved: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"]

    static func scalar(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    static func key(_ text: String) -> String { scalar(text) }

    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !reserved.contains(text.lowercased()) else { return false }
        let letters = Unicode.Scalar("a")...Unicode.Scalar("z")
        let capitals = Unicode.Scalar("A")...Unicode.Scalar("Z")
        let digits = Unicode.Scalar("0")...Unicode.Scalar("9")
        guard letters.contains(first) || capitals.contains(first) || first == "/" || first == "_" else { return false }
        // No ": " or " #", no flow or quoting characters: letters, digits and a few separators only.
        return text.unicodeScalars.allSatisfy {
            letters.contains($0) || capitals.contains($0) || digits.contains($0) || "._-/:@".unicodeScalars.contains($0)
        } && !text.hasSuffix(":")
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
