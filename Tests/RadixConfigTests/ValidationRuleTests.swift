import Testing
@testable import RadixConfig

/// One rule, shown with a config that breaks only it. The line marked `#!` is where the
/// problem must point.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let rule: String
    let yaml: String
    let path: String
    let message: String

    init(_ rule: String, jobs: String, environments: [String] = ["dev", "prod"], components: String? = nil,
         path: String, message: String) {
        self.init(rule, yaml: configYAML(jobs: jobs, environments: environments, components: components),
                  path: path, message: message)
    }

    init(_ rule: String, yaml: String, path: String, message: String) {
        self.rule = rule
        self.yaml = yaml
        self.path = path
        self.message = message
    }

    var testDescription: String { rule }
}

extension RuleCase {
    /// The case's YAML gives exactly its one problem: at its path, on the line marked `#!`, saying its message.
    func expectOneProblem(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let found = problems(in: yaml)
        try #require(found.count == 1, "expected exactly one problem, got:\n\(found.map(\.description).joined(separator: "\n"))",
                     sourceLocation: sourceLocation)
        let problem = found[0]
        #expect(problem.path == path, sourceLocation: sourceLocation)
        #expect(problem.line == line(of: "#!", in: yaml), sourceLocation: sourceLocation)
        #expect(problem.message.contains(message), "message was: \(problem.message)", sourceLocation: sourceLocation)
        #expect(problem.file == "radixconfig.yaml", sourceLocation: sourceLocation)
    }
}

@Suite("Each validation rule reports one problem with path and line")
struct ValidationRuleTests {
    static let cases: [RuleCase] = metadataCases + jobNameCases + schedulerPortCases + payloadCases
        + quantityCases + portCases + environmentConfigCases + limitCases + imageCases + componentCases
        + webhookCases

    static let metadataCases: [RuleCase] = [
        RuleCase("metadata.name is required", yaml: """
            apiVersion: radix.equinor.com/v1
            kind: RadixApplication
            metadata:  #!
              labels: {team: data}
            spec:
              jobs: []
            """, path: "metadata.name", message: "is required"),
        RuleCase("metadata is required", yaml: """
            apiVersion: radix.equinor.com/v1  #!
            kind: RadixApplication
            spec:
              jobs: []
            """, path: "metadata", message: "is required"),
        RuleCase("the application name is a DNS label", yaml: """
            metadata:
              name: My_App  #!
            spec: {}
            """, path: "metadata.name", message: "\"My_App\" is not a valid name"),
        RuleCase("kind is RadixApplication", yaml: """
            kind: RadixJob  #!
            metadata:
              name: app
            spec: {}
            """, path: "kind", message: "expected RadixApplication, got \"RadixJob\""),
        RuleCase("apiVersion is radix.equinor.com/v1", yaml: """
            apiVersion: v2  #!
            metadata:
              name: app
            spec: {}
            """, path: "apiVersion", message: "expected radix.equinor.com/v1"),
        RuleCase("environment names are unique", yaml: """
            metadata:
              name: app
            spec:
              environments:
                - name: dev
                - name: dev  #!
            """, path: "spec.environments[1].name", message: "\"dev\" is already used by another environment (line 5)"),
    ]

    static let jobNameCases: [RuleCase] = [
        RuleCase("job name is required", jobs: """
            - src: compute  #!
              schedulerPort: 8000
            """, path: "spec.jobs[0].name", message: "is required"),
        RuleCase("job name is lowercase", jobs: """
            - name: Compute  #!
              src: compute
              schedulerPort: 8000
            """, path: "spec.jobs[0].name", message: "\"Compute\" is not a valid name"),
        RuleCase("job name ends alphanumeric", jobs: """
            - name: compute-  #!
              src: compute
              schedulerPort: 8000
            """, path: "spec.jobs[0].name", message: "starting and ending with a letter or digit"),
        RuleCase("job name has at most 50 characters", jobs: """
            - name: \(String(repeating: "a", count: 51))  #!
              src: compute
              schedulerPort: 8000
            """, path: "spec.jobs[0].name", message: "is 51 characters long; at most 50 are allowed"),
        RuleCase("job names are unique", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
            - name: compute  #!
              src: compute
              schedulerPort: 8001
            """, path: "spec.jobs[1].name", message: "\"compute\" is already used by job compute (line 10)"),
        RuleCase("job and component names do not clash", jobs: """
            - name: backend  #!
              src: backend
              schedulerPort: 8000
            """, components: """
            - name: backend
              src: backend
            """, path: "spec.jobs[0].name", message: "\"backend\" is already used by component backend"),
        RuleCase("a job needs src or image", jobs: """
            - name: compute  #!
              schedulerPort: 8000
            """, path: "spec.jobs[0]", message: "a job needs src"),
    ]

    static let schedulerPortCases: [RuleCase] = [
        RuleCase("schedulerPort is required", jobs: """
            - name: compute  #!
              src: compute
            """, path: "spec.jobs[0].schedulerPort", message: "is required"),
        RuleCase("schedulerPort is at least 1024", jobs: """
            - name: compute
              src: compute
              schedulerPort: 80  #!
            """, path: "spec.jobs[0].schedulerPort", message: "must be between 1024 and 65535, got 80"),
        RuleCase("schedulerPort is at most 65535", jobs: """
            - name: compute
              src: compute
              schedulerPort: 65536  #!
            """, path: "spec.jobs[0].schedulerPort", message: "must be between 1024 and 65535, got 65536"),
        RuleCase("schedulerPort is an integer", jobs: """
            - name: compute
              src: compute
              schedulerPort: "8000"  #!
            """, path: "spec.jobs[0].schedulerPort", message: "expected an integer, got the string \"8000\""),
        RuleCase("schedulerPorts are unique", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
            - name: etl
              src: etl
              schedulerPort: 8000  #!
            """, path: "spec.jobs[1].schedulerPort", message: "port 8000 is already used by job compute (line 12)"),
    ]

