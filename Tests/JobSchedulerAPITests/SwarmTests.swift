import DockerEngine
import Foundation
import RadixConfig
import Testing

/// What only a swarm of several machines shows: jobs placed over its nodes, a job no node can take
/// waiting and saying why, and a node lost under running jobs. Run by scripts/swarm-test.sh on the
/// three-node swarm of scripts/swarm.sh (nodes jsw-node1, the manager, to jsw-node3).
enum SwarmSupport {
    /// scripts/swarm.sh, which can kill a node; set by scripts/swarm-test.sh.
    static var script: String? { ProcessInfo.processInfo.environment["JOBSCHED_SWARM_SCRIPT"] }

    /// Each job of the application with the hostname of the node its newest task is on.
    static func nodes(ofJobsOf application: String) async throws -> [String: String] {
        let hostnames = Dictionary(try await TestEngine.client.listNodes().map { ($0.id, $0.hostname) }) { first, _ in first }
        var placed: [String: (created: Date, node: String)] = [:]
        for task in try await TestEngine.client.listTasks(labels: ["radix-app=\(application)"]) {
            guard let job = task.containerLabels["radix-job-name"], let node = task.nodeID.flatMap({ hostnames[$0] }) else { continue }
            let created = task.createdAt ?? .distantPast
            if created >= placed[job]?.created ?? .distantPast { placed[job] = (created, node) }
        }
        return placed.mapValues(\.node)
    }
}

