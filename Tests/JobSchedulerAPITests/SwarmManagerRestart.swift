import Foundation
import Testing

/// The swarm's manager (the engine the scheduler talks to) restarted under jobs running on the workers
/// (run alone: the scheduler's engine is gone for seconds). The jobs go on; the scheduler, which lost its
/// event stream and its task watch, reports how they ended, runs new jobs, and ran none twice.
@Suite("The swarm's manager restarted under running jobs", .enabled(if: TestEngine.onSwarm && SwarmSupport.script != nil), .serialized)
struct SwarmManagerRestart {
    @Test func jobsOnTheWorkersAreReportedRightAfterTheManagerRestarts() async throws {
        try await SwarmNodeLoss.label("jsw-node2", nodeType: "worker")
        try await SwarmNodeLoss.label("jsw-node3", nodeType: "worker")
        // Exits with the payload's code after 15 s (long enough to outlive the restart), or at once for "now".
        let fixture = APIFixture(script: #"p=$(cat /args/payload); [ "$p" = now ] && exit 0; sleep 15; exit "$p""#)
        try await fixture.run { client in
            let succeeding = try await client.submit(#"{"payload":"0","runtime":{"nodeType":"worker"}}"#)
            let failing = try await client.submit(#"{"payload":"3","runtime":{"nodeType":"worker"}}"#)
            for name in [succeeding, failing] { try await client.waitFor(name, toBe: ["Running"]) }

            // While the manager is away: the scheduler says so (503), and a POST is refused with 503 (or,
            // had the manager come back already, makes its job), never a 500.
            let script = try #require(SwarmSupport.script)
            async let restart = ChildProcess.run(["bash", script, "restart-engine", "1"])
            var sawTheEngineAway = false
            var postedMeanwhile: [String] = []
            for _ in 0..<300 where !sawTheEngineAway {
                sawTheEngineAway = try await client.request(.get, "/health").status.code == 503
                try await Task.sleep(for: .milliseconds(20))
            }
            if sawTheEngineAway {
                let response = try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"now"}"#)
                #expect([200, 503].contains(response.status.code), "\(response.status): \(response.text)")
                if response.status.code == 200, let name = try response.object()["name"] as? String { postedMeanwhile.append(name) }
                if response.status.code == 503 { _ = try response.expectFailure(503, "ServiceUnavailable") }
            }
            let restarted = try await restart
            try #require(restarted.status == 0, "\(restarted.output)")
            #expect(sawTheEngineAway, "/health never answered 503 while the manager restarted")
            let back = Date()

            let succeeded = try await client.waitFor(succeeding, toBe: ["Succeeded", "Failed"])
            #expect(succeeded["status"] as? String == "Succeeded", "\(succeeded)")
            let failed = try await client.waitFor(failing, toBe: ["Succeeded", "Failed"])
            #expect(failed["status"] as? String == "Failed", "\(failed)")
            #expect((failed["podStatuses"] as? [[String: Any]])?.last?["exitCode"] as? Int == 3, "\(failed)")
            // The runs outlived the restart (or the test proved nothing): they ended after it.
            let ended = [succeeded, failed].compactMap { ($0["ended"] as? String).flatMap { try? Date($0, strategy: .iso8601) } }
            #expect(ended.count == 2 && ended.allSatisfy { $0 > back.addingTimeInterval(-1) }, "ended \(ended), manager back at \(back)")

            let after = try await client.submit(#"{"payload":"now"}"#)
            let done = try await client.waitFor(after, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")

            for name in postedMeanwhile { try await client.waitFor(name, toBe: ["Succeeded"]) }
            let runs = try await TestEngine.runs(labelled: "radix-app=\(fixture.applicationName)")
            let expected = Dictionary(uniqueKeysWithValues: ([succeeding, failing, after] + postedMeanwhile).map { ($0, 1) })
            #expect(runs == expected, "each job ran once, and none more: \(runs)")
        }
    }
}
