import Testing
@testable import RadixConfig

@Suite("Resolving a job for an environment")
struct ResolutionTests {
    let compute: JobDefinition
    let etl: JobDefinition

    init() throws {
        let application = try RadixConfigFile.parse(yaml: try Fixtures.text("good.yaml"))
        compute = try #require(application.job(named: "compute"))
        etl = try #require(application.job(named: "etl"))
    }

    @Test func baseValuesWithoutAnEnvironment() {
        let job = compute.resolved(for: nil)
        #expect(job.environment == nil)
        #expect(job.image == "radix-example/compute:latest")
        #expect(job.imageTagName == "latest")
        #expect(job.variables["WORK_SECONDS"] == "2")
        #expect(job.variables["LOG_LEVEL"] == nil)
        #expect(job.timeLimitSeconds == 300)
        #expect(job.backoffLimit == 2)
        #expect(job.schedulerPort == 8000)
        #expect(job.payloadPath == "/compute/args")
        #expect(job.resources == compute.resources)
    }

    @Test func variablesMergeKeyByKey() {
        let job = compute.resolved(for: "dev")
        #expect(job.variables == [
            "GREETING": "hello", "WORK_SECONDS": "1", "RATIO": "0.75", "DEBUG": "true", "EMPTY": "",
            "LOG_LEVEL": "debug",
        ])
    }

    @Test func resourcesMergePerKey() throws {
        let dev = compute.resolved(for: "dev").resources
        #expect(dev.requests.cpu == (try CPUQuantity(parsing: "500m")))   // inherited
        #expect(dev.requests.memory == (try MemoryQuantity(parsing: "128Mi"))) // overridden
        #expect(dev.limits == compute.resources.limits)

        let prod = compute.resolved(for: "prod").resources
        #expect(prod.requests == compute.resources.requests)
        #expect(prod.limits.cpu?.millicores == 2000)
        #expect(prod.limits.memory?.bytes == 1 << 30)
    }

    @Test func scalarSettingsAreReplacedWhenSet() {
        let prod = compute.resolved(for: "prod")
        #expect(prod.environment == "prod")
        #expect(prod.image == "registry.example.com/compute:1.4.2")
        #expect(prod.imageTagName == "1.4.2")
        #expect(prod.timeLimitSeconds == 600)
        #expect(prod.backoffLimit == 5)
        #expect(prod.command == ["sh", "-c"]) // not overridden
        #expect(prod.args == ["echo prod"])
        #expect(prod.notifications?.webhook == "http://backend:8080/prod/updates")

        let dev = compute.resolved(for: "dev")
        #expect(dev.image == "radix-example/compute:latest")
        #expect(dev.timeLimitSeconds == 300)
        #expect(dev.args == ["echo hello"])
    }

    @Test func defaultsApplyWhenNothingIsSet() {
        for environment in [nil, "dev", "prod"] {
            let job = etl.resolved(for: environment)
            #expect(job.timeLimitSeconds == 43_200)
            #expect(job.backoffLimit == 0)
            #expect(job.image == nil)
            #expect(job.src == "etl")
            #expect(job.payloadPath == nil)
        }
    }

    @Test func unknownEnvironmentGivesBaseValues() {
        var base = compute.resolved(for: nil)
        base.environment = "qa"
        #expect(compute.resolved(for: "qa") == base)
    }

    @Test func overridesCanSetDefaultsExplicitly() {
        let job = JobDefinition(
            name: "x", image: "x:{imageTagName}", schedulerPort: 8000,
            variables: ["A": "1"], timeLimitSeconds: 60, backoffLimit: 3,
            environmentConfig: [JobEnvironmentConfig(environment: "dev", variables: ["B": "2"],
                                                     imageTagName: "dev", timeLimitSeconds: 10, backoffLimit: 0)])
        let dev = job.resolved(for: "dev")
        #expect(dev.variables == ["A": "1", "B": "2"])
        #expect(dev.image == "x:dev")
        #expect(dev.timeLimitSeconds == 10)
        #expect(dev.backoffLimit == 0)
        // Without a tag name the placeholder is left for the caller to notice.
        #expect(job.resolved(for: nil).image == "x:{imageTagName}")
        #expect(job.resolved(for: nil).hasUnresolvedImageTag)
        #expect(!dev.hasUnresolvedImageTag)
    }
}

@Suite("The {imageTagName} placeholder")
struct ImageTagPlaceholderTests {
    @Test func detectsThePlaceholder() {
        #expect(ImageTagPlaceholder.isPresent(in: "repo/compute:{imageTagName}"))
        #expect(!ImageTagPlaceholder.isPresent(in: "repo/compute:latest"))
        #expect(!ImageTagPlaceholder.isPresent(in: "repo/compute:{imagetagname}"))
    }

    @Test func substitutesEveryOccurrence() {
        #expect(ImageTagPlaceholder.substitute(in: "repo/compute:{imageTagName}", tagName: "1.2") == "repo/compute:1.2")
        #expect(ImageTagPlaceholder.substitute(in: "repo/{imageTagName}/c:{imageTagName}", tagName: "v") == "repo/v/c:v")
        #expect(ImageTagPlaceholder.substitute(in: "repo/compute:latest", tagName: "v") == "repo/compute:latest")
    }

    @Test func resolveTellsWhetherThereWasAPlaceholder() {
        let withTag = ImageTagPlaceholder.resolve(image: "r:{imageTagName}", tagName: "t")
        #expect(withTag.image == "r:t" && withTag.hadPlaceholder)
        let withoutTag = ImageTagPlaceholder.resolve(image: "r:{imageTagName}", tagName: nil)
        #expect(withoutTag.image == "r:{imageTagName}" && withoutTag.hadPlaceholder)
        let plain = ImageTagPlaceholder.resolve(image: "r:latest", tagName: "t")
        #expect(plain.image == "r:latest" && !plain.hadPlaceholder)
    }
}
