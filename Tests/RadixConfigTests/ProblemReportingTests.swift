import Testing
@testable import RadixConfig

@Suite("Reporting several problems at once")
struct ProblemReportingTests {
    @Test func everyProblemInAFileIsReportedInLineOrder() throws {
        let found = try Fixtures.problems("many-problems.yaml").map(\.description)
        #expect(found == [
            "many-problems.yaml:9: spec.jobs[0].name: \"Compute_Job\" is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit",
            "many-problems.yaml:11: spec.jobs[0].schedulerPort: must be between 1024 and 65535, got 80",
            "many-problems.yaml:13: spec.jobs[0].payload.path: must be an absolute path (starting with '/'), got \"compute/args\"",
            "many-problems.yaml:16: spec.jobs[0].resources.requests.cpu: invalid quantity \"lots\": expected a number such as 500m, 0.5, 256Mi or 1G",
            "many-problems.yaml:17: spec.jobs[0].resources.requests.memory: invalid quantity \"12Qi\": unknown suffix \"Qi\" (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3)",
            "many-problems.yaml:18: spec.jobs[0].timeLimitSeconds: must be a positive number of seconds, got 0",
            "many-problems.yaml:19: spec.jobs[0].backoffLimit: must be 0 or more, got -1",
            "many-problems.yaml:21: spec.jobs[0].environmentConfig[0].environment: \"staging\" is not one of the environments in spec.environments (dev)",
            "many-problems.yaml:22: spec.jobs[1]: a job needs src (a folder to build an image from) or image",
            "many-problems.yaml:23: spec.jobs[1].schedulerPort: expected an integer, got the string \"9000\"",
            "many-problems.yaml:26: spec.jobs[1].ports[0].port: must be between 1 and 65535, got 70000",
            "many-problems.yaml:27: spec.jobs[1].variables: expected a mapping, got a list",
        ])
    }

    @Test func wrongYAMLTypesAreProblemsNotCrashes() throws {
        let found = try Fixtures.problems("wrong-types.yaml").map(\.description)
        #expect(found == [
            "wrong-types.yaml:6: spec.environments: expected a list, got a mapping",
            "wrong-types.yaml:11: spec.jobs[0].schedulerPort: expected an integer, got the string \"eight-thousand\"",
            "wrong-types.yaml:12: spec.jobs[0].payload: expected a mapping, got the string \"/compute/args\"",
            "wrong-types.yaml:13: spec.jobs[0].ports: expected a list, got a mapping",
            "wrong-types.yaml:17: spec.jobs[0].variables.NESTED: expected a string, number or boolean, got a mapping",
            "wrong-types.yaml:20: spec.jobs[0].resources.requests: expected a mapping, got the string \"500m\"",
            "wrong-types.yaml:21: spec.jobs[0].timeLimitSeconds: expected an integer, got a list",
            "wrong-types.yaml:22: spec.jobs[0].backoffLimit: expected an integer, got the number 1.5",
            "wrong-types.yaml:23: spec.jobs[0].command: expected a list of strings, got the string \"run-it\"",
            "wrong-types.yaml:26: spec.jobs[0].args[1]: expected a string, got a mapping",
            "wrong-types.yaml:27: spec.jobs[0].environmentConfig: expected a list, got the string \"dev\"",
            "wrong-types.yaml:28: spec.jobs[1]: expected a mapping, got the string \"just a string\"",
        ])
    }

    @Test func malformedYAMLIsOneProblemWithItsLine() throws {
        let found = try Fixtures.problems("malformed.yaml")
        try #require(found.count == 1)
        #expect(found[0].line == 9)
        #expect(found[0].path == "")
        #expect(found[0].message.hasPrefix("invalid YAML: "))
        #expect(found[0].description.hasPrefix("malformed.yaml:9: invalid YAML: "))
    }

    @Test func duplicateKeysAreMalformed() {
        let found = problems(in: """
            metadata:
              name: app
              name: other
            spec: {}
            """)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("duplicate key \"name\"") == true)
        #expect(found.first?.line != nil)
    }

    @Test func emptyFileIsAProblem() {
        #expect(problems(in: "").map(\.description) == ["radixconfig.yaml:1: the file is empty; expected a RadixApplication"])
        #expect(problems(in: "# only a comment\n").count == 1)
    }

    @Test func topLevelMustBeAMapping() {
        #expect(problems(in: "- a\n- b\n").map(\.description) == ["radixconfig.yaml:1: expected a mapping, got a list"])
        #expect(problems(in: "just text").count == 1)
    }

    @Test func specAndMetadataOfWrongType() {
        let found = problems(in: """
            metadata: [radix-example]
            spec: nothing
            """)
        #expect(found.map(\.description) == [
            "radixconfig.yaml:1: metadata: expected a mapping, got a list",
            "radixconfig.yaml:2: spec: expected a mapping, got the string \"nothing\"",
        ])
    }

    @Test func errorCarriesAllProblems() throws {
        let text = try Fixtures.text("many-problems.yaml")
        #expect {
            _ = try RadixConfigFile.parse(yaml: text, fileName: "many-problems.yaml")
        } throws: { error in
            guard let error = error as? ConfigValidationError else { return false }
            return error.problems.count == 12
                && error.description.split(separator: "\n").count == 12
        }
    }
}
