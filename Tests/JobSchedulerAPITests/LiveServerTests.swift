import Foundation
import HummingbirdTesting
import Testing
@testable import JobSchedulerAPI

/// The same application over a real socket.
@Suite("jobs API over HTTP")
struct LiveServerTests {
    @Test func postAndFollowAJobOverASocket() async throws {
        let fixture = APIFixture(script: #"test "$(cat /args/payload)" = "over the wire""#)
        try await fixture.run(.live) { client in
            #expect(client.port != nil && client.port != 0)
            let name = try await client.submit(#"{"payload":"over the wire"}"#)
            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")
            try await client.request(.get, "/nowhere").expectFailure(404, "NotFound")
            let deleted = try await client.request(.delete, "/api/v1/jobs/\(name)")
            #expect(deleted.status == .ok)
        }
    }
}
