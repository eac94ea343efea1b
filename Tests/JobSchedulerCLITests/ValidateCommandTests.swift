import ArgumentParser
import EngineTestSupport
import Foundation
import Testing
@testable import JobSchedulerCLI

/// `validate` run in-process through the command types, with its output captured.
@Suite("validate, in process")
struct ValidateInProcessTests {
    func validate(_ arguments: [String]) throws -> (status: Int32, output: CapturedOutput) {
        let parsed = try JobSchedulerCommand.parseAsRoot(["validate"] + arguments)
        let command = try #require(parsed as? ValidateCommand)
        let output = CapturedOutput()
        return (command.execute(output: output), output)
    }

    @Test func defaults() throws {
        let command = try #require(try JobSchedulerCommand.parseAsRoot(["validate"]) as? ValidateCommand)
        #expect(command.config == "radixconfig.yaml")
        #expect(command.env == nil)
    }

    @Test func goodConfigPrintsOneLinePerJob() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let (status, output) = try validate(["--config", path])
        #expect(status == 0)
        #expect(output.stdout == SampleConfigs.goodSummary)
        #expect(output.stderr.isEmpty)
    }

    @Test func envResolvesOverrides() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let (status, output) = try validate(["--config", path, "--env", "prod"])
        #expect(status == 0)
        #expect(output.stdout == SampleConfigs.goodProdSummary)
    }

    @Test func badConfigListsEveryProblem() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("bad.yaml", SampleConfigs.bad)
        let (status, output) = try validate(["--config", path])
        #expect(status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr == SampleConfigs.badProblems.map { "\(path):\($0)" })
    }

    @Test func unknownEnvironmentIsAProblem() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let (status, output) = try validate(["--config", path, "--env", "qa"])
        #expect(status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr == ["\(path): spec.environments: --env qa is not one of the listed environments (dev, prod)"])
    }

    @Test func aScheduledJobsNextRunsArePrintedAfterTheSummary() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", """
            apiVersion: radix.equinor.com/v1
            kind: RadixApplication
            metadata:
              name: cli-test
            spec:
              environments:
                - name: dev
              jobs:
                - name: nightly
                  image: busybox
                  schedulerPort: 8000
                  cron:
                    timeZone: Europe/Oslo
                    schedules: ["30 2 * * *", "@every 90m"]
                    concurrency: Forbid
                    startingDeadlineSeconds: 300
            """)
        let command = try #require(try JobSchedulerCommand.parseAsRoot(["validate", "--config", path]) as? ValidateCommand)
        let output = CapturedOutput()
        // Oslo's spring shift is at 01:00Z on 2026-03-29: 02:30 does not exist that night and runs at the shift.
        #expect(command.execute(output: output, now: try Date("2026-03-28T12:00:00Z", strategy: .iso8601)) == 0)
        #expect(output.stdout.dropFirst() == [
            "  nightly cron: time zone Europe/Oslo, concurrency Forbid, startingDeadlineSeconds 300",
            "    30 2 * * *  next 2026-03-29T01:00:00Z, 2026-03-30T00:30:00Z, 2026-03-31T00:30:00Z",
            "    @every 90m  next 2026-03-28T13:30:00Z, 2026-03-28T15:00:00Z, 2026-03-28T16:30:00Z",
        ])
    }

    @Test func missingFileIsAProblem() throws {
        let (status, output) = try validate(["--config", "/nonexistent/radixconfig.yaml"])
        #expect(status == 1)
        #expect(output.stderr == ["/nonexistent/radixconfig.yaml: no such file"])
    }

    @Test func unknownOptionIsAParseError() {
        #expect(throws: (any Error).self) {
            _ = try JobSchedulerCommand.parseAsRoot(["validate", "--bogus"])
        }
    }
}

/// The real executable, as a user runs it.
@Suite("job-scheduler validate, as a process")
struct ValidateProcessTests {
    @Test func goodConfigExitsZeroWithSummary() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let result = try JobSchedulerBinary.run(["validate", "--config", path])
        #expect(result.status == 0)
        #expect(result.stdout == SampleConfigs.goodSummary)
        #expect(result.stderr.isEmpty)
    }

    @Test func configDefaultsToTheWorkingDirectory() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let result = try JobSchedulerBinary.run(["validate", "--env", "prod"], in: folder.url)
        #expect(result.status == 0)
        #expect(result.stdout == SampleConfigs.goodProdSummary)
    }

    @Test func badConfigExitsOneListingEveryProblem() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("radixconfig.yaml", SampleConfigs.bad)
        let result = try JobSchedulerBinary.run(["validate"], in: folder.url)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == SampleConfigs.badProblems.map { "radixconfig.yaml:\($0)" })
    }

    @Test func unknownEnvironmentExitsOne() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("radixconfig.yaml", SampleConfigs.good)
        let result = try JobSchedulerBinary.run(["validate", "--config", path, "--env", "staging"])
        #expect(result.status == 1)
        #expect(result.stderr.count == 1)
        #expect(result.stderr.first?.contains("--env staging is not one of the listed environments") == true)
    }

    @Test func repositoryExampleValidates() throws {
        let path = repositoryRoot.appendingPathComponent("radixconfig.yaml").path
        for env in [[], ["--env", "dev"], ["--env", "prod"]] {
            let result = try JobSchedulerBinary.run(["validate", "--config", path] + env)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.map { $0.prefix(while: { $0 != " " }) } == ["compute", "etl"])
            #expect(result.stdout.first?.contains("image radix-example/compute:latest  payload /compute/args") == true)
        }
    }

    @Test func helpNamesTheValidateCommand() throws {
        let result = try JobSchedulerBinary.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains { $0.contains("validate") })
    }
}
