import Foundation

/// The runs' summary: what the runtime's tally counts, and the runs still in the runtime. A run's
/// removal waits until its fold into the tally is recorded, so it is counted without a gap, and once.
extension SchedulerState {
    struct PendingFold: Sendable, Equatable {
        var runs: [RunOutcome]
        /// What follows once they are counted: their removals.
        var then: [SchedulerAction]
        var failures = 0
        /// When a failed fold is tried again.
        var retryAt: Date?
    }

    /// Longest wait between two tries of a fold that fails.
    static let longestFoldRetryDelay: TimeInterval = 30

    /// Every run of the job definition ever made, counted by how it ended (those not ended yet aside).
    public func runSummary() -> RunSummary {
        var summary = runTally.summary
        for fold in foldsInFlight.values {
            for run in fold.runs where !runTally.hasFolded(run.name) { summary.count(run) }
        }
        for record in records.values where record.status.state.isTerminal && !runTally.hasFolded(record.status.name) {
            summary.count(RunOutcome(of: record.status))
        }
        return summary
    }

    /// How the jobs count in the summary (a deletion's, folded before they are removed).
    public func runOutcomes(of names: [String]) -> [RunOutcome] {
        names.compactMap { records[$0].map { RunOutcome(of: $0.status) } }
    }

    /// Whether the run is counted in the tally (or being folded in), so removed or being removed.
    func isFolded(_ name: String) -> Bool {
        runTally.hasFolded(name) || namesBeingFolded.contains(name)
    }

    /// Counts `runs` in the runtime's tally, then carries out `actions` (their removals).
    mutating func removeAfterFolding(_ runs: [RunOutcome], then actions: [SchedulerAction], _ effects: inout SchedulerEffects) {
        let runs = runs.filter { !isFolded($0.name) }
        guard !runs.isEmpty else {
            effects.actions += actions
            return
        }
        nextFoldID += 1
        foldsInFlight[nextFoldID] = PendingFold(runs: runs, then: actions)
        namesBeingFolded.formUnion(runs.map(\.name))
        effects.actions.append(.foldRuns(id: nextFoldID, runs: runs))
    }

    /// A tally read from the runtime (a reconcile's), or recorded by a fold: the newest is kept.
    mutating func runTallyFound(_ tally: RunTally?) {
        guard let tally, tally.sequence >= runTally.sequence else { return }
        runTally = tally
    }

    /// The runs of a fold are counted in the runtime's tally: their removals follow.
    public mutating func runsFolded(id: UInt64, tally: RunTally) -> SchedulerEffects {
        var effects = SchedulerEffects()
        runTallyFound(tally)
        if let fold = foldsInFlight.removeValue(forKey: id) {
            namesBeingFolded.subtract(fold.runs.map(\.name))
            effects.actions += fold.then
        }
        finish(&effects)
        return effects
    }

    /// A fold could not be recorded: tried again later (waiting longer each time); its removals wait.
    public mutating func runFoldFailed(id: UInt64, now: Date) -> SchedulerEffects {
        var effects = SchedulerEffects()
        if var fold = foldsInFlight[id] {
            fold.failures += 1
            fold.retryAt = now.addingTimeInterval(min(Self.longestFoldRetryDelay, Double(1 << min(fold.failures, 8)) / 2))
            foldsInFlight[id] = fold
        }
        finish(&effects)
        return effects
    }

    /// Sends again the folds whose retry is due.
    mutating func retryDueFolds(now: Date, _ effects: inout SchedulerEffects) {
        for (id, fold) in foldsInFlight.sorted(by: { $0.key < $1.key }) {
            guard let due = fold.retryAt, due <= now else { continue }
            foldsInFlight[id]?.retryAt = nil
            effects.actions.append(.foldRuns(id: id, runs: fold.runs))
        }
    }

    var nextFoldRetry: Date? { foldsInFlight.values.compactMap(\.retryAt).min() }
}
