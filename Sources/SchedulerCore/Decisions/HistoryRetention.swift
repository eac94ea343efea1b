import Foundation

/// Which ended jobs to remove: all but the `limit` latest succeeded ones (stopped count as
/// succeeded, as in Radix) and the `limit` latest failed ones. Jobs that have not ended are never
/// chosen, nor is each schedule's latest run (it is the schedule's `lastRun`, and what shows, after a
/// restart, that its tick ran).
public enum HistoryRetention {
    public static func jobsToRemove(from jobs: [JobStatus], limit: Int) -> [String] {
        let ended = jobs.filter(\.state.isTerminal)
        let succeeded = ended.filter { $0.state != .failed }
        let failed = ended.filter { $0.state == .failed }
        let latestRuns = latestScheduledRuns(jobs)
        return (surplus(succeeded, limit: limit) + surplus(failed, limit: limit)).map(\.name).filter { !latestRuns.contains($0) }
    }

    /// The newest run (by tick) of each schedule (told apart by their names' `sched<NNN>` ends: two
    /// schedules may have the same expression).
    static func latestScheduledRuns(_ jobs: [JobStatus]) -> Set<String> {
        var latest: [Substring: JobStatus] = [:]
        for job in jobs {
            guard job.schedule != nil, let tick = job.scheduledAt, let schedule = job.name.split(separator: "-").last else { continue }
            if let known = latest[schedule], let knownTick = known.scheduledAt, (knownTick, known.name) >= (tick, job.name) { continue }
            latest[schedule] = job
        }
        return Set(latest.values.map(\.name))
    }

    /// Which ended batches to remove: all but the `limit` latest whose jobs all succeeded (or were
    /// stopped), and the `limit` latest others.
    public static func batchesToRemove(from batches: [BatchStatus], limit: Int) -> [String] {
        let ended = batches.filter(\.isFinished)
        func surplus(_ group: [BatchStatus]) -> [String] {
            let newestFirst = group.sorted {
                let left = $0.ended ?? $0.created ?? .distantPast, right = $1.ended ?? $1.created ?? .distantPast
                return left != right ? left > right : $0.name > $1.name
            }
            return newestFirst.dropFirst(max(0, limit)).map(\.name)
        }
        return surplus(ended.filter(\.succeeded)) + surplus(ended.filter { !$0.succeeded })
    }

    private static func surplus(_ jobs: [JobStatus], limit: Int) -> [JobStatus] {
        // Latest first by end time; the name (which starts with the creation time) breaks ties.
        let newestFirst = jobs.sorted {
            let left = $0.ended ?? $0.created ?? .distantPast, right = $1.ended ?? $1.created ?? .distantPast
            return left != right ? left > right : $0.name > $1.name
        }
        return Array(newestFirst.dropFirst(max(0, limit)))
    }
}
