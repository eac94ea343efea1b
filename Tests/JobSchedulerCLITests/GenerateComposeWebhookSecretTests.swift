import EngineTestSupport
import Foundation
import JobSchedulerCLI
import RadixConfig
import Testing

/// `generate compose --webhook-secret-file`: the schedulers of jobs with a webhook get the secret that
/// signs it (a Compose secret, read by `serve` through JOB_SCHEDULER_WEBHOOK_SECRET_FILE); nothing else does.
@Suite("generate compose: the webhooks' secret")
struct GenerateComposeWebhookSecretTests {
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString() + "\n"
    /// The sample application with a webhook on the mailer job (to the web component's non-public port).
    static let withWebhook = GenerateComposeTests.sample.replacingOccurrences(
        of: "      image: shop/mailer:latest\n      schedulerPort: 8200",
        with: "      image: shop/mailer:latest\n      schedulerPort: 8200\n      notifications:\n        webhook: http://web:9090/hooks")

    func run(_ arguments: [String]) throws -> (status: Int32, output: CapturedOutput) {
        let parsed = try JobSchedulerCommand.parseAsRoot(["generate", "compose"] + arguments)
        let command = try #require(parsed as? GenerateComposeCommand)
        let output = CapturedOutput()
        return (command.execute(output: output), output)
    }

    @Test func onlyTheWebhooksSchedulerGetsTheSecret() async throws {
        #expect(Self.withWebhook != GenerateComposeTests.sample)
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", Self.withWebhook)
        let secretFile = try folder.write("webhook.secret", Self.secret)
        let outputPath = folder.url.appendingPathComponent("compose.yml").path
        let (status, output) = try run(["--config", config, "--env", "dev", "--webhook-secret-file", secretFile, "--output", outputPath])
        #expect(status == 0, "\(output.stderr)")
        let written = try String(contentsOfFile: outputPath, encoding: .utf8)
        // Beside the file, as Compose resolves it; and in the command that makes the file again.
        #expect(written.hasSuffix("\nsecrets:\n  webhook-secret:\n    file: webhook.secret\n"), "\(written)")
        #expect(written.contains("by `job-scheduler generate compose --env dev --webhook-secret-file webhook.secret`"), "\(written)")

        let file = try ComposeGenerator.make(
            application: try RadixConfigFile.load(path: config),
            options: .init(configPath: config, outputDirectory: folder.url.path, environment: "dev",
                           webhookSecret: .init(path: secretFile, digest: ComposeGenerator.configDigest(of: Array(Self.secret.utf8)))))
        #expect(file.rendered() == written)
        let mailer = try #require(file.service(named: "mailer"))
        #expect(mailer.secrets == ["webhook-secret"])
        #expect(mailer.environment.contains(ComposeFile.Variable("JOB_SCHEDULER_WEBHOOK_SECRET_FILE", "/run/secrets/webhook-secret")))
        // The scheduler without a webhook, and the components, hold no key.
        for name in ["report-maker", "web", "cache"] {
            let service = try #require(file.service(named: name))
            #expect(service.secrets.isEmpty, "\(name)")
            #expect(!service.environment.contains { $0.key == "JOB_SCHEDULER_WEBHOOK_SECRET_FILE" }, "\(name)")
        }

        // docker-compose (1.29 here) reads it: the secret is mounted into the mailer's scheduler only.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-compose") {
            for context in ["jobs/report", "web"] {  // the build contexts it checks
                try FileManager.default.createDirectory(at: folder.url.appendingPathComponent(context), withIntermediateDirectories: true)
            }
            let resolved = try await ChildProcess.run(["docker-compose", "-f", outputPath, "config"], input: nil)
            #expect(resolved.status == 0, "\(resolved.stderr)")
            #expect(resolved.stdout.contains("webhook-secret:\n    file: \(folder.url.path)/webhook.secret"), "\(resolved.stdout)")
            #expect(resolved.stdout.components(separatedBy: "source: webhook-secret").count == 2, "\(resolved.stdout)")
        }
    }

    @Test func onASwarmTheSecretIsNamedByItsContent() throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", Self.withWebhook)
        let secretFile = try folder.write("webhook.secret", Self.secret)
        let (status, output) = try run(["--swarm", "--config", config, "--env", "dev", "--webhook-secret-file", secretFile])
        #expect(status == 0, "\(output.stderr)")
        let digest = ComposeGenerator.configDigest(of: Array(Self.secret.utf8))
        let text = output.stdout.joined(separator: "\n")
        #expect(text.contains("secrets:\n  webhook-secret:\n    name: shop-webhook-secret-\(digest)\n"), "\(text)")
        #expect(text.contains("JOB_SCHEDULER_WEBHOOK_SECRET_FILE: \"/run/secrets/webhook-secret\""), "\(text)")
    }

    @Test func aSecretThatWouldSignNothingOrCannotBeUsedIsRefused() throws {
        let folder = try TemporaryFolder()
        let plain = try folder.write("plain.yaml", GenerateComposeTests.sample)
        let withWebhook = try folder.write("radixconfig.yaml", Self.withWebhook)
        let secretFile = try folder.write("webhook.secret", Self.secret)
        let notASecret = try folder.write("not.secret", "hunter2\n")

        let unused = try run(["--config", plain, "--webhook-secret-file", secretFile])
        #expect(unused.status == 1)
        #expect(unused.output.stderr == ["job-scheduler generate compose: a webhook secret is given, but no job of shop has notifications.webhook: it would sign nothing"])
        let malformed = try run(["--config", withWebhook, "--webhook-secret-file", notASecret])
        #expect(malformed.status == 1)
        #expect(malformed.output.stderr.first?.hasPrefix("job-scheduler generate compose: the webhook secret file \(notASecret): ") == true, "\(malformed.output.stderr)")
        let missing = try run(["--config", withWebhook, "--webhook-secret-file", folder.url.appendingPathComponent("absent").path])
        #expect(missing.status == 1)
        #expect(missing.output.stderr.first?.contains("cannot read the webhook secret file") == true)
        #expect(unused.output.stdout.isEmpty && malformed.output.stdout.isEmpty && missing.output.stdout.isEmpty)
    }
}
