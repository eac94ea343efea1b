import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite("Engine events", .requiresEngine)
struct EventsTests {
    let client = TestEngine.client

    @Test func seesAContainersStartAndDieWithItsExitCode() async throws {
        let run = UUID().uuidString.lowercased()
        let events = client.events(filters: EventFilters(types: ["container"], labels: ["run=\(run)"]))
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .connected)
        try await TestEngine.withContainer("exit 3", labels: ["run": run]) { id in
            try await client.startContainer(id)
            var actions: [String] = []
            while let update = await iterator.next() {
                guard case .event(let event) = update else { continue }
                #expect(event.actorID == id)
                #expect(event.attributes["run"] == run)
                actions.append(event.action)
                if event.action == "die" {
                    #expect(event.exitCode == 3)
                    break
                }
            }
            #expect(actions == ["create", "start", "die"])
        }
    }

    @Test func filtersLeaveOtherContainersOut() async throws {
        let run = UUID().uuidString.lowercased()
        let events = client.events(filters: EventFilters(types: ["container"], labels: ["run=\(run)", "pick=yes"], actions: ["die"]))
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .connected)
        try await TestEngine.withContainer("exit 1", labels: ["run": run, "pick": "no"]) { ignored in
            try await TestEngine.withContainer("exit 2", labels: ["run": run, "pick": "yes"]) { picked in
                try await client.startContainer(ignored)
                try await client.startContainer(picked)
                guard case .event(let event) = await iterator.next() else { Issue.record("no event"); return }
                #expect(event.actorID == picked)
                #expect(event.exitCode == 2)
            }
        }
    }

    @Test func reconnectsAfterTheEngineComesBackAndSaysSo() async throws {
        // A socket proxy in front of the real engine stands in for an engine restart: stopping it cuts
        // every connection and makes the socket unreachable, starting it again brings the engine back.
        let proxy = try SocketProxy(target: TestEngine.client.host.socketPath)
        defer { proxy.stop() }
        let viaProxy = DockerEngineClient(host: DockerHost(socketPath: proxy.socketPath))
        let run = UUID().uuidString.lowercased()
        let events = viaProxy.events(filters: EventFilters(types: ["container"], labels: ["run=\(run)"]), maxRetryDelay: .milliseconds(200))
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .connected)

        proxy.stop()
        guard case .disconnected = await iterator.next() else { Issue.record("the loss was not reported"); return }
        try proxy.start()
        var update = await iterator.next()
        while case .disconnected = update { update = await iterator.next() }
        #expect(update == .reconnected)

        // And events flow again on the new connection.
        try await TestEngine.withContainer("exit 0", labels: ["run": run]) { id in
            try await client.startContainer(id)
            var actions: [String] = []
            while actions.count < 2, case .event(let event) = await iterator.next() {
                #expect(event.actorID == id)
                actions.append(event.action)
            }
            #expect(actions == ["create", "start"])
        }
    }
}

