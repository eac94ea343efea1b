import Foundation
import Testing
@testable import RadixConfig

/// `cron:` of a job: read, replaced whole by an environment's, and validated with path and line.
@Suite("Cron in radixconfig")
struct CronConfigTests {
    @Test func aJobsCronIsReadAndAnEnvironmentsReplacesItWhole() throws {
        let yaml = """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                timeZone: Europe/Oslo
                schedules: ["0 2 * * *", "@every 90m", "R3/2027-01-01T09:00/P1D"]
                concurrency: Forbid
                startingDeadlineSeconds: 600
              environmentConfig:
                - environment: prod
                  cron:
                    schedules: ["@hourly"]
                    concurrency: Replace
                    suspend: true
            """
        let job = try #require(try RadixConfigFile.parse(yaml: configYAML(jobs: yaml)).jobs.first)
        let dev = try #require(job.resolved(for: "dev").cron)
        #expect(dev.schedules.map(\.expression) == ["0 2 * * *", "@every 90m", "R3/2027-01-01T09:00/P1D"])
        #expect(dev.timeZoneName == "Europe/Oslo" && dev.timeZone.identifier == "Europe/Oslo")
        #expect(dev.schedules.allSatisfy { $0.timeZone.identifier == "Europe/Oslo" })
        #expect(dev.concurrency == .forbid && dev.startingDeadlineSeconds == 600 && !dev.suspend)
        let prod = try #require(job.resolved(for: "prod").cron)
        #expect(prod.schedules.map(\.expression) == ["@hourly"])
        #expect(prod.timeZoneName == "UTC" && prod.timeZone.secondsFromGMT() == 0, "replaced whole: the job's time zone is not kept")
        #expect(prod.concurrency == .replace && prod.startingDeadlineSeconds == nil && prod.suspend)
        #expect(job.extra["cron"] == nil && job.environmentConfig[0].extra["cron"] == nil, "a known key")
        #expect(try RadixConfigFile.parse(yaml: configYAML(jobs: "- name: plain\n  src: plain\n  schedulerPort: 8000\n")).jobs[0].cron == nil)
    }

    @Test func onlyAJobWithACronInEveryEnvironmentMayLeaveOutItsSchedulerPort() throws {
        let own = "- name: nightly\n  src: nightly\n  cron:\n    schedules: [\"@daily\"]\n    concurrency: Allow\n"
        #expect(try RadixConfigFile.parse(yaml: configYAML(jobs: own)).jobs.first?.schedulerPort == nil)
        let everyEnvironment = """
            - name: nightly
              src: nightly
              environmentConfig:
                - environment: dev
                  cron: {schedules: ["@daily"], concurrency: Allow}
                - environment: prod
                  cron: {schedules: ["@hourly"], concurrency: Forbid}
            """
        #expect(try RadixConfigFile.parse(yaml: configYAML(jobs: everyEnvironment)).jobs.first?.resolved(for: "prod").schedulerPort == nil)
        let oneEnvironment = """
            - name: nightly  #!
              src: nightly
              environmentConfig:
                - environment: dev
                  cron: {schedules: ["@daily"], concurrency: Allow}
            """
        let found = problems(in: configYAML(jobs: oneEnvironment))
        #expect(found.map(\.path) == ["spec.jobs[0].schedulerPort"])
        #expect(found.first?.message.contains("only a job with a cron in every environment may leave it out") == true)
    }

    static let invalid: [RuleCase] = [
        RuleCase("a schedule is an expression", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                schedules:
                  - "0 2 * * *"
                  - "61 2 * * *"  #!
                concurrency: Allow
            """, path: "spec.jobs[0].cron.schedules[1]", message: "minute field \"61\""),
        RuleCase("a time zone is an IANA name", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                timeZone: Mars/Olympus  #!
                schedules: ["@daily"]
                concurrency: Allow
            """, path: "spec.jobs[0].cron.timeZone", message: "\"Mars/Olympus\" is not a time zone"),
        RuleCase("concurrency is required", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:  #!
                schedules: ["@daily"]
            """, path: "spec.jobs[0].cron.concurrency", message: "is required"),
        RuleCase("concurrency is Allow, Forbid or Replace", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                schedules: ["@daily"]
                concurrency: Sometimes  #!
            """, path: "spec.jobs[0].cron.concurrency", message: "use one of Allow, Forbid, Replace"),
        RuleCase("schedules are required", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:  #!
                concurrency: Allow
            """, path: "spec.jobs[0].cron.schedules", message: "is required"),
        RuleCase("at most 20 schedules", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                schedules: [\(Array(repeating: "\"@daily\"", count: 21).joined(separator: ", "))]  #!
                concurrency: Allow
            """, path: "spec.jobs[0].cron.schedules", message: "holds 21 schedules"),
        RuleCase("an environment's cron is checked too", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              environmentConfig:
                - environment: prod
                  cron:
                    schedules: ["@every 0s"]  #!
                    concurrency: Allow
            """, path: "spec.jobs[0].environmentConfig[0].cron.schedules[0]", message: "whole number of seconds"),
        RuleCase("a starting deadline is positive", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                schedules: ["@daily"]
                concurrency: Allow
                startingDeadlineSeconds: 0  #!
            """, path: "spec.jobs[0].cron.startingDeadlineSeconds", message: "must be at least 1"),
        RuleCase("suspend is a boolean", jobs: """
            - name: nightly
              src: nightly
              schedulerPort: 8000
              cron:
                schedules: ["@daily"]
                concurrency: Allow
                suspend: sometimes  #!
            """, path: "spec.jobs[0].cron.suspend", message: "expected true or false"),
    ]

    @Test(arguments: invalid)
    func eachRuleReportsOneProblemWithPathAndLine(_ rule: RuleCase) throws {
        try rule.expectOneProblem()
    }
}
