// The executable only starts the command tree; all behaviour lives in JobSchedulerCLI
// so tests can run the same commands in-process.
import JobSchedulerCLI

// Called from an async function: in top-level code Swift picks the synchronous
// `main()` overload, which refuses an async root command.
func runRootCommand() async {
    await JobSchedulerCommand.main()
}

await runRootCommand()
