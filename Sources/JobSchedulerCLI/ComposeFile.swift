/// A docker-compose file, limited to what `generate compose` writes, and its YAML text.
///
/// Only keys that both docker-compose 1.29 (file format 3.x, checked against the Compose
/// specification since 1.27) and Compose v2 accept are used: `networks.<name>.name` (3.5+),
/// `profiles` (1.28+), `cpus`, `mem_limit` and `mem_reservation` (service level).
public struct ComposeFile: Sendable, Equatable {
    /// Comment lines at the top, without the `# `.
    public var header: [String]
    public var version: String
    public var services: [Service]
    public var networks: [Network]

    public init(header: [String] = [], version: String = "3.8", services: [Service] = [], networks: [Network] = []) {
        self.header = header
        self.version = version
        self.services = services
        self.networks = networks
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
        public var expose: [Int] = []
        public var volumes: [String] = []
        public var networks: [String] = []
        public var dependsOn: [String] = []
        public var profiles: [String] = []
        public var restart: String?
        public var cpus: String?
        public var memLimit: Int64?
        public var memReservation: Int64?

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

        public init(key: String, name: String? = nil) {
            self.key = key
            self.name = name
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
            }
        }
        return lines.joined(separator: "\n") + "\n"
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
        list("expose", service.expose.map { YAMLText.quoted(String($0)) })
        list("volumes", service.volumes.map(YAMLText.quoted))
        list("networks", service.networks.map(YAMLText.scalar))
        list("depends_on", service.dependsOn.map(YAMLText.scalar))
        list("profiles", service.profiles.map(YAMLText.scalar))
        if let restart = service.restart { lines.append("    restart: \(YAMLText.scalar(restart))") }
        if let cpus = service.cpus { lines.append("    cpus: \(YAMLText.quoted(cpus))") }
        if let memLimit = service.memLimit { lines.append("    mem_limit: \(memLimit)") }
        if let memReservation = service.memReservation { lines.append("    mem_reservation: \(memReservation)") }
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