    static let payloadCases: [RuleCase] = [
        RuleCase("payload.path is absolute", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              payload:
                path: compute/args  #!
            """, path: "spec.jobs[0].payload.path", message: "must be an absolute path"),
        RuleCase("payload needs a path", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              payload:  #!
                mount: here
            """, path: "spec.jobs[0].payload.path", message: "is required"),
    ]

    static let quantityCases: [RuleCase] = [
        RuleCase("job cpu request parses", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:
                requests:
                  cpu: half  #!
            """, path: "spec.jobs[0].resources.requests.cpu", message: "invalid quantity \"half\""),
        RuleCase("job memory limit parses", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:
                limits:
                  memory: 1Gb  #!
            """, path: "spec.jobs[0].resources.limits.memory", message: "unknown suffix \"Gb\""),
        RuleCase("memory in milli-bytes is refused", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:
                limits:
                  memory: 512m  #!
            """, path: "spec.jobs[0].resources.limits.memory", message: "did you mean \"Mi\" or \"M\"?"),
        RuleCase("environmentConfig cpu parses", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: prod
                  resources:
                    limits:
                      cpu: 2Gi  #!
            """, path: "spec.jobs[0].environmentConfig[0].resources.limits.cpu", message: "CPU is given in cores"),
        RuleCase("environmentConfig memory parses", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: dev
                  resources:
                    requests:
                      memory: "-1Mi"  #!
            """, path: "spec.jobs[0].environmentConfig[0].resources.requests.memory", message: "must not be negative"),
    ]

    static let portCases: [RuleCase] = [
        RuleCase("port is at least 1", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              ports:
                - name: http
                  port: 0  #!
            """, path: "spec.jobs[0].ports[0].port", message: "must be between 1 and 65535, got 0"),
        RuleCase("port is at most 65535", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              ports:
                - name: http
                  port: 65536  #!
            """, path: "spec.jobs[0].ports[0].port", message: "must be between 1 and 65535, got 65536"),
        RuleCase("port needs a name", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              ports:
                - port: 3000  #!
            """, path: "spec.jobs[0].ports[0].name", message: "is required"),
        RuleCase("port needs a number", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              ports:
                - name: http  #!
            """, path: "spec.jobs[0].ports[0].port", message: "is required"),
        RuleCase("port names are unique", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              ports:
                - name: http
                  port: 3000
                - name: http  #!
                  port: 3001
            """, path: "spec.jobs[0].ports[1].name", message: "port name \"http\" is already used by another port"),
    ]

