import Foundation

/// One job as the scheduler knows it.
struct JobRecord: Sendable {
    var observation: JobObservation
    var status: JobStatus
    /// The ticket of the observation applied last.
    var ticket: UInt64
    /// The scheduler killed this job at its deadline.
    var deadlineKilled = false
    /// When the job's time is up, while that is still to be acted on.
    var deadline: Date?
    /// A start lost to a transport failure, to be tried again.
    var startRetry: StartRetry?

    struct StartRetry: Sendable {
        var attempt: Int
        var due: Date
        /// The job is being read to see whether it has still never started.
        var awaitingObservation = false
    }

    /// `known` with the attempts of `found` it lacks, in the order they were made.
    static func merged(_ known: [JobAttempt], _ found: [JobAttempt]) -> [JobAttempt] {
        guard !found.isEmpty else { return known }
        let indices = Set(known.map(\.index))
        return (known + found.filter { !indices.contains($0.index) }).sorted { $0.index < $1.index }
    }

    init(observation: JobObservation, ticket: UInt64) {
        self.observation = observation
        self.status = JobStatusDerivation.status(of: observation)
        self.ticket = ticket
    }
}

/// A set of names that forgets all of them once it holds `limit`: only recent names still have
/// containers that could be observed again.
struct RecentNames: Sendable {
    let limit: Int
    private var names: Set<String> = []

    init(limit: Int) { self.limit = limit }

    func contains(_ name: String) -> Bool { names.contains(name) }

    mutating func insert(_ name: String) {
        if names.count >= limit { names.removeAll() }
        names.insert(name)
    }
}
