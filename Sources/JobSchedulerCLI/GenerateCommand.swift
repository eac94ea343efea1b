import ArgumentParser
import Foundation
import RadixConfig
import WebhookNotifications

/// `job-scheduler generate`: files made from a radixconfig.yaml.
public struct GenerateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate files from a radixconfig.yaml.",
        subcommands: [GenerateComposeCommand.self]
    )

    public init() {}
}

/// `job-scheduler generate compose`: a docker-compose file that runs the application on one engine,
/// each job's scheduler as a service named after the job (see `ComposeGenerator`).
public struct GenerateComposeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Write a docker-compose file running a scheduler per job and the components of a radixconfig.yaml.",
        discussion: """
            Every job gets a scheduler service named after it, on its schedulerPort, with the Docker socket \
            mounted and the application's network, which its job containers join. Jobs with a src get a \
            service that only builds their image (profile job-images); components with a src or an image \
            become services too. Relative paths in the file (build contexts, the radixconfig.yaml the \
            schedulers read) are written for the folder of --output, or the current folder without it. \
            The file works with docker-compose 1.29 and with Compose v2. With --swarm it is a stack file \
            for `docker stack deploy` on a swarm instead: the schedulers on a manager with --runtime swarm, \
            reading the radixconfig.yaml from a swarm config, everything on an attachable overlay network; \
            the images are built with the one-engine file.
            """
    )

    @Option(name: .long, help: "Path of the radixconfig.yaml.")
    public var config: String = RadixConfigFile.defaultFileName

    @Option(name: .long, help: "Apply this environment's overrides (must be listed in spec.environments).")
    public var env: String?

    @Option(name: .long, help: "Write the file here instead of to standard output.")
    public var output: String?

    @Option(name: .long, help: "Docker network of the services and the job containers. (default: <app>-jobs)")
    public var network: String?

    @Option(name: .customLong("scheduler-image"),
            help: "The job-scheduler's image, unless JOB_SCHEDULER_IMAGE is set when Compose runs.")
    public var schedulerImage: String = ComposeGenerator.defaultSchedulerImage

    @Flag(name: .long, help: "Write a stack file for `docker stack deploy` on a swarm (schedulers with --runtime swarm).")
    public var swarm = false

    @Option(name: .customLong("webhook-secret-file"),
            help: "File with the secret (whsec_ and base64) that signs the webhooks: given as a secret to the schedulers of jobs with notifications.webhook. (default: unsigned)")
    public var webhookSecretFile: String?

    public init() {}

    public func run() async throws {
        let status = execute(output: StandardOutput())
        if status != 0 { throw ExitCode(status) }
    }

    /// The command's work with its output injected; returns the exit status.
    public func execute(output printer: some CommandOutput) -> Int32 {
        let application: RadixApplication
        do {
            application = try RadixConfigFile.load(path: config)
            if let env { try EnvironmentSelection.check(env, in: application, fileName: config) }
        } catch {
            for problem in error.problems { printer.err(problem.description) }
            return 1
        }

        let current = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: current, isDirectory: true)).standardizedFileURL.path
        }
        let outputPath = self.output.map(absolute)
        var digest: String?
        if swarm {
            guard let bytes = FileManager.default.contents(atPath: absolute(config)) else {
                printer.err("job-scheduler generate compose: cannot read \(config)")
                return 1
            }
            digest = ComposeGenerator.configDigest(of: bytes)
        }
        var webhookSecret: ComposeGenerator.SecretFile?
        if let webhookSecretFile {
            // Read now, so a file the schedulers could not use fails here rather than at their start.
            guard let bytes = FileManager.default.contents(atPath: absolute(webhookSecretFile)) else {
                printer.err("job-scheduler generate compose: cannot read the webhook secret file \(webhookSecretFile)")
                return 1
            }
            do {
                _ = try WebhookSecret(String(decoding: bytes, as: UTF8.self))  // as `serve` reads it
            } catch {
                printer.err("job-scheduler generate compose: the webhook secret file \(webhookSecretFile): \(error)")
                return 1
            }
            webhookSecret = .init(path: absolute(webhookSecretFile), digest: ComposeGenerator.configDigest(of: bytes))
        }
        let options = ComposeGenerator.Options(
            configPath: absolute(config),
            outputDirectory: outputPath.map { ($0 as NSString).deletingLastPathComponent } ?? absolute("."),
            environment: env,
            network: network,
            schedulerImage: schedulerImage,
            swarmConfigDigest: digest,
            webhookSecret: webhookSecret
        )
        let text: String
        do {
            text = try ComposeGenerator.make(application: application, options: options).rendered()
        } catch {
            printer.err("job-scheduler generate compose: \(error)")
            return 1
        }

        guard let outputPath else {
            printer.out(String(text.dropLast()))
            return 0
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: outputPath), options: .atomic)
        } catch {
            printer.err("job-scheduler generate compose: cannot write \(self.output ?? outputPath): \(error.localizedDescription)")
            return 1
        }
        return 0
    }
}
