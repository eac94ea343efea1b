import DockerEngine
import Foundation

/// Job names are `<job>-<yyyyMMddHHmmss>-<8 random [a-z0-9]>` in UTC, as Radix makes them: unique,
/// sortable by creation, and valid as a container name and a DNS hostname.
public enum JobNaming {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    public static func newName(for job: String, at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return newName(for: job, at: date, using: &generator)
    }

    public static func newName(for job: String, at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        let suffix = String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
        return "\(job)-\(timestamp(date))-\(suffix)"
    }

    /// `yyyyMMddHHmmss` in UTC: the engine's RFC 3339 form (whole seconds, UTC) without its separators.
    static func timestamp(_ date: Date) -> String {
        String(RFC3339.format(date).filter(\.isNumber))
    }

    /// A scheduled run's name: its tick's time (UTC) and `sched` with the schedule's place, so that each
    /// tick of each schedule has exactly one name, the same in every process.
    public static func scheduledRunName(for job: String, run: ScheduledRun) -> String {
        "\(job)-\(timestamp(run.tick))-sched" + zeroPadded(run.index, to: 3)
    }

    /// (Not `String(format:)`: that goes through CoreFoundation, code a scheduler otherwise never runs.)
    private static func zeroPadded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Whether `name` could be a job name of `job` (guards lookups and keeps foreign names out of engine calls).
    public static func isJobName(_ name: String, of job: String) -> Bool {
        guard name.hasPrefix(job + "-") else { return false }
        let rest = name.dropFirst(job.count + 1)
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].count == 14 && parts[0].allSatisfy(\.isASCII) && parts[0].allSatisfy(\.isNumber)
            && parts[1].count == 8 && parts[1].allSatisfy { alphabet.contains($0) }
    }

    /// A batch's name, as Radix makes it: `batch-<job name cut or padded with random characters to 16>-<yyyyMMddHHmmss>-<8 random>`.
    public static func newBatchName(for job: String, at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let base = String(job.prefix(16))
        let padding = String((0..<(16 - base.count)).map { _ in alphabet.randomElement(using: &generator)! })
        return "batch-\(base)\(padding)-\(timestamp(date))-\(randomSuffix(using: &generator))"
    }

    /// The name of a batch's job: the batch's name and 8 random characters.
    public static func newBatchJobName(in batch: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return "\(batch)-\(randomSuffix(using: &generator))"
    }

    static func randomSuffix(using generator: inout some RandomNumberGenerator) -> String {
        String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
