import Foundation

/// The durable part of the `RunSummary`: the runs removed from the runtime, counted. Recorded in the
/// runtime as a whole each time it changes (`JobRuntime.foldRuns`), numbered so the newest wins.
///
/// A run is folded in before its container is removed, so a death in between must not count it twice:
/// the names folded lately are kept with the tally, and a run named there is neither folded again nor
/// counted among the live runs (whose removal a reconcile then carries out). Names are kept
/// `foldedNamesKept` long: well past any removal that follows its fold.
public struct RunTally: Sendable, Equatable, Codable {
    /// Which recording this is: each fold records the next.
    public var sequence: Int
    public var summary: RunSummary
    /// The runs folded lately, with when.
    public var folded: [String: Date]

    public static let foldedNamesKept: TimeInterval = 600

    public init(sequence: Int = 0, summary: RunSummary = RunSummary(), folded: [String: Date] = [:]) {
        self.sequence = sequence
        self.summary = summary
        self.folded = folded
    }

    /// The next tally: `runs` counted unless folded already, and the names folded long ago let go.
    public func folding(_ runs: [RunOutcome], at now: Date) -> RunTally {
        var next = RunTally(sequence: sequence + 1, summary: summary,
                            folded: folded.filter { now.timeIntervalSince($0.value) < Self.foldedNamesKept })
        for run in runs where folded[run.name] == nil && next.folded[run.name] == nil {
            next.summary.count(run)
            next.folded[run.name] = now
        }
        return next
    }

    /// Whether the run with this name is counted here.
    public func hasFolded(_ name: String) -> Bool { folded[name] != nil }
}
