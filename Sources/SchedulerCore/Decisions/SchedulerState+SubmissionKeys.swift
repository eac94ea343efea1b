import Foundation

/// Keyed submissions: a request that repeats one made before (same key) is answered with what that one
/// made, while it is kept in the history; the same key with a different request is refused, and a
/// second request while the first is under way is told to ask again.
extension SchedulerState {
    public enum SubmissionStart: Sendable, Equatable {
        /// The name (and the key) are reserved: make the job.
        case reserved
        /// A job has this name (or had it): draw another.
        case nameTaken
        /// The key's request was made before: its job.
        case repeated(JobStatus)
    }

    /// Reserves `name` for a new submission, and its `key` with it.
    public mutating func beginSubmission(_ name: String, key: SubmissionKey?) throws(SchedulerError) -> SubmissionStart {
        if let key {
            if let made = try jobMade(under: key) { return .repeated(made) }
            if keysBeingSubmitted[key.recorded] != nil {
                throw .conflict("a request with the same \(key.shown) is under way; ask again once it is answered")
            }
        }
        guard beginSubmission(name) else { return .nameTaken }
        if let key { keysBeingSubmitted[key.recorded] = name }
        return .reserved
    }

    /// The job made under `key` by the same request; nil when no kept job was made under it.
    public func jobMade(under key: SubmissionKey) throws(SchedulerError) -> JobStatus? {
        guard let name = jobsByKey[key.recorded], let record = records[name] else { return nil }
        guard record.observation.submissionKey?.fingerprint == key.fingerprint else {
            throw .keyReused(key.shown, madeBy: name)
        }
        return record.status
    }

    public enum BatchSubmissionStart: Sendable, Equatable {
        case reserved, nameTaken
        case repeated(BatchStatus)
    }

    /// Reserves the names of a new batch and its jobs, and its `key` with them.
    public mutating func beginBatchSubmission(_ batch: String, jobs: [String], key: SubmissionKey?) throws(SchedulerError) -> BatchSubmissionStart {
        if let key {
            if let made = try batchMade(under: key) { return .repeated(made) }
            if batchKeysBeingSubmitted[key.recorded] != nil {
                throw .conflict("a request with the same \(key.shown) is under way; ask again once it is answered")
            }
        }
        guard beginBatchSubmission(batch, jobs: jobs) else { return .nameTaken }
        if let key { batchKeysBeingSubmitted[key.recorded] = batch }
        return .reserved
    }

    /// The batch made under `key` by the same request; nil when no kept batch was made under it.
    public func batchMade(under key: SubmissionKey) throws(SchedulerError) -> BatchStatus? {
        guard let name = batchesByKey[key.recorded], let batch = batches[name] else { return nil }
        guard batch.observation.submissionKey?.fingerprint == key.fingerprint else {
            throw .keyReused(key.shown, madeBy: name)
        }
        return batchStatus(of: name)
    }

    /// Keeps the index of keyed batches as a batch is recorded (again) or forgotten.
    mutating func indexKey(of batch: BatchObservation) {
        if let key = batch.submissionKey { batchesByKey[key.recorded] = batch.name }
        for (key, reserved) in batchKeysBeingSubmitted where reserved == batch.name { batchKeysBeingSubmitted[key] = nil }
    }

    mutating func unindexBatchKey(of name: String) {
        if let key = batches[name]?.observation.submissionKey, batchesByKey[key.recorded] == name { batchesByKey[key.recorded] = nil }
        for (key, reserved) in batchKeysBeingSubmitted where reserved == name { batchKeysBeingSubmitted[key] = nil }
    }

    /// Keeps the index of keyed jobs as a record comes or goes.
    mutating func indexKey(of observation: JobObservation) {
        guard let key = observation.submissionKey, observation.batchName == nil else { return }
        jobsByKey[key.recorded] = observation.name
    }

    mutating func unindexKey(of observation: JobObservation) {
        guard let key = observation.submissionKey, jobsByKey[key.recorded] == observation.name else { return }
        jobsByKey[key.recorded] = nil
    }

    /// The submission of `name` is over (made or not): its key is free again, or indexed with its job.
    mutating func releaseKey(of name: String) {
        for (key, reserved) in keysBeingSubmitted where reserved == name { keysBeingSubmitted[key] = nil }
    }
}
