import ArgumentParser

/// The `job-scheduler` root command. Async, because `serve` and `jobs` talk to the Docker engine
/// and to a scheduler over HTTP.
public struct JobSchedulerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "job-scheduler",
        abstract: "Runs Radix-style jobs from a radixconfig.yaml on a local Docker engine.",
        subcommands: [ValidateCommand.self, ServeCommand.self, GenerateCommand.self, JobsCommand.self, BatchesCommand.self, SchedulesCommand.self,
                      EventsCommand.self]
    )

    public init() {}
}
