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

            let script = try #require(SwarmSupport.script)
            let restarted = try await ChildProcess.run(["bash", script, "restart-engine", "1"])
            try #require(restarted.status == 0, "\(restarted.output)")
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

            let runs = try await TestEngine.runs(labelled: "radix-app=\(fixture.applicationName)")
            #expect(runs == [succeeding: 1, failing: 1, after: 1], "each job ran once: \(runs)")
        }
    }
}
