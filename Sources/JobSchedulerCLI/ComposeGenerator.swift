import Foundation
import RadixConfig

/// Turns a radixconfig.yaml into a docker-compose file that runs the application the way Radix does:
///
/// - one scheduler service per job, named after the job and listening on its `schedulerPort`, so the
///   components reach it at `http://<job>:<schedulerPort>`; it mounts the engine's socket and starts the
///   job's containers on the application's network, where they answer at `http://<job name>:<port>`;
/// - per job with a `src`, a service that only builds the job's image (profile `job-images`: never started);
/// - per component with a `src` (built) or an `image`, a service named after the component, on the same
///   network, with its variables and the `RADIX_*` ones, its public port published on 127.0.0.1.
///
/// Paths in the file (build contexts, the config the schedulers read) are relative to the folder the
/// file is written to, as Compose resolves them from there.
public enum ComposeGenerator {
    public struct Options: Sendable, Equatable {
        /// The radixconfig.yaml, absolute; `src` folders are relative to its folder.
        public var configPath: String
        /// Where the compose file goes, absolute.
        public var outputDirectory: String
        public var environment: String?
        /// The engine's name of the network; nil for `<app>-jobs`.
        public var network: String?
        /// The scheduler's image, overridable with `JOB_SCHEDULER_IMAGE` when Compose runs.
        public var schedulerImage: String
        /// A stack file for `docker stack deploy` on a swarm, with the digest of the radixconfig.yaml's
        /// bytes (`configDigest(of:)`), which names the config the schedulers read; nil for one engine.
        public var swarmConfigDigest: String?
        /// The file holding the webhooks' signing secret, absolute, with the digest of its bytes (which names
        /// the swarm's secret); nil: webhooks are delivered unsigned.
        public var webhookSecret: SecretFile?

        public init(configPath: String, outputDirectory: String, environment: String? = nil,
                    network: String? = nil, schedulerImage: String = ComposeGenerator.defaultSchedulerImage,
                    swarmConfigDigest: String? = nil, webhookSecret: SecretFile? = nil) {
            self.configPath = configPath
            self.outputDirectory = outputDirectory
            self.environment = environment
            self.network = network
            self.schedulerImage = schedulerImage
            self.swarmConfigDigest = swarmConfigDigest
            self.webhookSecret = webhookSecret
        }

        var onSwarm: Bool { swarmConfigDigest != nil }
    }

    /// A file on the host given to services as a secret.
    public struct SecretFile: Sendable, Equatable {
        /// Absolute.
        public var path: String
        /// Of its bytes (`configDigest(of:)`): a swarm's secret cannot change, so new content needs a new name.
        public var digest: String

        public init(path: String, digest: String) {
            self.path = path
            self.digest = digest
        }
    }

    /// Something in the config that a compose file cannot express.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public static let defaultSchedulerImage = "job-scheduler:latest"
    /// Where the schedulers find the config inside their containers.
    public static let configPathInContainer = "/app/radixconfig.yaml"
    /// The profile of the services that only build a job's image.
    public static let jobImagesProfile = "job-images"
    /// The application's network is the file's default network, under a name of its own (not the project's),
    /// so every service is on it without saying so, and the schedulers can name it to the engine.
    public static let networkKey = "default"
    /// The webhooks' signing secret: its key in the file, and where the schedulers read it.
    public static let webhookSecretKey = "webhook-secret"
    public static var webhookSecretInContainer: String { "/run/secrets/\(webhookSecretKey)" }

    public static func networkName(for application: RadixApplication, options: Options) -> String {
        options.network ?? "\(application.name)-jobs"
    }

