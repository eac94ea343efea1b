import Foundation
import HummingbirdTesting
import Testing
@testable import JobSchedulerAPI
@testable import JobSchedulerConsole

/// The console's page and files as the scheduler serves them, and the job settings it shows. (The
/// console itself is used in a real browser by scripts/console-test.sh.)
@Suite("web console")
struct ConsoleTests {
    @Test func thePageNamesTheJobAndLoadsOnlyItsOwnFiles() async throws {
        try await APIFixture(runtime: .memory).run { client in
            let response = try await client.request(.get, "/")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"))
            let page = response.text
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            #expect(page.contains("<title>work · job-scheduler</title>"))
            #expect(page.contains(#"data-api="/api/v1""#) && page.contains(#"data-token-required="false""#))
            #expect(page.contains(#"href="/docs""#), "the API's documentation is linked")
            #expect(!page.contains("http://") && !page.contains("https://"), "nothing from elsewhere")
            // Its two files, by versioned URLs, served for good.
            for (file, type) in [("console.js", "text/javascript; charset=utf-8"), ("console.css", "text/css; charset=utf-8")] {
                let url = try #require(page.firstMatch(of: try Regex("/console/\(file)\\?v=[0-9a-f]{12}"))).output[0].substring
                let asset = try await client.request(.get, String(try #require(url)))
                #expect(asset.status == .ok && asset.headers[.contentType] == type, "\(file)")
                #expect(asset.headers[.cacheControl]?.contains("immutable") == true)
                #expect(asset.body.readableBytes == ConsoleAssets.files[file]?.count)
            }
            try await client.request(.get, "/console/app.js").expectFailure(404, "NotFound")
        }
    }

    @Test func thePageKnowsWhenTheAPIWantsAToken() async throws {
        var fixture = APIFixture(runtime: .memory)
        fixture.authentication = APIAuthentication(token: "s3cret")
        try await fixture.run { client in
            let page = try await client.request(.get, "/").text
            #expect(page.contains(#"data-token-required="true""#))
        }
    }

    @Test func aJobsSettingsSayWhatItWasMadeWith() async throws {
        try await APIFixture(script: "exit 0").run { client in
            let withPayload = try await client.submit(#"{"payload":"twelve bytes","timeLimitSeconds":30,"backoffLimit":1,"failurePolicy":{"rules":[{"action":"FailJob","onExitCodes":{"operator":"In","values":[42]}}]}}"#)
            let settings = try await client.request(.get, "/api/v1/jobs/\(withPayload)/settings").object()
            #expect(settings["image"] as? String == TestEngine.image)
            #expect(settings["payloadBytes"] as? Int == 12 && settings["payloadPath"] as? String == "/args")
            #expect(settings["timeLimitSeconds"] as? Int == 30 && settings["backoffLimit"] as? Int == 1)
            let rules = (settings["failurePolicy"] as? [String: Any])?["rules"] as? [[String: Any]]
            #expect(rules?.first?["action"] as? String == "FailJob")
            let without = try await client.submit()
            let bare = try await client.request(.get, "/api/v1/jobs/\(without)/settings").object()
            // Left out (or null): no payload, no policy.
            for key in ["payloadBytes", "payloadPath", "failurePolicy"] { #expect((bare[key] ?? NSNull()) is NSNull, "\(key): \(bare)") }
            try await client.request(.get, "/api/v1/jobs/work-20260101000000-abcdefgh/settings").expectFailure(404, "NotFound")
        }
    }
}
