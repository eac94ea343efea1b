@testable import CronSchedules
import EngineTestSupport
import Foundation
import Testing

/// Next-run times checked against Python's croniter (scripts/cron_oracle.py), an implementation we did
/// not write: a year of runs for expressions covering every field form, in UTC, Europe/Oslo and
/// America/New_York (both of their DST shifts included). The oracle's autumn rule is adjusted to ours
/// for expressions that name their hours (see cron_oracle.py).
@Suite("Cron against croniter", .serialized)
struct CronOracleTests {
    static let zones = ["UTC", "Europe/Oslo", "America/New_York"]
    /// Sparse expressions: every run of 2026.
    static let yearly = [
        "0 0 * * *", "30 2 * * *", "15 3 1,15 * *", "0 9-17 * * MON-FRI", "5,35 */2 * * *", "0 12 * 2-11/3 *",
        "0 0 13 * FRI", "0 0 */2 * 1", "0 0 1-7 * SUN", "0 0 29 2 *", "0 0 31 * *", "0 22 * * 7", "59 23 31 12 *",
        "0 0 1 JAN,jul *", "0 */5 * * SAT,SUN", "20-40/10 1-3 * * *", "0 1,2,3 * * *", "0 4/6 * * *", "0 2 * 3,10,11 0",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
    ]
    /// Dense expressions: the days around each DST shift of 2026 (March and October/November).
    static let dense = ["* * * * *", "*/15 * * * *", "*/7 1-3 * * *", "0-10 2 * * *", "*/20 1-3 * * *", "30 * * * *"]

    struct Case: Encodable {
        var expression: String
        var timeZone: String
        var start: Int
        var end: Int
        var limit: Int
    }

    static func oracle(_ cases: [Case]) async throws -> [[Int]] {
        let script = repositoryRoot.appendingPathComponent("scripts/cron_oracle.py").path
        let result = try await ChildProcess.run(["python3", script], input: try JSONEncoder().encode(cases))
        guard result.status == 0 else { throw OracleFailure(description: "cron_oracle.py failed: \(result.stderr)") }
        return try JSONDecoder().decode([[Int]].self, from: Data(result.stdout.utf8))
    }

    struct OracleFailure: Error, CustomStringConvertible { let description: String }

    /// Ours, as the oracle lists them.
    static func ours(_ item: Case) throws -> [Int] {
        let schedule = try Schedule(item.expression, timeZone: TimeZone(identifier: item.timeZone)!)
        var runs: [Int] = []
        var from = Date(timeIntervalSince1970: TimeInterval(item.start))
        while runs.count < item.limit, let next = schedule.nextRun(after: from), next < Date(timeIntervalSince1970: TimeInterval(item.end)) {
            runs.append(Int(next.timeIntervalSince1970))
            from = next
        }
        return runs
    }

    /// Runs `work` on a thread of its own: tens of thousands of next runs are seconds of CPU, which must not
    /// hold one of the cooperative pool's threads (two on this machine) from the other tests' tasks.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func compare(_ cases: [Case]) async throws {
        let expected = try await oracle(cases)
        let computed = try await offThePool { try cases.map(ours) }
        for ((item, theirs), mine) in zip(zip(cases, expected), computed) {
            let first = zip(mine, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(mine == theirs, """
                \(item.expression) in \(item.timeZone): \(mine.count) runs, croniter \(theirs.count); first difference at \
                \(first.map { "run \($0): ours \(mine[$0]), croniter \(theirs[$0])" } ?? "the end")
                """)
            #expect(!mine.isEmpty)
        }
    }

    // 2026-01-01T00:00:30Z, on no minute's boundary (both sides count strictly after it).
    static let yearStart = 1_767_225_630

    @Test(arguments: zones) func aYearOfRuns(in zone: String) async throws {
        try await Self.compare(Self.yearly.map { expression in
            // 29 February: four years, to see one.
            let days = expression == "0 0 29 2 *" ? 4 * 366 : 366
            return Case(expression: expression, timeZone: zone, start: Self.yearStart, end: Self.yearStart + days * 86_400, limit: 20_000)
        })
    }

    @Test(arguments: zones) func theDaysAroundEachDSTShift(in zone: String) async throws {
        // 2026-03-07, 2026-03-28, 2026-10-24 and 2026-10-31, 00:00:30Z, each for three days.
        let windows = [1_772_841_630, 1_774_656_030, 1_792_800_030, 1_793_404_830]
        try await Self.compare(Self.dense.flatMap { expression in
            windows.map { Case(expression: expression, timeZone: zone, start: $0, end: $0 + 3 * 86_400, limit: 20_000) }
        })
    }
}
