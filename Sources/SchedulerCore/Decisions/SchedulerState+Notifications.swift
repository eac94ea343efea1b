import Foundation

/// What changed during one input, per single job or batch, until the input's effects are complete;
/// then it becomes `StatusNotification`s (one per key and event, however many steps the input took).
struct PendingNotices: Sendable {
    struct Entry: Sendable {
        var isBatch: Bool
        /// It became known in this input.
        var appeared = false
        /// It is this process's own new submission (not one found in the runtime on a restart).
        var fresh = false
        /// A batch's changed jobs (told in the batch's order).
        var changedJobs: Set<String> = []
    }

    /// Keys in the order they were first touched.
    var order: [String] = []
    var entries: [String: Entry] = [:]

    mutating func touch(_ key: String, isBatch: Bool, _ change: (inout Entry) -> Void) {
        if entries[key] == nil {
            order.append(key)
            entries[key] = Entry(isBatch: isBatch)
        }
        change(&entries[key]!)
    }

    mutating func take(_ key: String) -> Entry? {
        guard let entry = entries.removeValue(forKey: key) else { return nil }
        order.removeAll { $0 == key }
        return entry
    }
}

/// Status notifications (for a webhook): decided with the rest, from the changes each input makes.
///
/// A job or batch found in the runtime that this process did not submit (every one, after a restart)
/// is told as a `Create` and an `Update` with its whole state: its receiver may have missed both
/// while the scheduler was down, and drops what it has seen (a notification's id comes from its content).
extension SchedulerState {
    /// A job's status changed in a way worth telling (see `JobStatus.isNotablyDifferent`).
    mutating func noteJobChanged(_ name: String, batch: String?, appeared: Bool) {
        guard notifies else { return }
        if let batch {
            notices.touch(batch, isBatch: true) { entry in entry.changedJobs.insert(name) }
        } else {
            let fresh = appeared && launching.contains(name)
            notices.touch(name, isBatch: false) { entry in
                entry.appeared = entry.appeared || appeared
                entry.fresh = entry.fresh || fresh
            }
        }
    }

    mutating func noteBatchAppeared(_ name: String, fresh: Bool) {
        guard notifies else { return }
        notices.touch(name, isBatch: true) { entry in
            entry.appeared = true
            entry.fresh = entry.fresh || fresh
        }
    }

    /// A single job or a batch is about to be forgotten: what is pending for it is told first, then its
    /// deletion with its last state. (A batch's jobs go with their batch's `Delete`.)
    mutating func noteForgetting(_ name: String, deleted: Bool = false, _ effects: inout SchedulerEffects) {
        guard notifies else { return }
        let deleting = deletingBatches.removeValue(forKey: name)
        if let record = records[name] {
            guard record.observation.batchName == nil, !launching.contains(name) else { return }
            tellPending(name, &effects)
            effects.notifications.append(StatusNotification(event: .delete, subject: .job(record.status)))
        } else if batches[name] != nil, let status = (deleted ? deleting : nil) ?? batchStatus(of: name) {
            tellPending(name, &effects)
            effects.notifications.append(StatusNotification(event: .delete, subject: .batch(status)))
        }
    }

    /// Everything pending, in the order it was first touched: at the end of each input.
    mutating func tellAllPending(_ effects: inout SchedulerEffects) {
        guard notifies else { return }
        while let key = notices.order.first { tellPending(key, &effects) }
    }

    private mutating func tellPending(_ key: String, _ effects: inout SchedulerEffects) {
        guard let entry = notices.take(key) else { return }
        let subject: StatusNotification.Subject
        if entry.isBatch {
            // A batch still being submitted is told whole by its `Create`, once it is recorded.
            guard var status = batchStatus(of: key) else { return }
            if !entry.appeared { status.jobStatuses.removeAll { !entry.changedJobs.contains($0.name) } }
            subject = .batch(status)
        } else {
            guard let status = records[key]?.status else { return }
            subject = .job(status)
        }
        if entry.appeared { effects.notifications.append(StatusNotification(event: .create, subject: subject)) }
        if !entry.fresh { effects.notifications.append(StatusNotification(event: .update, subject: subject)) }
    }
}

extension JobStatus {
    /// Whether a receiver would see a difference: the state, message, failures, start or end (not the
    /// image's ID, filled in late).
    func isNotablyDifferent(from other: JobStatus) -> Bool {
        state != other.state || message != other.message || failed != other.failed
            || Self.timesDiffer(started, other.started) || Self.timesDiffer(ended, other.ended)
    }

    /// An engine event's time is when the event was sent, a little after the moment the inspection
    /// that follows gives (and maybe across a second's boundary): that correction alone is not a change
    /// to tell. A retry's new start or end is seconds apart, and comes with other changes too.
    static func timesDiffer(_ one: Date?, _ other: Date?) -> Bool {
        guard let one, let other else { return (one == nil) != (other == nil) }
        return abs(one.timeIntervalSince(other)) >= 2
    }
}
