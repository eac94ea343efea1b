import ArgumentParser
import Foundation
import RadixConfig

/// `job-scheduler validate`: checks a radixconfig.yaml and shows what each job would run
/// with, so mistakes surface before anything is started.
public struct ValidateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a radixconfig.yaml and print one summary line per job (and a scheduled job's next runs).",
        discussion: "Problems go to stderr, one per line as file:line: path: message, and the exit code is 1."
    )

    @Option(name: .long, help: "Path of the radixconfig.yaml to check.")
    public var config: String = RadixConfigFile.defaultFileName

    @Option(name: .long, help: "Resolve jobs for this environment (must be listed in spec.environments).")
    public var env: String?

    public init() {}

    public func run() async throws {
        let status = execute(output: StandardOutput())
        if status != 0 { throw ExitCode(status) }
    }

    /// The command's work with its output injected; returns the exit status.
    public func execute(output: some CommandOutput, now: Date = Date()) -> Int32 {
        let application: RadixApplication
        do {
            application = try RadixConfigFile.load(path: config)
            if let env { try EnvironmentSelection.check(env, in: application, fileName: config) }
        } catch {
            for problem in error.problems { output.err(problem.description) }
            return 1
        }
        let jobs = application.jobs.map { $0.resolved(for: env) }
        for line in JobSummary.lines(for: jobs) + jobs.flatMap({ JobSummary.scheduleLines(for: $0, now: now) }) {
            output.out(line)
        }
        return 0
    }
}
