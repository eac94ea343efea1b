import Testing
@testable import RadixConfig

/// `failurePolicy` and `batchStatusRules`: read, resolved per environment, validated as Radix does,
/// and applied as its rules say.
@Suite("Failure policy and batch status rules")
struct PolicyTests {
    static let job = """
        - name: compute
          src: compute
          schedulerPort: 8000
          failurePolicy:
            rules:
              - action: FailJob
                onExitCodes: {operator: In, values: [42, 43]}
              - action: Ignore
                onExitCodes: {operator: NotIn, values: [1]}
          batchStatusRules:
            - condition: Any
              operator: In
              jobStatuses: [Failed]
              batchStatus: Failed
            - condition: All
              operator: In
              jobStatuses: [Succeeded, Stopped]
              batchStatus: Succeeded
          environmentConfig:
            - environment: prod
              failurePolicy:
                rules:
                  - action: Count
                    onExitCodes: {operator: In, values: [2]}
              batchStatusRules: []
        """

    @Test func aJobsMaxRunningIsReadAndMustBePositive() throws {
        let yaml = "- name: compute\n  src: compute\n  schedulerPort: 8000\n  maxRunning: 8\n"
        let job = try #require(try RadixConfigFile.parse(yaml: configYAML(jobs: yaml)).jobs.first)
        #expect(job.resolved(for: "dev").maxRunning == 8)
        #expect(job.extra["maxRunning"] == nil, "a known key")
        let found = problems(in: configYAML(jobs: yaml.replacingOccurrences(of: "maxRunning: 8", with: "maxRunning: 0")))
        #expect(found.map(\.message) == ["must be at least 1, got 0"])
        #expect(found.first?.path.description.hasSuffix("maxRunning") == true)
    }

    @Test func aJobsWarmPoolIsReadAndBounded() throws {
        let yaml = "- name: compute\n  src: compute\n  schedulerPort: 8000\n  warmPool: 3\n"
        let job = try #require(try RadixConfigFile.parse(yaml: configYAML(jobs: yaml)).jobs.first)
        #expect(job.resolved(for: "dev").warmPool == 3)
        #expect(job.extra["warmPool"] == nil, "a known key")
        let found = problems(in: configYAML(jobs: yaml.replacingOccurrences(of: "warmPool: 3", with: "warmPool: 33")))
        #expect(found.map(\.message) == ["must be between 0 and 32, got 33"])
        #expect(found.first?.path.description.hasSuffix("warmPool") == true)
    }

