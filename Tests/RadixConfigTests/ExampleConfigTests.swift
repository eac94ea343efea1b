import Foundation
import Testing
@testable import RadixConfig

@Suite("The repository's example radixconfig.yaml")
struct ExampleConfigTests {
    let application: RadixApplication

    init() throws {
        let path = repositoryRoot.appendingPathComponent("radixconfig.yaml").path
        application = try RadixConfigFile.load(path: path)
    }

    @Test func validatesCleanly() {
        #expect(application.name == "radix-example")
        #expect(application.environmentNames == ["dev", "prod"])
        #expect(application.components.map(\.name) == ["backend"])
    }

    @Test func declaresTheExampleJobs() throws {
        let compute = try #require(application.job(named: "compute"))
        #expect(compute.src == "deploy/app/compute")
        #expect(compute.schedulerPort == 8000)
        #expect(compute.payload?.path == "/compute/args")
        #expect(compute.ports.contains(PortDefinition(name: "http", port: 3000)))
        #expect(compute.image.map(ImageTagPlaceholder.isPresent(in:)) == true)
        for environment in application.environmentNames {
            #expect(compute.resolved(for: environment).image == "radix-example/compute:latest")
        }

        let etl = try #require(application.job(named: "etl"))
        #expect(etl.src == "deploy/app/etl")
        #expect(etl.image == "radix-example/etl:latest")
        #expect(etl.schedulerPort == 9000)
        #expect(etl.payload == nil)
    }

    @Test func everyJobSourceFolderHasADockerfile() {
        for job in application.jobs {
            let dockerfile = repositoryRoot.appendingPathComponent(job.src ?? "-").appendingPathComponent("Dockerfile")
            #expect(FileManager.default.fileExists(atPath: dockerfile.path), "missing \(dockerfile.path)")
        }
    }
}