@Suite("Jobs on a three-node swarm", .enabled(if: TestEngine.onSwarm), .serialized)
struct SwarmTests {
    @Test func aBatchIsSpreadOverTheNodes() async throws {
        let fixture = APIFixture(script: "sleep 5")
        try await fixture.run { client in
            let batch = try await client.submitBatch(#"{"jobScheduleDescriptions":[{},{},{},{},{},{}]}"#)
            let name = try #require(batch["name"] as? String)
            try await client.waitForBatch(name) { states(of: $0) == Array(repeating: "Running", count: 6) }
            let placed = try await SwarmSupport.nodes(ofJobsOf: fixture.applicationName)
            #expect(placed.count == 6)
            #expect(Set(placed.values).count >= 2, "six jobs on more than one node: \(placed)")
            let done = try await client.waitForBatch(name) { states(of: $0).allSatisfy { ["Succeeded", "Failed"].contains($0) } }
            #expect(states(of: done) == Array(repeating: "Succeeded", count: 6), "\(done)")
        }
    }

    @Test func aJobNoNodeCanTakeWaitsSayingWhyUntilDeleted() async throws {
        let fixture = APIFixture(script: "exit 0")
        try await fixture.run { client in
            let response = try await client.request(.post, "/api/v1/jobs", json: #"{"resources":{"requests":{"memory":"900Gi"}}}"#)
            try #require(response.status == .ok, "\(response.text)")
            let name = try #require(try response.object()["name"] as? String)
            var last: [String: Any] = [:]
            try await waitUntil("the job waits, saying no node has the resources", lastSeen: { "\(last)" }) {
                last = try await client.status(of: name)
                return last["status"] as? String == "Waiting" && (last["message"] as? String)?.contains("insufficient resources") == true
            }
            #expect(try await client.request(.delete, "/api/v1/jobs/\(name)").status == .ok)
            #expect(try await client.request(.get, "/api/v1/jobs/\(name)").status == .notFound)
            #expect(try await TestEngine.client.listServices(labels: ["radix-app=\(fixture.applicationName)"]).isEmpty)
        }
    }

    /// `http://<job name>:<port>` from a sibling on another node, over an attachable overlay network.
    @Test func aSiblingOnAnotherNodeReachesAJobByItsNameOnAnOverlayNetwork() async throws {
        let network = "jsw-overlay-\(UUID().uuidString.prefix(8).lowercased())"
        try await TestEngine.client.createOverlayNetwork(name: network, labels: ["dockerengine.tests": "swarm"])
        try await SwarmNodeLoss.label("jsw-node2", nodeType: "web")
        try await SwarmNodeLoss.label("jsw-node3", nodeType: "probe")
        let script = #"""
            if [ "$ROLE" = server ]; then
              mkdir -p /tmp/www && echo "hello from $RADIX_JOB_NAME" > /tmp/www/index.html && exec httpd -f -p 8000 -h /tmp/www
            fi
            # (This busybox's wget crashes with -T: timeout bounds each try.)
            for i in $(seq 1 30); do timeout 3 wget -q -O - "http://$TARGET:8000/" 2>/dev/null && exit 0; sleep 1; done
            wget -O - "http://$TARGET:8000/"; exit 1
            """#
        let fixture = APIFixture(script: script, network: network)
        do {
            try await fixture.run { client in
                let server = try await client.submit(#"{"variables":{"ROLE":"server"},"runtime":{"nodeType":"web"}}"#)
                try await client.waitFor(server, toBe: ["Running"])
                let probe = try await client.submit(#"{"variables":{"TARGET":"\#(server)"},"runtime":{"nodeType":"probe"}}"#)
                let done = try await client.waitFor(probe, toBe: ["Succeeded", "Failed"])
                #expect(done["status"] as? String == "Succeeded", "\(done)")
                let output = try await client.request(.get, "/api/v1/jobs/\(probe)/logs").text
                #expect(output == "hello from \(server)\n")
                let placed = try await SwarmSupport.nodes(ofJobsOf: fixture.applicationName)
                #expect(placed[server] == "jsw-node2" && placed[probe] == "jsw-node3", "on two nodes: \(placed)")
                #expect(try await client.request(.delete, "/api/v1/jobs/\(server)").status == .ok)
            }
        } catch {
            try? await TestEngine.client.removeNetwork(network)
            throw error
        }
        // (Once its services are gone: their tasks' endpoints go with them, a moment later.)
        try await waitUntil("the overlay network is removed") {
            do { try await TestEngine.client.removeNetwork(network) } catch { return false }
            return true
        }
    }

    /// GPUs are the nodes' generic resource `gpu` (node 3 advertises two): a job that needs one runs
    /// there; one that needs three waits, saying no node has them.
    @Test func aJobNeedingGPUsRunsWhereTheyAreOrWaits() async throws {
        let fixture = APIFixture(script: "exit 0")
        try await fixture.run { client in
            let fits = try await client.submit(#"{"node":{"gpuCount":"1"}}"#)
            let done = try await client.waitFor(fits, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")
            #expect(try await SwarmSupport.nodes(ofJobsOf: fixture.applicationName)[fits] == "jsw-node3")
            let tooMany = try await client.submit(#"{"node":{"gpuCount":"3"}}"#)
            var last: [String: Any] = [:]
            try await waitUntil("the job waits, saying no node has the GPUs", lastSeen: { "\(last)" }) {
                last = try await client.status(of: tooMany)
                return last["status"] as? String == "Waiting" && (last["message"] as? String)?.contains("insufficient resources") == true
            }
        }
    }

    /// radixconfig's `node` and `runtime` of the job place a request that gives none; a request's own
    /// replaces them (here: no GPU, a node type only node 1 has).
    @Test func theJobsOwnRuntimeAndNodeFromRadixconfigPlaceItsJobs() async throws {
        try await SwarmNodeLoss.label("jsw-node1", nodeType: "plain")
        var configured = APIFixture(script: "exit 0")
        configured.gpuSelection = GPUSelection(gpuCount: "2")
        let fixture = configured
        try await fixture.run { client in
            let configured = try await client.submit()
            let placed = try await client.submit(#"{"node":{"gpuCount":""},"runtime":{"nodeType":"plain"}}"#)
            for name in [configured, placed] {
                let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
                #expect(done["status"] as? String == "Succeeded", "\(done)")
            }
            let nodes = try await SwarmSupport.nodes(ofJobsOf: fixture.applicationName)
            #expect(nodes == [configured: "jsw-node3", placed: "jsw-node1"], "\(nodes)")
        }
    }
}