    static let environmentConfigCases: [RuleCase] = [
        RuleCase("environmentConfig names a listed environment", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: staging  #!
            """, path: "spec.jobs[0].environmentConfig[0].environment",
            message: "\"staging\" is not one of the environments in spec.environments (dev, prod)"),
        RuleCase("environmentConfig has one entry per environment", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: dev
                - environment: dev  #!
            """, path: "spec.jobs[0].environmentConfig[1].environment",
            message: "\"dev\" is already used by another environmentConfig entry"),
        RuleCase("environmentConfig needs an environment", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - timeLimitSeconds: 10  #!
            """, path: "spec.jobs[0].environmentConfig[0].environment", message: "is required"),
    ]

    static let limitCases: [RuleCase] = [
        RuleCase("timeLimitSeconds is positive", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              timeLimitSeconds: 0  #!
            """, path: "spec.jobs[0].timeLimitSeconds", message: "must be a positive number of seconds, got 0"),
        RuleCase("environmentConfig timeLimitSeconds is positive", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: prod
                  timeLimitSeconds: -5  #!
            """, path: "spec.jobs[0].environmentConfig[0].timeLimitSeconds", message: "got -5"),
        RuleCase("backoffLimit is not negative", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              backoffLimit: -1  #!
            """, path: "spec.jobs[0].backoffLimit", message: "must be 0 or more, got -1"),
        RuleCase("environmentConfig backoffLimit is not negative", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: dev
                  backoffLimit: -2  #!
            """, path: "spec.jobs[0].environmentConfig[0].backoffLimit", message: "must be 0 or more, got -2"),
        RuleCase("a variable's name is not one the scheduler sets", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              variables:  #!
                MODE: fast
                RADIX_ENVIRONMENT: prod
            """, path: "spec.jobs[0].variables.RADIX_ENVIRONMENT", message: "names starting with RADIX_ are set by the scheduler"),
        RuleCase("runAsUser is a user ID", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              runAsUser: -5  #!
            """, path: "spec.jobs[0].runAsUser", message: "must be a user ID from 0 to 2147483647, got -5"),
        RuleCase("readOnlyFileSystem is true or false", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              readOnlyFileSystem: yes please  #!
            """, path: "spec.jobs[0].readOnlyFileSystem", message: "expected true or false, got the string \"yes please\""),
        RuleCase("a cpu limit is one the engine can set", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:  #!
                limits:
                  cpu: 5m
            """, path: "spec.jobs[0].resources.limits.cpu", message: "5m is less than the engine's smallest CPU limit, 10m (a hundredth of a core)"),
        RuleCase("an environment's memory limit is one the engine can set", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: prod
                  resources:  #!
                    limits:
                      memory: 1Mi
            """, path: "spec.jobs[0].environmentConfig[0].resources.limits.memory", message: "1Mi is less than the engine's smallest, 6Mi"),
        RuleCase("a cpu request is within its limit", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:  #!
                requests:
                  cpu: 2
                limits:
                  cpu: 500m
            """, path: "spec.jobs[0].resources.requests.cpu", message: "request 2 is more than the limit 500m"),
        RuleCase("an environment's merged memory request is within the limit", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:
                requests:
                  memory: 64Mi
                limits:
                  memory: 128Mi
              environmentConfig:
                - environment: prod
                  resources:  #!
                    requests:
                      memory: 1Gi
            """, path: "spec.jobs[0].environmentConfig[0].resources.requests.memory",
            message: "request 1Gi is more than the limit 128Mi"),
    ]

    static let imageCases: [RuleCase] = [
        RuleCase("an {imageTagName} image needs a tag name in every environment", jobs: """
            - name: compute
              image: repo/compute:{imageTagName}  #!
              schedulerPort: 8000
            """, path: "spec.jobs[0].image",
            message: "contains {imageTagName} but no imageTagName is set for environment \"dev\", \"prod\""),
        RuleCase("a tag name set for one environment only", jobs: """
            - name: compute
              image: repo/compute:{imageTagName}  #!
              schedulerPort: 8000
              environmentConfig:
                - environment: dev
                  imageTagName: dev-1
            """, path: "spec.jobs[0].image",
            message: "no imageTagName is set for environment \"prod\""),
        RuleCase("an environment's own {imageTagName} image needs a tag name", jobs: """
            - name: compute
              image: repo/compute:stable
              schedulerPort: 8000
              environmentConfig:
                - environment: dev
                  image: repo/compute-dev:{imageTagName}  #!
            """, path: "spec.jobs[0].environmentConfig[0].image",
            message: "no imageTagName is set for environment \"dev\""),
        RuleCase("imageTagName needs a placeholder to fill", jobs: """
            - name: compute
              image: repo/compute:latest
              imageTagName: v1  #!
              schedulerPort: 8000
            """, path: "spec.jobs[0].imageTagName", message: "is set but image has no {imageTagName} placeholder"),
        RuleCase("an environment's imageTagName needs a placeholder to fill", jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              environmentConfig:
                - environment: prod
                  imageTagName: v1  #!
            """, path: "spec.jobs[0].environmentConfig[0].imageTagName",
            message: "is set but image has no {imageTagName} placeholder"),
    ]

    static let componentCases: [RuleCase] = [
        RuleCase("component ports are checked too", jobs: "[]", components: """
            - name: backend
              src: backend
              ports:
                - name: http
                  port: 99999  #!
            """, path: "spec.components[0].ports[0].port", message: "must be between 1 and 65535"),
        RuleCase("component environmentConfig names a listed environment", jobs: "[]", components: """
            - name: backend
              src: backend
              environmentConfig:
                - environment: qa  #!
            """, path: "spec.components[0].environmentConfig[0].environment", message: "\"qa\" is not one of"),
        RuleCase("component names are unique", jobs: "[]", components: """
            - name: backend
              src: backend
            - name: backend  #!
              src: backend
            """, path: "spec.components[1].name", message: "is already used by component backend"),
    ]

    @Test(arguments: cases)
    func rule(_ rule: RuleCase) throws {
        try rule.expectOneProblem()
    }

    @Test func descriptionIsCompilerStyle() {
        let problem = ConfigProblem(file: "radixconfig.yaml", path: "spec.jobs[1].schedulerPort", line: 12,
                                    message: "must be between 1024 and 65535, got 80")
        #expect(problem.description == "radixconfig.yaml:12: spec.jobs[1].schedulerPort: must be between 1024 and 65535, got 80")
        #expect(ConfigProblem(file: "x.yaml", path: "", line: nil, message: "no such file").description == "x.yaml: no such file")
    }
}
