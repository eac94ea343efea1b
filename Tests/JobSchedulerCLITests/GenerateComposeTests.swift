import EngineTestSupport
import Foundation
import RadixConfig
import Testing
@testable import JobSchedulerCLI

/// `generate compose`: the committed deploy/docker-compose.yml is what the generator makes, and the
/// generator maps a radixconfig.yaml to services the way Radix runs an application.
@Suite("generate compose")
struct GenerateComposeTests {
    static let committedFile = repositoryRoot.appendingPathComponent("deploy/docker-compose.yml")
    static let regenerate = "job-scheduler generate compose --config radixconfig.yaml --env dev --output deploy/docker-compose.yml"

    /// The committed file is current: generated from radixconfig.yaml for the dev environment.
    @Test func committedFileIsCurrent() throws {
        let config = repositoryRoot.appendingPathComponent("radixconfig.yaml").path
        let application = try RadixConfigFile.load(path: config)
        let options = ComposeGenerator.Options(configPath: config, outputDirectory: repositoryRoot.appendingPathComponent("deploy").path,
                                               environment: "dev")
        let generated = try ComposeGenerator.make(application: application, options: options).rendered()
        let committed = try String(contentsOf: Self.committedFile, encoding: .utf8)
        #expect(committed == generated, "deploy/docker-compose.yml is out of date: regenerate it with `\(Self.regenerate)` (swift run, from the repository root)")
    }