    public static func make(application: RadixApplication, options: Options) throws(Problem) -> ComposeFile {
        let network = networkName(for: application, options: options)
        let configFolder = (options.configPath as NSString).deletingLastPathComponent
        let configInCompose = RelativePath.bindSource(from: options.outputDirectory, to: options.configPath)
        let jobs = application.jobs.map { $0.resolved(for: options.environment) }
        if options.webhookSecret != nil, !jobs.contains(where: { $0.notifications?.webhook != nil }) {
            throw Problem("a webhook secret is given, but no job of \(application.name) has notifications.webhook"
                + (options.environment.map { " in environment \($0)" } ?? "") + ": it would sign nothing")
        }
        let secrets = options.webhookSecret.map { secret in
            [ComposeFile.Secret(key: webhookSecretKey, name: options.onSwarm ? "\(application.name)-webhook-secret-\(secret.digest)" : nil,
                                file: RelativePath.from(options.outputDirectory, to: secret.path))]
        } ?? []

        var services: [ComposeFile.Service] = []
        for job in jobs {
            guard let image = job.image else {
                throw Problem("job \(job.name) has no image: set spec.jobs[].image (the image built from \(job.src ?? "its src") gets that name)")
            }
            let scheduler = schedulerService(job: job, application: application, options: options,
                                             network: network, configInCompose: configInCompose)
            services.append(options.onSwarm ? onSwarm(scheduler: scheduler, job: job) : scheduler)
            // (A stack builds nothing: the images are built with the one-engine file, then given to every node.)
            if let src = job.src, !options.onSwarm {
                if job.hasUnresolvedImageTag {
                    throw Problem("job \(job.name): the image \(image) built from \(src) needs a tag: set imageTagName"
                        + (options.environment.map { " (of the job or of its environment \($0))" } ?? " (or choose an environment with --env)"))
                }
                var service = ComposeFile.Service(name: "\(job.name)-image")
                service.comment = ["The image of job \(job.name), built from \(src): never started (profile \(jobImagesProfile));",
                                   "the scheduler \(job.name) starts a container of it for each job."]
                service.image = escaped(image)
                service.build = build(src: src, dockerfileName: job.dockerfileName, configFolder: configFolder, options: options)
                service.profiles = [jobImagesProfile]
                services.append(service)
            }
        }

        let schedulerNames = jobs.map(\.name)
        for component in application.components {
            guard let service = try componentService(component, application: application, options: options,
                                                     configFolder: configFolder, network: network,
                                                     schedulers: schedulerNames) else { continue }
            services.append(options.onSwarm ? onSwarm(component: service, component.ports.first { $0.name == component.publicPort }) : service)
        }

        var seen: Set<String> = []
        for service in services where !seen.insert(service.name).inserted {
            throw Problem("two services would be named \(service.name): rename the job or component")
        }

        if let digest = options.swarmConfigDigest {
            return ComposeFile(
                header: stackHeader(application: application, options: options, network: network),
                services: services,
                networks: [ComposeFile.Network(key: networkKey, name: network, driver: "overlay", attachable: true)],
                configs: [ComposeFile.Config(key: radixConfigKey, name: "\(application.name)-radixconfig-\(digest)",
                                             file: RelativePath.from(options.outputDirectory, to: options.configPath))],
                secrets: secrets
            )
        }
        return ComposeFile(
            header: header(application: application, options: options, network: network),
            services: services,
            networks: [ComposeFile.Network(key: networkKey, name: network)],
            secrets: secrets
        )
    }

    // MARK: - Services

    private static func schedulerService(job: ResolvedJob, application: RadixApplication, options: Options,
                                         network: String, configInCompose: String) -> ComposeFile.Service {
        var service = ComposeFile.Service(name: job.name)
        let image = job.image.map { " of \($0)" } ?? ""
        if let port = job.schedulerPort {
            service.comment = ["The scheduler of job \(job.name): http://\(job.name):\(port)/api/v1/jobs starts containers\(image)."]
        } else {
            service.comment = ["The scheduler of job \(job.name): runs its cron's schedules, starting containers\(image); no API (no schedulerPort)."]
        }
        service.image = "${JOB_SCHEDULER_IMAGE:-\(escaped(options.schedulerImage))}"
        var command = ["serve", "--config", configPathInContainer, "--job", job.name]
        if let environment = options.environment { command += ["--env", environment] }
        command += ["--network", network]
        service.command = command.map(escaped)
        service.environment = [.init("LOG_LEVEL", "${JOB_SCHEDULER_LOG_LEVEL:-info}")]
        if options.webhookSecret != nil, job.notifications?.webhook != nil {
            // Only the schedulers that deliver webhooks hold the key that signs them.
            service.environment.append(.init(ServeSettings.Variable.webhookSecretFile, webhookSecretInContainer))
            service.secrets = [webhookSecretKey]
        }
        if let port = job.schedulerPort {
            service.ports = ["127.0.0.1:${\(variableName(job.name, "SCHEDULER_PORT")):-\(port)}:\(port)"]
        }
        service.volumes = [
            "${DOCKER_SOCKET:-/var/run/docker.sock}:/var/run/docker.sock",
            "\(escaped(configInCompose)):\(configPathInContainer):ro",
        ]
        service.restart = "unless-stopped"
        return service
    }

    private static func componentService(_ component: ComponentDefinition, application: RadixApplication,
                                         options: Options, configFolder: String, network: String,
                                         schedulers: [String]) throws(Problem) -> ComposeFile.Service? {
        let override = options.environment.flatMap { environment in
            component.environmentConfig.first { $0.environment == environment }
        }
        let tagName = override?.imageTagName ?? component.imageTagName
        let configuredImage = (override?.image ?? component.image).map {
            ImageTagPlaceholder.resolve(image: $0, tagName: tagName).image
        }
        if let configuredImage, ImageTagPlaceholder.isPresent(in: configuredImage) {
            throw Problem("component \(component.name): the image \(configuredImage) needs a tag: set imageTagName"
                + (options.environment.map { " (of the component or of its environment \($0))" } ?? " (or choose an environment with --env)"))
        }
        guard component.src != nil || configuredImage != nil else { return nil }

        var service = ComposeFile.Service(name: component.name)
        service.comment = ["Component \(component.name)" + (component.src.map { ", built from \($0)" } ?? "") + "."]
        service.image = escaped(configuredImage ?? "\(application.name)/\(component.name):latest")
        if let src = component.src {
            service.build = build(src: src, dockerfileName: component.dockerfileName, configFolder: configFolder, options: options)
        }

        var variables = component.variables
        if let override { variables.merge(override.variables) { _, environmentValue in environmentValue } }
        variables["RADIX_APP"] = application.name
        variables["RADIX_COMPONENT"] = component.name
        if let environment = options.environment { variables["RADIX_ENVIRONMENT"] = environment }
        service.environment = variables.sorted { $0.key < $1.key }.map { .init($0.key, escaped($0.value)) }

        for port in component.ports {
            if port.name == component.publicPort {
                service.ports.append("127.0.0.1:${\(variableName(component.name, "PORT")):-\(port.port)}:\(port.port)")
            } else {
                service.expose.append(port.port)
            }
        }
        service.dependsOn = schedulers
        service.restart = "unless-stopped"

        let resources = override.map { component.resources.overridden(by: $0.resources) } ?? component.resources
        service.cpus = resources.limits.cpu.map { cores(millicores: $0.millicores) }
        service.memLimit = resources.limits.memory?.bytes
        service.memReservation = resources.requests.memory?.bytes
        return service
    }

