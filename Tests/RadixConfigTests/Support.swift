import Foundation
import Testing
@testable import RadixConfig

/// Fixture files shipped with this test target.
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return folder.appendingPathComponent(name)
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    /// The problems a fixture produces (it must not load cleanly).
    static func problems(_ name: String) throws -> [ConfigProblem] {
        try RadixConfigTests.problems(in: text(name), fileName: name)
    }
}

/// The repository root, found from this file so tests do not depend on the working directory.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The problems `yaml` produces; records a test issue if it loads cleanly.
func problems(in yaml: String, fileName: String = "radixconfig.yaml") -> [ConfigProblem] {
    switch RadixConfigFile.check(yaml: yaml, fileName: fileName) {
    case .success:
        Issue.record("expected problems, but the config loaded cleanly")
        return []
    case .failure(let error):
        return error.problems
    }
}

/// 1-based number of the first line containing `marker`.
func line(of marker: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .firstIndex { $0.contains(marker) }
        .map { $0 + 1 }
}

/// A complete config around `jobs`, which is written unindented (`- name: x` at column 0).
func configYAML(jobs: String, environments: [String] = ["dev", "prod"], components: String? = nil) -> String {
    func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }
            .joined(separator: "\n")
    }
    var yaml = """
        apiVersion: radix.equinor.com/v1
        kind: RadixApplication
        metadata:
          name: rules
        spec:

        """
    if !environments.isEmpty {
        yaml += "  environments:\n" + environments.map { "    - name: \($0)\n" }.joined()
    }
    if let components {
        yaml += "  components:\n" + indent(components) + "\n"
    }
    yaml += "  jobs:\n" + indent(jobs) + "\n"
    return yaml
}
