import JobScheduler
import ServiceLifecycle

/// Runs the scheduler's event loop (`JobScheduler.run()`) as a service beside the HTTP server: it
/// follows the engine's events until the service group shuts down. Shutting down stops only the
/// following; the job containers go on running and are found again by the next `reconcile()`.
struct SchedulerService: Service {
    let scheduler: JobScheduler

    func run() async throws {
        let scheduler = scheduler
        await cancelWhenGracefulShutdown {
            await scheduler.run()
        }
    }
}
