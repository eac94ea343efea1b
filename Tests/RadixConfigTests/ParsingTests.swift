import Testing
@testable import RadixConfig

@Suite("Parsing a valid radixconfig.yaml")
struct ParsingTests {
    let application: RadixApplication

    init() throws {
        application = try RadixConfigFile.parse(yaml: try Fixtures.text("good.yaml"), fileName: "good.yaml")
    }

    @Test func topLevel() {
        #expect(application.apiVersion == "radix.equinor.com/v1")
        #expect(application.kind == "RadixApplication")
        #expect(application.name == "radix-example")
        #expect(application.environmentNames == ["dev", "prod"])
        #expect(application.jobs.map(\.name) == ["compute", "etl"])
    }

    @Test func components() throws {
        let backend = try #require(application.components.first)
        #expect(application.components.count == 1)
        #expect(backend.name == "backend")
        #expect(backend.src == "deploy/app/backend")
        #expect(backend.image == nil)
        #expect(backend.ports == [PortDefinition(name: "http", port: 8080), PortDefinition(name: "web", port: 3000)])
        #expect(backend.publicPort == "web")
        #expect(backend.variables == ["COMPUTE_URL": "http://compute:8000"])
        #expect(backend.environmentConfig.map(\.environment) == ["prod"])
        #expect(backend.environmentConfig.first?.replicas == 2)
    }

    @Test func jobSettings() throws {
        let compute = try #require(application.job(named: "compute"))
        #expect(compute.src == "compute")
        #expect(compute.dockerfileName == "Dockerfile.compute")
        #expect(compute.image == "radix-example/compute:{imageTagName}")
        #expect(compute.imageTagName == "latest")
        #expect(compute.schedulerPort == 8000)
        #expect(compute.payload?.path == "/compute/args")
        #expect(compute.payload?.filePath == "/compute/args/payload")
        #expect(compute.ports == [PortDefinition(name: "http", port: 3000), PortDefinition(name: "metrics", port: 9090)])
        #expect(compute.timeLimitSeconds == 300)
        #expect(compute.backoffLimit == 2)
        #expect(compute.command == ["sh", "-c"])
        #expect(compute.args == ["echo hello"])
        #expect(compute.notifications?.webhook == "http://backend:8080/jobs/updates")
    }

