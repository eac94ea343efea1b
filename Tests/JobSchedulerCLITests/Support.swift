import EngineTestSupport
import Foundation
import Testing

/// A throwaway folder holding config files for one test.
struct TemporaryFolder: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("job-scheduler-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to `name` in the folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// What a finished process printed and returned.
struct ProcessResult {
    var status: Int32
    var stdout: [String]
    var stderr: [String]
}

/// Runs the real `job-scheduler` executable built next to this test bundle.
enum JobSchedulerBinary {
    /// `swift test` builds every product into the same folder as the test bundle;
    /// JOB_SCHEDULER_BIN overrides the search.
    static func url() -> URL? {
        if let path = ProcessInfo.processInfo.environment["JOB_SCHEDULER_BIN"] {
            return URL(fileURLWithPath: path)
        }
        var folders: [URL] = Bundle.allBundles
            .filter { $0.bundlePath.hasSuffix(".xctest") }
            .map { $0.bundleURL.deletingLastPathComponent() }
        folders.append(Bundle.main.bundleURL)
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        return folders
            .map { $0.appendingPathComponent("job-scheduler") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs the binary to completion (blocking: for synchronous tests).
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
        let executable = try #require(url(), "job-scheduler was not found next to the test bundle; run `swift build` first or set JOB_SCHEDULER_BIN")
        let result = try ChildProcess.runBlocking([executable.path] + arguments, in: directory)
        func lines(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        return ProcessResult(status: result.status, stdout: lines(result.stdout), stderr: lines(result.stderr))
    }
}

enum SampleConfigs {
    static let good = """
        apiVersion: radix.equinor.com/v1
        kind: RadixApplication
        metadata:
          name: cli-test
        spec:
          environments:
            - name: dev
            - name: prod
          jobs:
            - name: compute
              image: radix-example/compute:{imageTagName}
              imageTagName: latest
              schedulerPort: 8000
              payload:
                path: /compute/args
              resources:
                requests: {cpu: 500m, memory: 256Mi}
                limits: {cpu: 1, memory: 512Mi}
              environmentConfig:
                - environment: prod
                  imageTagName: "2.0"
                  timeLimitSeconds: 60
                  resources:
                    limits: {memory: 1Gi}
            - name: etl
              src: deploy/app/etl
              schedulerPort: 9000
              backoffLimit: 3

        """

    static let goodSummary = [
        "compute  port 8000  image radix-example/compute:latest  payload /compute/args  timeLimit 43200s  backoff 0  cpu 500m/1  memory 256Mi/512Mi",
        "etl      port 9000  image (built from deploy/app/etl)  payload -  timeLimit 43200s  backoff 3  cpu -/-  memory -/-",
    ]

    static let goodProdSummary = [
        "compute  port 8000  image radix-example/compute:2.0  payload /compute/args  timeLimit 60s  backoff 0  cpu 500m/1  memory 256Mi/1Gi",
        "etl      port 9000  image (built from deploy/app/etl)  payload -  timeLimit 43200s  backoff 3  cpu -/-  memory -/-",
    ]

    static let bad = """
        apiVersion: radix.equinor.com/v1
        kind: RadixApplication
        metadata:
          name: cli-test
        spec:
          environments:
            - name: dev
          jobs:
            - name: compute
              src: compute
              schedulerPort: 80
              payload:
                path: relative
            - name: compute
              schedulerPort: 9000
              resources:
                limits:
                  memory: 1Gb

        """

    /// The problems of `bad`, after the `<path>:` prefix.
    static let badProblems = [
        "11: spec.jobs[0].schedulerPort: must be between 1024 and 65535, got 80",
        "13: spec.jobs[0].payload.path: must be an absolute path (starting with '/'), got \"relative\"",
        "14: spec.jobs[1]: a job needs src (a folder to build an image from) or image",
        "14: spec.jobs[1].name: \"compute\" is already used by job compute (line 9)",
        "18: spec.jobs[1].resources.limits.memory: invalid quantity \"1Gb\": unknown suffix \"Gb\" (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3)",
    ]
}
