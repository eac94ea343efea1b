import Foundation
import Testing

/// A node killed under running jobs (run last, on its own: the node stays down). The jobs are put on
/// the nodes by their node type (`runtime.nodeType`, the nodes' `nodetype` label): a job without a
/// retry ends as failed naming the node; one with a retry runs again on a node of its type that is up;
/// a job on another node goes on.
@Suite("A swarm node lost under running jobs", .enabled(if: TestEngine.onSwarm && SwarmSupport.script != nil), .serialized)
struct SwarmNodeLoss {
    /// Labels a node with a node type (the docker CLI, on the swarm's manager as DOCKER_HOST says).
    static func label(_ node: String, nodeType: String) async throws {
        let result = try await ChildProcess.run(["docker", "node", "update", "--label-add", "nodetype=\(nodeType)", node])
        try #require(result.status == 0, "\(result.output)")
    }

    @Test func theJobsOfAKilledNodeFailNamingItOrRunAgainElsewhere() async throws {
        try await Self.label("jsw-node2", nodeType: "lossy")
        try await Self.label("jsw-node1", nodeType: "steady")
        let fixture = APIFixture(script: "sleep 8")
        try await fixture.run { client in
            let batch = try await client.submitBatch(#"""
                {"jobScheduleDescriptions":[{"backoffLimit":0,"runtime":{"nodeType":"lossy"}},
                                            {"backoffLimit":1,"runtime":{"nodeType":"lossy"}},
                                            {"runtime":{"nodeType":"steady"}}]}
                """#)
            let name = try #require(batch["name"] as? String)
            let running = try await client.waitForBatch(name) { states(of: $0) == ["Running", "Running", "Running"] }
            let names = jobs(of: running).compactMap { $0["name"] as? String }
            try #require(names.count == 3)
            let placed = try await SwarmSupport.nodes(ofJobsOf: fixture.applicationName)
            #expect(names.map { placed[$0] } == ["jsw-node2", "jsw-node2", "jsw-node1"], "placed by node type: \(placed)")

            // Another node of the type, for the retry; then the first one dies.
            try await Self.label("jsw-node3", nodeType: "lossy")
            let script = try #require(SwarmSupport.script)
            let killed = try await ChildProcess.run(["bash", script, "kill-node", "2"])
            try #require(killed.status == 0, "\(killed.output)")

            try await client.waitForBatch(name, timeout: .seconds(120)) { states(of: $0).allSatisfy { ["Succeeded", "Failed"].contains($0) } }
            let lostRun = "the node the job ran on, jsw-node2"
            let failed = try await client.status(of: names[0])
            #expect(failed["status"] as? String == "Failed", "\(failed)")
            #expect((failed["message"] as? String)?.contains(lostRun) == true, "\(failed)")
            let retried = try await client.status(of: names[1])
            #expect(retried["status"] as? String == "Succeeded", "run again on a node that is up: \(retried)")
            let pods = retried["podStatuses"] as? [[String: Any]] ?? []
            #expect(pods.count == 2, "\(retried)")
            #expect((pods.first?["statusMessage"] as? String)?.contains(lostRun) == true, "\(pods)")
            #expect(try await client.status(of: names[2])["status"] as? String == "Succeeded")
            let after = try await SwarmSupport.nodes(ofJobsOf: fixture.applicationName)
            #expect(after[names[1]] == "jsw-node3", "the retry on the other node of its type: \(after)")
        }
    }
}