    @Test func theJobsListsAreReadAndAnEnvironmentsReplaceThemWhole() throws {
        let application = try RadixConfigFile.parse(yaml: configYAML(jobs: Self.job))
        let job = try #require(application.jobs.first)
        let dev = job.resolved(for: "dev")
        #expect(dev.failurePolicy?.rules == [
            FailurePolicyRule(action: .failJob, onExitCodes: ExitCodeRequirement(operator: .in, values: [42, 43])),
            FailurePolicyRule(action: .ignore, onExitCodes: ExitCodeRequirement(operator: .notIn, values: [1])),
        ])
        #expect(dev.batchStatusRules.map(\.batchStatus) == ["Failed", "Succeeded"])
        let prod = job.resolved(for: "prod")
        #expect(prod.failurePolicy?.rules == [FailurePolicyRule(action: .count, onExitCodes: ExitCodeRequirement(operator: .in, values: [2]))])
        #expect(prod.batchStatusRules.isEmpty, "an environment's empty list replaces the job's")
        #expect(job.extra["failurePolicy"] == nil && job.extra["batchStatusRules"] == nil, "modelled fields are not kept as extra")
    }

    @Test func theFirstMatchingRuleDecidesAndASuccessNeverMatches() {
        let policy = FailurePolicy(rules: [
            FailurePolicyRule(action: .failJob, onExitCodes: ExitCodeRequirement(operator: .in, values: [42])),
            FailurePolicyRule(action: .ignore, onExitCodes: ExitCodeRequirement(operator: .notIn, values: [1, 42])),
            FailurePolicyRule(action: .count, onExitCodes: ExitCodeRequirement(operator: .notIn, values: [])),
        ])
        #expect(policy.action(forExitCode: 42) == .failJob)
        #expect(policy.action(forExitCode: 1) == .count, "no earlier rule matches 1; the last matches any code")
        #expect(policy.action(forExitCode: 137) == .ignore)
        #expect(!ExitCodeRequirement(operator: .notIn, values: [5]).matches(0))
        #expect(FailurePolicy(rules: []).action(forExitCode: 3) == .count)
    }

    @Test func statusRulesTestEveryJobOrAny() {
        let anyFailed = BatchStatusRule(condition: .any, operator: .in, jobStatuses: ["Failed"], batchStatus: "Failed")
        let noneRunning = BatchStatusRule(condition: .all, operator: .notIn, jobStatuses: ["Running", "Waiting"], batchStatus: "Completed")
        #expect(anyFailed.holds(for: ["Succeeded", "Failed"]))
        #expect(!anyFailed.holds(for: ["Succeeded", "Running"]))
        #expect(!anyFailed.holds(for: []))
        #expect(noneRunning.holds(for: ["Succeeded", "Stopped"]))
        #expect(!noneRunning.holds(for: ["Succeeded", "Waiting"]))
        #expect(noneRunning.holds(for: []), "All holds for a batch without jobs")
    }

    static let invalid: [RuleCase] = [
        RuleCase("failurePolicy needs rules", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy: {}  #!
            """, path: "spec.jobs[0].failurePolicy.rules", message: "is required"),
        RuleCase("at most 20 failure policy rules", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:  #!
            \((0..<21).map { "        - {action: Count, onExitCodes: {operator: In, values: [\($0 + 1)]}}" }.joined(separator: "\n"))
            """, path: "spec.jobs[0].failurePolicy.rules", message: "at most 20 rules are allowed, got 21"),
        RuleCase("a failure policy action is FailJob, Ignore or Count", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Retry  #!
                    onExitCodes: {operator: In, values: [1]}
            """, path: "spec.jobs[0].failurePolicy.rules[0].action", message: "\"Retry\" is not allowed; use one of FailJob, Ignore, Count"),
        RuleCase("onExitCodes is required", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Count  #!
            """, path: "spec.jobs[0].failurePolicy.rules[0].onExitCodes", message: "is required"),
        RuleCase("the exit code operator is In or NotIn", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Count
                    onExitCodes:
                      operator: Equals  #!
                      values: [1]
            """, path: "spec.jobs[0].failurePolicy.rules[0].onExitCodes.operator", message: "\"Equals\" is not allowed; use one of In, NotIn"),
        RuleCase("exit codes are not empty", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Count
                    onExitCodes:
                      operator: In
                      values: []  #!
            """, path: "spec.jobs[0].failurePolicy.rules[0].onExitCodes.values", message: "needs 1 to 255 exit codes, got 0"),
        RuleCase("exit codes are distinct", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Count
                    onExitCodes:
                      operator: In
                      values:
                        - 3
                        - 3  #!
            """, path: "spec.jobs[0].failurePolicy.rules[0].onExitCodes.values[1]", message: "exit code 3 is already used"),
        RuleCase("0 cannot be used with In", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Count
                    onExitCodes:
                      operator: In
                      values:
                        - 0  #!
            """, path: "spec.jobs[0].failurePolicy.rules[0].onExitCodes.values[0]", message: "0 cannot be used with the In operator"),
        RuleCase("exit codes are at most 255", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              failurePolicy:
                rules:
                  - action: Count
                    onExitCodes:
                      operator: NotIn
                      values:
                        - 256  #!
            """, path: "spec.jobs[0].failurePolicy.rules[0].onExitCodes.values[0]", message: "an exit code is between 0 and 255, got 256"),
        RuleCase("an environment's failure policy is checked too", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: prod
                  failurePolicy:
                    rules:
                      - action: Never  #!
                        onExitCodes: {operator: In, values: [1]}
            """, path: "spec.jobs[0].environmentConfig[0].failurePolicy.rules[0].action", message: "\"Never\" is not allowed"),
        RuleCase("a batch status rule's condition is All or Any", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              batchStatusRules:
                - condition: Most  #!
                  operator: In
                  jobStatuses: [Failed]
                  batchStatus: Failed
            """, path: "spec.jobs[0].batchStatusRules[0].condition", message: "\"Most\" is not allowed; use one of All, Any"),
        RuleCase("a batch status rule names job statuses", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              batchStatusRules:
                - condition: All
                  operator: In
                  jobStatuses: [Done]  #!
                  batchStatus: Failed
            """, path: "spec.jobs[0].batchStatusRules[0].jobStatuses[0]", message: "\"Done\" is not a job status"),
        RuleCase("a batch status rule gives a batch status", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              batchStatusRules:
                - condition: All
                  operator: In
                  jobStatuses: [Failed]
                  batchStatus: Broken  #!
            """, path: "spec.jobs[0].batchStatusRules[0].batchStatus", message: "\"Broken\" is not a batch status"),
        RuleCase("a batch status rule needs its job statuses", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              batchStatusRules:
                - condition: All  #!
                  operator: In
                  batchStatus: Failed
            """, path: "spec.jobs[0].batchStatusRules[0].jobStatuses", message: "is required"),
    ]

    @Test(arguments: invalid)
    func eachRuleReportsOneProblemWithPathAndLine(_ rule: RuleCase) throws {
        try rule.expectOneProblem()
    }
}