    /// The example application as the issue describes it: compute and etl schedulers by name on their ports,
    /// the backend built from deploy/app/backend, everything on radix-example-jobs.
    @Test func exampleApplication() throws {
        let config = repositoryRoot.appendingPathComponent("radixconfig.yaml").path
        let file = try ComposeGenerator.make(
            application: try RadixConfigFile.load(path: config),
            options: .init(configPath: config, outputDirectory: repositoryRoot.appendingPathComponent("deploy").path, environment: "dev"))
        #expect(file.services.map(\.name) == ["compute", "compute-image", "etl", "etl-image", "backend"])
        let compute = try #require(file.service(named: "compute"))
        #expect(compute.command == ["serve", "--config", "/app/radixconfig.yaml", "--job", "compute", "--env", "dev",
                                    "--network", "radix-example-jobs"])
        #expect(compute.ports == ["127.0.0.1:${COMPUTE_SCHEDULER_PORT:-8000}:8000"])
        #expect(compute.volumes == ["${DOCKER_SOCKET:-/var/run/docker.sock}:/var/run/docker.sock",
                                    "../radixconfig.yaml:/app/radixconfig.yaml:ro"])
        #expect(compute.image == "${JOB_SCHEDULER_IMAGE:-job-scheduler:latest}")
        #expect(compute.networks.isEmpty)
        let computeImage = try #require(file.service(named: "compute-image"))
        #expect(computeImage.image == "radix-example/compute:latest")
        #expect(computeImage.build == ComposeFile.Build(context: "app/compute"))
        #expect(computeImage.profiles == ["job-images"])
        #expect(computeImage.command == nil && computeImage.ports.isEmpty)
        let etl = try #require(file.service(named: "etl"))
        #expect(etl.ports == ["127.0.0.1:${ETL_SCHEDULER_PORT:-9000}:9000"])
        let backend = try #require(file.service(named: "backend"))
        #expect(backend.build == ComposeFile.Build(context: "app/backend"))
        #expect(backend.image == "radix-example/backend:latest")
        #expect(backend.environment.contains(.init("COMPUTE_URL", "http://compute:8000")))
        #expect(backend.environment.contains(.init("RADIX_ENVIRONMENT", "dev")))
        #expect(backend.ports == ["127.0.0.1:${BACKEND_PORT:-8080}:8080"])
        #expect(backend.dependsOn == ["compute", "etl"])
        #expect(file.networks == [ComposeFile.Network(key: "default", name: "radix-example-jobs")])
    }

    static let sample = """
        apiVersion: radix.equinor.com/v1
        kind: RadixApplication
        metadata:
          name: shop
        spec:
          environments:
            - name: dev
            - name: prod
          components:
            - name: web
              src: web
              dockerfileName: web.Dockerfile
              ports:
                - name: http
                  port: 8080
                - name: metrics
                  port: 9090
              publicPort: http
              variables:
                PRICE: "$5"
                MODE: "yes"
              resources:
                requests: {memory: 64Mi}
                limits: {cpu: 250m, memory: 128Mi}
              environmentConfig:
                - environment: prod
                  variables:
                    MODE: production
                  resources:
                    limits: {cpu: "1.5"}
            - name: cache
              image: redis:{imageTagName}
              imageTagName: "7"
            - name: nothing
              ports:
                - name: http
                  port: 80
          jobs:
            - name: report-maker
              src: jobs/report
              image: shop/report:{imageTagName}
              imageTagName: v1
              schedulerPort: 8100
              environmentConfig:
                - environment: prod
                  imageTagName: v2
            - name: mailer
              image: shop/mailer:latest
              schedulerPort: 8200

        """

    func generate(_ yaml: String, env: String? = nil, output: String = "/repo/deploy",
                  network: String? = nil, schedulerImage: String = ComposeGenerator.defaultSchedulerImage) throws -> ComposeFile {
        try ComposeGenerator.make(application: try RadixConfigFile.parse(yaml: yaml),
                                  options: .init(configPath: "/repo/radixconfig.yaml", outputDirectory: output, environment: env,
                                                 network: network, schedulerImage: schedulerImage))
    }

    @Test func schedulersPerJobAndImagesOnlyForJobsWithSrc() throws {
        let file = try generate(Self.sample, env: "prod")
        #expect(file.services.map(\.name) == ["report-maker", "report-maker-image", "mailer", "web", "cache"])
        let scheduler = try #require(file.service(named: "report-maker"))
        #expect(scheduler.command == ["serve", "--config", "/app/radixconfig.yaml", "--job", "report-maker", "--env", "prod",
                                      "--network", "shop-jobs"])
        #expect(scheduler.ports == ["127.0.0.1:${REPORT_MAKER_SCHEDULER_PORT:-8100}:8100"])
        #expect(scheduler.restart == "unless-stopped")
        // The environment's tag names the image that is built.
        #expect(file.service(named: "report-maker-image")?.image == "shop/report:v2")
        #expect(file.service(named: "report-maker-image")?.build == ComposeFile.Build(context: "../jobs/report"))
        #expect(file.service(named: "mailer-image") == nil)
    }

    @Test func aJobWithoutSchedulerPortGetsASchedulerWithNoPort() throws {
        let yaml = Self.sample.replacingOccurrences(of: "      image: shop/mailer:latest\n      schedulerPort: 8200",
                                                    with: "      image: shop/mailer:latest\n      cron: {schedules: [\"@hourly\"], concurrency: Forbid}")
        #expect(yaml != Self.sample)
        let file = try generate(yaml, env: "prod")
        let mailer = try #require(file.service(named: "mailer"))
        #expect(mailer.ports.isEmpty)
        #expect(mailer.comment.first?.contains("no API (no schedulerPort)") == true)
        #expect(mailer.command?.contains("serve") == true)
    }

    @Test func componentsWithSrcOrImageWithTheirEnvironment() throws {
        let file = try generate(Self.sample, env: "prod")
        let web = try #require(file.service(named: "web"))
        #expect(web.build == ComposeFile.Build(context: "../web", dockerfile: "web.Dockerfile"))
        #expect(web.image == "shop/web:latest")
        // The component's variables with the environment's over them, `$` kept from interpolation, RADIX_* added.
        #expect(web.environment == [.init("MODE", "production"), .init("PRICE", "$$5"), .init("RADIX_APP", "shop"),
                                    .init("RADIX_COMPONENT", "web"), .init("RADIX_ENVIRONMENT", "prod")])
        #expect(web.ports == ["127.0.0.1:${WEB_PORT:-8080}:8080"])
        #expect(web.expose == [9090])
        #expect(web.cpus == "1.5")
        #expect(web.memLimit == 134_217_728)
        #expect(web.memReservation == 67_108_864)
        #expect(web.dependsOn == ["report-maker", "mailer"])
        let cache = try #require(file.service(named: "cache"))
        #expect(cache.image == "redis:7")
        #expect(cache.build == nil)
        #expect(file.service(named: "nothing") == nil)
    }

    @Test func withoutEnvironmentTheBaseValues() throws {
        let file = try generate(Self.sample)
        #expect(file.service(named: "report-maker")?.command?.contains("--env") == false)
        #expect(file.service(named: "report-maker-image")?.image == "shop/report:v1")
        let web = try #require(file.service(named: "web"))
        #expect(web.environment.first { $0.key == "MODE" }?.value == "yes")
        #expect(!web.environment.contains { $0.key == "RADIX_ENVIRONMENT" })
        #expect(web.cpus == "0.25")
    }

    @Test func networkAndSchedulerImageOptions() throws {
        let file = try generate(Self.sample, network: "my-net", schedulerImage: "registry.local/job-scheduler:1.0")
        #expect(file.networks == [ComposeFile.Network(key: "default", name: "my-net")])
        #expect(file.service(named: "mailer")?.command?.suffix(2) == ["--network", "my-net"])
        #expect(file.service(named: "mailer")?.image == "${JOB_SCHEDULER_IMAGE:-registry.local/job-scheduler:1.0}")
    }

    @Test func pathsAreRelativeToTheOutputFolder() throws {
        let beside = try generate(Self.sample, output: "/repo")
        #expect(beside.service(named: "web")?.build?.context == "web")
        #expect(beside.service(named: "mailer")?.volumes.last == "./radixconfig.yaml:/app/radixconfig.yaml:ro")
        let deeper = try generate(Self.sample, output: "/elsewhere/compose")
        #expect(deeper.service(named: "web")?.build?.context == "../../repo/web")
        #expect(deeper.service(named: "mailer")?.volumes.last == "../../repo/radixconfig.yaml:/app/radixconfig.yaml:ro")
    }

    @Test func aJobBuiltFromSrcNeedsAnImageName() throws {
        #expect(throws: ComposeGenerator.Problem("job etl has no image: set spec.jobs[].image (the image built from etl gets that name)")) {
            try generate(jobBuiltWithoutImageName)
        }
    }

    /// (Validation already refuses a placeholder without a tag name; the generator does not rely on it.)
    @Test func aBuiltImageNeedsATag() throws {
        let application = RadixApplication(name: "shop", jobs: [
            JobDefinition(name: "etl", src: "etl", image: "shop/etl:{imageTagName}", schedulerPort: 9000),
        ])
        #expect(throws: ComposeGenerator.Problem(
            "job etl: the image shop/etl:{imageTagName} built from etl needs a tag: set imageTagName (or choose an environment with --env)")) {
            try ComposeGenerator.make(application: application, options: .init(configPath: "/repo/radixconfig.yaml", outputDirectory: "/repo"))
        }
    }

    @Test func serviceNamesMustNotClash() throws {
        let yaml = """
            apiVersion: radix.equinor.com/v1
            kind: RadixApplication
            metadata:
              name: shop
            spec:
              components:
                - name: etl-image
                  image: something:1
              jobs:
                - name: etl
                  src: etl
                  image: shop/etl:1
                  schedulerPort: 9000

            """
        #expect(throws: ComposeGenerator.Problem("two services would be named etl-image: rename the job or component")) {
            try generate(yaml)
        }
    }

    @Test func renderedYAMLQuotesWhatNeedsIt() throws {
        var service = ComposeFile.Service(name: "web")
        service.image = "shop/web:latest"
        service.command = ["sh", "-c", "echo \"hi\"\n"]
        service.environment = [.init("FLAG", "yes"), .init("PATH_LIKE", "a: b # c")]
        let text = ComposeFile(header: ["made by a test", ""], services: [service], networks: [.init(key: "jobs", name: "on")]).rendered()
        #expect(text == """
            # made by a test
            #

            version: "3.8"

            services:
              web:
                image: shop/web:latest
                command: ["sh", "-c", "echo \\"hi\\"\\n"]
                environment:
                  FLAG: "yes"
                  PATH_LIKE: "a: b # c"

            networks:
              jobs:
                name: "on"

            """)
        #expect(YAMLText.scalar("no") == "\"no\"")
        #expect(YAMLText.scalar("3.8") == "\"3.8\"")
        #expect(YAMLText.scalar("radix-example/compute:latest") == "radix-example/compute:latest")
        #expect(YAMLText.quoted("bell\u{7}") == "\"bell\\x07\"")
    }

    @Test func helpers() {
        #expect(ComposeGenerator.variableName("report-maker", "PORT") == "REPORT_MAKER_PORT")
        #expect(ComposeGenerator.cores(millicores: 500) == "0.5")
        #expect(ComposeGenerator.cores(millicores: 2000) == "2")
        #expect(ComposeGenerator.cores(millicores: 1250) == "1.25")
        #expect(ComposeGenerator.cores(millicores: 5) == "0.005")
        #expect(RelativePath.from("/a/b", to: "/a/b") == ".")
        #expect(RelativePath.from("/a/b", to: "/a/c/d") == "../c/d")
        #expect(RelativePath.from("/a/b/", to: "/a/b/./c/../d") == "d")
    }
}

/// The command itself: options, output, problems.
@Suite("generate compose, the command")
struct GenerateComposeCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: CapturedOutput) {
        let parsed = try JobSchedulerCommand.parseAsRoot(["generate", "compose"] + arguments)
        let command = try #require(parsed as? GenerateComposeCommand)
        let output = CapturedOutput()
        return (command.execute(output: output), output)
    }

    @Test func writesTheFileForItsFolder() throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", GenerateComposeTests.sample)
        let outputPath = folder.url.appendingPathComponent("deploy/compose.yml").path
        try FileManager.default.createDirectory(atPath: (outputPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let (status, output) = try run(["--config", config, "--env", "dev", "--output", outputPath])
        #expect(status == 0)
        #expect(output.stdout.isEmpty && output.stderr.isEmpty)
        let written = try String(contentsOfFile: outputPath, encoding: .utf8)
        let expected = try ComposeGenerator.make(
            application: try RadixConfigFile.load(path: config),
            options: .init(configPath: config, outputDirectory: (outputPath as NSString).deletingLastPathComponent, environment: "dev")).rendered()
        #expect(written == expected)
        #expect(written.contains("      - \"../radixconfig.yaml:/app/radixconfig.yaml:ro\""))
        #expect(written.hasPrefix("# The Radix application shop (environment dev) on one Docker engine: generated from\n# ../radixconfig.yaml by `job-scheduler generate compose --env dev`."))
    }

    @Test func standardOutputWithoutOutputOption() throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", GenerateComposeTests.sample)
        let (status, output) = try run(["--config", config])
        #expect(status == 0)
        #expect(output.stdout.count == 1)
        let text = try #require(output.stdout.first)
        #expect(text.contains("\nservices:\n") && text.contains("\n  report-maker:\n"))
        #expect(text.contains("      - \"./radixconfig.yaml:/app/radixconfig.yaml:ro\"") == (folder.url.standardizedFileURL.path == FileManager.default.currentDirectoryPath))
    }

    @Test func unknownEnvironment() throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", GenerateComposeTests.sample)
        let (status, output) = try run(["--config", config, "--env", "qa"])
        #expect(status == 1)
        #expect(output.stderr == ["\(config): spec.environments: --env qa is not one of the listed environments (dev, prod)"])
    }

    @Test func invalidConfigListsItsProblems() throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("bad.yaml", SampleConfigs.bad)
        let (status, output) = try run(["--config", config])
        #expect(status == 1)
        #expect(output.stderr == SampleConfigs.badProblems.map { "\(config):\($0)" })
    }

    @Test func aProblemOfTheGenerator() throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("radixconfig.yaml", jobBuiltWithoutImageName)
        let (status, output) = try run(["--config", config])
        #expect(status == 1)
        #expect(output.stderr == ["job-scheduler generate compose: job etl has no image: set spec.jobs[].image (the image built from etl gets that name)"])
    }

    /// docker-compose (1.29 here) reads the committed file, interpolating what the environment sets.
    /// (That `up` leaves the job-images services alone and `down` leaves nothing is scripts/compose-test.sh's.)
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-compose"), "docker-compose is not installed"))
    func dockerComposeAcceptsTheCommittedFile() async throws {
        let file = GenerateComposeTests.committedFile.path
        let services = try await ChildProcess.run(["docker-compose", "-f", file, "config", "--services"], input: nil)
        #expect(services.status == 0, "\(services.stderr)")
        #expect(Set(services.stdout.split(separator: "\n")) == ["compute", "compute-image", "etl", "etl-image", "backend"])
        let resolved = try await ChildProcess.run(["docker-compose", "-f", file, "config"], input: nil,
                                                  environment: ["COMPUTE_SCHEDULER_PORT": "18000", "JOB_SCHEDULER_IMAGE": "js:test"])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(resolved.stdout.contains("127.0.0.1:18000:8000"))
        #expect(resolved.stdout.contains("127.0.0.1:9000:9000"))
        #expect(resolved.stdout.contains("image: js:test"))
        #expect(resolved.stdout.contains("name: radix-example-jobs"))
        #expect(resolved.stdout.contains("profiles:\n    - job-images"))
    }
}

/// A job built from its src, with no image to name what is built.
private let jobBuiltWithoutImageName = """
    apiVersion: radix.equinor.com/v1
    kind: RadixApplication
    metadata:
      name: shop
    spec:
      jobs:
        - name: etl
          src: etl
          schedulerPort: 9000

    """
