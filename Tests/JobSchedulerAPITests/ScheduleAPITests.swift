import CronSchedules
import Foundation
import Hummingbird
import HummingbirdTesting
import RadixConfig
import SchedulerCore
import Testing

/// `GET /api/v1/schedules`, and scheduled runs in `GET /api/v1/jobs`, on the in-memory runtime.
@Suite("Schedules in the API")
struct ScheduleAPITests {
    @Test func theSchedulesListTheirNextRunsAndLatestRunAndTheRunsAreMarked() async throws {
        var fixture = APIFixture()
        fixture.runtime = .memory
        fixture.cron = JobCron(schedules: [try Schedule("@every 1s"), try Schedule("0 2 * * *", timeZone: TimeZone(identifier: "Europe/Oslo")!)],
                               timeZoneName: "Europe/Oslo", timeZone: TimeZone(identifier: "Europe/Oslo")!, concurrency: .forbid)
        try await fixture.run { @Sendable client in
            let first = try await client.request(.get, "/api/v1/schedules").array()
            #expect(first.map { $0["index"] as? Int } == [0, 1])
            #expect(first.map { $0["expression"] as? String } == ["@every 1s", "0 2 * * *"])
            #expect(first.allSatisfy { $0["timeZone"] as? String == "Europe/Oslo" && $0["concurrency"] as? String == "Forbid" })
            #expect(first.allSatisfy { $0["suspended"] as? Bool == false })
            let nextRuns = try #require(first[0]["nextRuns"] as? [String])
            #expect(nextRuns.count == 5 && nextRuns.allSatisfy(isTimestamp))
            #expect(nextRuns == nextRuns.sorted() && Set(nextRuns).count == 5)
            // 02:00 in Oslo is 01:00 UTC in winter (and 00:00 in summer).
            #expect((first[1]["nextRuns"] as? [String])?.allSatisfy { $0.hasSuffix("T01:00:00Z") || $0.hasSuffix("T00:00:00Z") } == true)

            var latest: [String: Any] = [:]
            try await waitUntil("the first tick's run is listed") {
                latest = (try await client.request(.get, "/api/v1/schedules").array().first?["lastRun"] as? [String: Any]) ?? [:]
                return latest["name"] != nil
            }
            let name = try #require(latest["name"] as? String)
            #expect(name.hasSuffix("-sched000"))
            #expect(isTimestamp(latest["scheduledAt"]))
            let job = try await client.status(of: name)
            #expect(job["schedule"] as? String == "@every 1s")
            #expect(job["scheduledAt"] as? String == latest["scheduledAt"] as? String)
            #expect(first[1]["lastRun"] == nil, "no run of the daily schedule yet")
            let single = try await client.submit()
            let plain = try await client.status(of: single)
            #expect(plain["schedule"] == nil && plain["scheduledAt"] == nil, "absent on other jobs")
        }
    }

    @Test func aScheduleRunsNowOncePerSecondAndItsSuspensionOutlivesARestart() async throws {
        let runtime = InMemoryJobRuntime(clock: WallClock())
        var fixture = APIFixture()
        fixture.runtime = .inMemory(runtime)
        fixture.cron = JobCron(schedules: [try Schedule("@yearly")], concurrency: .allow)
        try await fixture.run { @Sendable client in
            let run = try await client.request(.post, "/api/v1/schedules/0/run")
            #expect(run.status == .ok, "\(run.text)")
            let job = try run.object()
            #expect((job["name"] as? String)?.hasSuffix("-sched000") == true)
            #expect(job["schedule"] as? String == "@yearly" && isTimestamp(job["scheduledAt"]))
            // The same second again: refused, not run twice (unless the clock moved on to the next second).
            let again = try await client.request(.post, "/api/v1/schedules/0/run")
            if again.status != .ok { try again.expectFailure(409, "Conflict") }
            try await client.request(.post, "/api/v1/schedules/1/run").expectFailure(404, "NotFound")
            try await client.request(.post, "/api/v1/schedules/x/suspend").expectFailure(400, "BadRequest")

            let suspended = try await client.request(.post, "/api/v1/schedules/0/suspend")
            #expect(suspended.status == .ok)
            #expect(try suspended.object()["suspended"] as? Bool == true)
            #expect(try suspended.object()["nextRuns"] as? [String] == [])
        }
        // A new scheduler on the same runtime: still suspended, until resumed.
        try await fixture.run { @Sendable client in
            let listed = try await client.request(.get, "/api/v1/schedules").array()
            #expect(listed.first?["suspended"] as? Bool == true)
            let resumed = try await client.request(.post, "/api/v1/schedules/0/resume")
            #expect(try resumed.object()["suspended"] as? Bool == false)
            #expect((try resumed.object()["nextRuns"] as? [String])?.count == 5)
        }
    }

    @Test func aJobWithoutCronHasNoSchedules() async throws {
        var fixture = APIFixture()
        fixture.runtime = .memory
        try await fixture.run { @Sendable client in
            let response = try await client.request(.get, "/api/v1/schedules")
            #expect(response.status == .ok)
            #expect(response.text == "[]" || response.text == "[\n\n]")
        }
    }
}