    private static func build(src: String, dockerfileName: String?, configFolder: String, options: Options) -> ComposeFile.Build {
        let folder = src.hasPrefix("/") ? src : (configFolder as NSString).appendingPathComponent(src)
        return ComposeFile.Build(context: escaped(RelativePath.from(options.outputDirectory, to: folder)),
                                 dockerfile: dockerfileName.map(escaped))
    }

    // MARK: - Text

    private static func header(application: RadixApplication, options: Options, network: String) -> [String] {
        let config = RelativePath.from(options.outputDirectory, to: options.configPath)
        let environment = options.environment.map { " (environment \($0))" } ?? ""
        let command = "job-scheduler generate compose" + regenerationOptions(options)
        return [
            "The Radix application \(application.name)\(environment) on one Docker engine: generated from",
            "\(config) by `\(command)`. Regenerate it rather than edit it.",
            "",
            "Each job has its scheduler, a service named after the job on the job's schedulerPort, that starts",
            "the job's containers on the network \(network); there they answer at http://<job name>:<port>.",
            "The schedulers run the image $JOB_SCHEDULER_IMAGE (default \(options.schedulerImage)), made by the",
            "job-scheduler's deploy/Dockerfile. In this folder:",
            "",
            "  docker-compose --profile \(jobImagesProfile) build   # the job images (never started) and the components",
            "  docker-compose up -d",
            "  docker ps -aq --filter label=radix-app=\(application.name) | xargs -r docker rm -f   # the job containers,",
            "  docker-compose down                   # which compose does not manage, then the rest",
            "",
            "Set in the environment: JOB_SCHEDULER_IMAGE, DOCKER_SOCKET (the engine's socket, default",
            "/var/run/docker.sock), JOB_SCHEDULER_LOG_LEVEL, and the ports published on 127.0.0.1:",
            "<JOB>_SCHEDULER_PORT and <COMPONENT>_PORT (default: the port in the container).",
        ]
    }

    /// The options after `generate compose [--swarm]` that make this file again (paths as the file sees them).
    static func regenerationOptions(_ options: Options) -> String {
        (options.environment.map { " --env \($0)" } ?? "")
            + (options.network.map { " --network \($0)" } ?? "")
            + (options.schedulerImage == defaultSchedulerImage ? "" : " --scheduler-image \(options.schedulerImage)")
            + (options.webhookSecret.map { " --webhook-secret-file \(RelativePath.from(options.outputDirectory, to: $0.path))" } ?? "")
    }

    /// A value from the config, with `$` doubled so Compose does not interpolate it.
    static func escaped(_ text: String) -> String {
        text.replacing("$", with: "$$")
    }

    /// `compute`, `SCHEDULER_PORT` -> `COMPUTE_SCHEDULER_PORT`.
    static func variableName(_ name: String, _ suffix: String) -> String {
        let stem = String(name.uppercased().unicodeScalars.map {
            ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_"
        })
        return "\(stem)_\(suffix)"
    }

    /// 500 -> "0.5", 2000 -> "2", 1250 -> "1.25".
    static func cores(millicores: Int64) -> String {
        let whole = millicores / 1000
        let fraction = millicores % 1000
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}

/// Relative paths between absolute paths, as a compose file wants them.
enum RelativePath {
    /// `path` relative to the folder `base` (both absolute); "." when they are the same.
    static func from(_ base: String, to path: String) -> String {
        let baseParts = components(base)
        let pathParts = components(path)
        var common = 0
        while common < baseParts.count, common < pathParts.count, baseParts[common] == pathParts[common] {
            common += 1
        }
        let parts = Array(repeating: "..", count: baseParts.count - common) + pathParts[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// A relative path Compose reads as a bind mount's host path rather than a volume's name.
    static func bindSource(from base: String, to path: String) -> String {
        let relative = from(base, to: path)
        return relative.hasPrefix(".") ? relative : "./" + relative
    }

    private static func components(_ path: String) -> [String] {
        URL(fileURLWithPath: path).standardizedFileURL.path.split(separator: "/").map(String.init)
    }
}
