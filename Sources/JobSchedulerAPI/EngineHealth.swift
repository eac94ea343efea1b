import SchedulerCore

/// Whether a scheduler can do its work, for `GET /health`: it follows its engine's events (the
/// scheduler's `engineConnected`), and the engine answers a ping now, within `timeout`.
struct EngineHealth: Sendable {
    let scheduler: JobScheduler
    /// Asks the engine whether it answers; nil when the runtime offers no such check.
    let ping: (@Sendable () async throws -> Void)?
    var timeout: Duration = .seconds(3)

    /// What is wrong, empty when the scheduler is healthy.
    func problems() async -> [String] {
        var problems: [String] = []
        if !scheduler.engineConnected {
            problems.append("the scheduler is not following the Docker engine's events (connecting or reconnecting)")
        }
        if let ping, let failure = await Self.failure(of: ping, within: timeout) {
            problems.append("the Docker engine does not answer: \(failure)")
        }
        return problems
    }

    /// Why `ping` failed or did not answer in time; nil if it answered.
    static func failure(of ping: @escaping @Sendable () async throws -> Void, within timeout: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await ping()
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : "no answer within \(timeout)"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