    @Test func variablesBecomeStrings() throws {
        let compute = try #require(application.job(named: "compute"))
        #expect(compute.variables == [
            "GREETING": "hello", "WORK_SECONDS": "2", "RATIO": "0.75", "DEBUG": "true", "EMPTY": "",
        ])
    }

    @Test func resources() throws {
        let resources = try #require(application.job(named: "compute")).resources
        #expect(resources.requests.cpu?.millicores == 500)
        #expect(resources.requests.memory?.bytes == Int64(256 * 1024 * 1024))
        #expect(resources.limits.cpu?.millicores == 1000)
        #expect(resources.limits.cpu?.nanoCPUs == 1_000_000_000)
        #expect(resources.limits.memory?.bytes == Int64(512 * 1024 * 1024))
        #expect(resources.requests.cpu?.text == "500m")
    }

    @Test func environmentOverrides() throws {
        let compute = try #require(application.job(named: "compute"))
        #expect(compute.environmentConfig.map(\.environment) == ["dev", "prod"])
        let dev = try #require(compute.environmentConfig(for: "dev"))
        #expect(dev.variables == ["WORK_SECONDS": "1", "LOG_LEVEL": "debug"])
        #expect(dev.resources.requests.memory?.bytes == Int64(128 * 1024 * 1024))
        #expect(dev.resources.limits.isEmpty)
        #expect(dev.image == nil && dev.timeLimitSeconds == nil && dev.command == nil)
        let prod = try #require(compute.environmentConfig(for: "prod"))
        #expect(prod.image == "registry.example.com/compute:{imageTagName}")
        #expect(prod.imageTagName == "1.4.2")
        #expect(prod.timeLimitSeconds == 600)
        #expect(prod.backoffLimit == 5)
        #expect(prod.args == ["echo prod"])
        #expect(prod.resources.limits.cpu?.millicores == 2000)
        #expect(prod.resources.limits.memory?.bytes == 1 << 30)
        #expect(prod.notifications?.webhook == "http://backend:8080/prod/updates")
    }

    @Test func minimalJobHasNoOptionalSettings() throws {
        let etl = try #require(application.job(named: "etl"))
        #expect(etl.schedulerPort == 9000)
        #expect(etl.payload == nil)
        #expect(etl.image == nil)
        #expect(etl.ports.isEmpty && etl.variables.isEmpty && etl.resources.isEmpty)
        #expect(etl.timeLimitSeconds == nil && etl.backoffLimit == nil)
        #expect(etl.command == nil && etl.args == nil && etl.environmentConfig.isEmpty)
    }

    @Test func unknownKeysAreKeptNotFatal() throws {
        #expect(application.metadataExtra["labels"]?["team"]?.string == "data")
        #expect(application.specExtra["build"]?["useBuildKit"]?.string == "true")
        #expect(application.environments.first?.extra["build"]?["from"]?.string == "main")
        let compute = try #require(application.job(named: "compute"))
        #expect(compute.extra["monitoringConfig"]?["portName"]?.string == "metrics")
        #expect(compute.extra["cron"] == nil, "modelled now")
        #expect(compute.cron?.schedules.map(\.expression) == ["*/5 * * * *"])
        #expect(compute.environmentConfig(for: "prod")?.extra["runtime"] == nil, "modelled now")
        #expect(compute.environmentConfig(for: "prod")?.runtime == RuntimeSelection(architecture: "arm64"))
        #expect(application.components.first?.environmentConfig.first?.extra["horizontalScaling"] != nil)
        // Modelled keys are not duplicated into the extras.
        #expect(compute.extra["schedulerPort"] == nil)
    }

    @Test func unknownKeysAnywhereStillLoad() throws {
        let yaml = configYAML(jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              volumeMounts:
                - name: data
                  path: /data
              somethingNew: {deeply: [nested, {values: 1}]}
              payload:
                path: /args
                maxSize: 1Mi
            """) + "status:\n  phase: Ready\n"
        let parsed = try RadixConfigFile.parse(yaml: yaml)
        #expect(parsed.extra["status"]?["phase"]?.string == "Ready")
        #expect(parsed.jobs.first?.payload?.extra["maxSize"]?.string == "1Mi")
        #expect(parsed.jobs.first?.extra["volumeMounts"]?.items?.count == 1)
    }

    @Test func anchorsAndAliasesAreFollowed() throws {
        let yaml = configYAML(jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              variables: &common
                REGION: north
            - name: etl
              src: etl
              schedulerPort: 9000
              variables: *common
            """)
        let parsed = try RadixConfigFile.parse(yaml: yaml)
        #expect(parsed.job(named: "etl")?.variables == ["REGION": "north"])
    }

    @Test func environmentsAreOptional() throws {
        let parsed = try RadixConfigFile.parse(yaml: configYAML(jobs: """
            - name: compute
              image: radix-example/compute:latest
              schedulerPort: 8000
              environmentConfig:
                - environment: anything
                  timeLimitSeconds: 5
            """, environments: []))
        #expect(parsed.environments.isEmpty)
        #expect(parsed.jobs.first?.resolved(for: "anything").timeLimitSeconds == 5)
    }

    @Test func loadsFromAPath() throws {
        let loaded = try RadixConfigFile.load(path: try Fixtures.url("good.yaml").path)
        #expect(loaded == application)
    }

    @Test func missingFileIsAProblem() {
        #expect {
            _ = try RadixConfigFile.load(path: "/nonexistent/radixconfig.yaml")
        } throws: { error in
            let problems = (error as? ConfigValidationError)?.problems ?? []
            return problems.count == 1 && problems[0].description == "/nonexistent/radixconfig.yaml: no such file"
        }
    }
}
