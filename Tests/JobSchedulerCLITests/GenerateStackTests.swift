import EngineTestSupport
import Foundation
import RadixConfig
import Testing
@testable import JobSchedulerCLI

/// `generate compose --swarm`: the committed deploy/docker-stack.yml is what the generator makes, and
/// the stack runs the same services the way a swarm does. (That `docker stack deploy` runs it on a
/// three-node swarm and the backend's job passes is scripts/stack-test.sh's.)
@Suite("generate compose --swarm")
struct GenerateStackTests {
    static let committedFile = repositoryRoot.appendingPathComponent("deploy/docker-stack.yml")
    static let regenerate = "job-scheduler generate compose --swarm --config radixconfig.yaml --env dev --output deploy/docker-stack.yml"

    @Test func committedFileIsCurrent() throws {
        let config = repositoryRoot.appendingPathComponent("radixconfig.yaml").path
        let digest = ComposeGenerator.configDigest(of: try Data(contentsOf: URL(fileURLWithPath: config)))
        let options = ComposeGenerator.Options(configPath: config, outputDirectory: repositoryRoot.appendingPathComponent("deploy").path,
                                               environment: "dev", swarmConfigDigest: digest)
        let generated = try ComposeGenerator.make(application: try RadixConfigFile.load(path: config), options: options).rendered()
        let committed = try String(contentsOf: Self.committedFile, encoding: .utf8)
        #expect(committed == generated, "deploy/docker-stack.yml is out of date: regenerate it with `\(Self.regenerate)` (swift run, from the repository root)")
    }

    func stack(_ yaml: String = GenerateComposeTests.sample, env: String? = "prod", digest: String = "0123456789abcdef") throws -> ComposeFile {
        try ComposeGenerator.make(application: try RadixConfigFile.parse(yaml: yaml),
                                  options: .init(configPath: "/repo/radixconfig.yaml", outputDirectory: "/repo/deploy",
                                                 environment: env, swarmConfigDigest: digest))
    }

    @Test func schedulersRunOnAManagerWithTheSwarmRuntimeAndTheConfigFromASwarmConfig() throws {
        let file = try stack()
        // Nothing is built: no services for the job images.
        #expect(file.services.map(\.name) == ["report-maker", "mailer", "web", "cache"])
        let scheduler = try #require(file.service(named: "report-maker"))
        #expect(scheduler.command == ["serve", "--config", "/app/radixconfig.yaml", "--job", "report-maker", "--env", "prod",
                                      "--runtime", "swarm", "--network", "shop-jobs"])
        #expect(scheduler.volumes == ["${DOCKER_SOCKET:-/var/run/docker.sock}:/var/run/docker.sock"])
        #expect(scheduler.configs == [.init(source: "radixconfig", target: "/app/radixconfig.yaml")])
        #expect(scheduler.ports.isEmpty && scheduler.publishedPorts.isEmpty, "reached over the overlay only")
        #expect(scheduler.restart == nil)
        #expect(scheduler.deploy?.constraints == ["node.role == manager"])
        #expect(scheduler.deploy?.endpointMode == "dnsrr")
        #expect(scheduler.deploy?.restartCondition == "any")
        #expect(file.configs == [.init(key: "radixconfig", name: "shop-radixconfig-0123456789abcdef", file: "../radixconfig.yaml")])
        #expect(file.networks == [.init(key: "default", name: "shop-jobs", driver: "overlay", attachable: true)])
    }

    @Test func componentsPublishTheirPublicPortOnTheirNodeWithTheirResourcesAsDeployKeys() throws {
        let file = try stack()
        let web = try #require(file.service(named: "web"))
        #expect(web.image == "shop/web:latest")
        #expect(web.build == nil && web.dependsOn.isEmpty && web.expose.isEmpty && web.restart == nil)
        #expect(web.environment.contains(.init("MODE", "production")))
        #expect(web.ports.isEmpty)
        #expect(web.publishedPorts == [.init(target: 8080, published: "${WEB_PORT:-8080}")])
        #expect(web.cpus == nil && web.memLimit == nil && web.memReservation == nil)
        #expect(web.deploy?.cpuLimit == "1.5")
        #expect(web.deploy?.memoryLimit == 134_217_728)
        #expect(web.deploy?.memoryReservation == 67_108_864)
        #expect(web.deploy?.constraints.isEmpty == true)
        #expect(try #require(file.service(named: "cache")).publishedPorts.isEmpty)
    }

    @Test func aChangedConfigIsANewSwarmConfig() throws {
        let first = ComposeGenerator.configDigest(of: Array("a: 1\n".utf8))
        let second = ComposeGenerator.configDigest(of: Array("a: 2\n".utf8))
        #expect(first != second)
        #expect(first == ComposeGenerator.configDigest(of: Array("a: 1\n".utf8)))
        #expect(first.count == 16 && first.allSatisfy(\.isHexDigit))
        // FNV-1a 64 of the empty input is its offset basis.
        #expect(ComposeGenerator.configDigest(of: [UInt8]()) == "cbf29ce484222325")
    }

    @Test func renderedStackKeys() throws {
        let text = try stack().rendered()
        func block(_ lines: String...) -> String { lines.joined(separator: "\n") + "\n" }
        #expect(text.contains(block("      - target: 8080", "        published: \"${WEB_PORT:-8080}\"", "        mode: host")))
        #expect(text.contains(block("    deploy:", "      endpoint_mode: dnsrr", "      placement:", "        constraints:",
                                    "          - \"node.role == manager\"", "      restart_policy:", "        condition: any")))
        #expect(text.contains(block("      resources:", "        limits:", "          cpus: \"1.5\"", "          memory: \"134217728\"",
                                    "        reservations:", "          memory: \"67108864\"")))
        #expect(text.hasSuffix(block("networks:", "  default:", "    name: shop-jobs", "    driver: overlay", "    attachable: true", "",
                                     "configs:", "  radixconfig:", "    name: shop-radixconfig-0123456789abcdef",
                                     "    file: \"../radixconfig.yaml\"")))
    }

    @Test func theCommandWritesTheStackFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("radixconfig.yaml")
        try Data(GenerateComposeTests.sample.utf8).write(to: config)
        let parsed = try JobSchedulerCommand.parseAsRoot(["generate", "compose", "--swarm", "--config", config.path, "--env", "dev",
                                                          "--output", folder.appendingPathComponent("stack.yml").path])
        let command = try #require(parsed as? GenerateComposeCommand)
        let output = CapturedOutput()
        #expect(command.execute(output: output) == 0, "\(output.stderr)")
        let text = try String(contentsOf: folder.appendingPathComponent("stack.yml"), encoding: .utf8)
        let digest = ComposeGenerator.configDigest(of: Array(GenerateComposeTests.sample.utf8))
        #expect(text.contains("name: shop-radixconfig-\(digest)"))
        #expect(text.contains("file: radixconfig.yaml"))
        #expect(text.contains(#""--runtime", "swarm""#))
    }
}
