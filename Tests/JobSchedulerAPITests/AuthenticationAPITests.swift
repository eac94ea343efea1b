import Foundation
import HTTPTypes
import HummingbirdTesting
import JobSchedulerClient
import Testing
@testable import JobSchedulerAPI

/// The optional bearer token (`--token-file`): every route but the open ones needs it; the answer to
/// anything else is a 401 Status, and the generated client sends it.
@Suite("Bearer token")
struct AuthenticationAPITests {
    static let token = "s3cret-token-\(UUID().uuidString)"

    @Test func theTokenIsComparedWholeWhateverItsLengthOrCase() throws {
        let authentication = try #require(APIAuthentication(token: "abc\n"))
        #expect(authentication.accepts("Bearer abc"))
        #expect(authentication.accepts("bearer abc"))
        for refused in [nil, "", "Bearer ", "Bearer ab", "Bearer abcd", "Bearer abd", "Basic abc", "abc", "Bearer  abc"] {
            #expect(!authentication.accepts(refused), "\(String(describing: refused))")
        }
        #expect(APIAuthentication(token: " \n") == nil, "an empty file is no token")
    }

    @Test func everyRouteButTheOpenOnesNeedsTheToken() async throws {
        var fixture = APIFixture()
        fixture.runtime = .memory
        fixture.authentication = APIAuthentication(token: Self.token, openPaths: ["/health"])
        try await fixture.run { client in
            let unauthorized = [
                ("GET", "/api/v1/jobs"), ("POST", "/api/v1/jobs"), ("GET", "/api/v1/batches"), ("GET", "/metrics"),
                ("GET", "/swagger.json"), ("GET", "/docs"), ("GET", "/api/v1/no-such-route"), ("DELETE", "/api/v1/jobs/x"),
                ("GET", "/api/v1/events"), ("GET", "/api/v1/jobs/x/settings"),
            ]
            for (method, path) in unauthorized {
                for header in [nil, "Bearer wrong", "Basic \(Self.token)"] {
                    var headers: HTTPFields = [:]
                    if let header { headers[.authorization] = header }
                    let answer = try await client.request(HTTPRequest.Method(method)!, path, headers: headers)
                    #expect(answer.status == .unauthorized, "\(method) \(path) with \(header ?? "no header")")
                    #expect(answer.headers[.wwwAuthenticate] == "Bearer realm=\"job-scheduler\"")
                    let status = try answer.object()
                    #expect(status["reason"] as? String == "Unauthorized" && status["code"] as? Int == 401)
                }
            }
            #expect(try await client.request(.get, "/health").status == .ok, "an open path")
            // The console's page and files hold no data: always open, so a browser can load the page that asks for the token.
            for path in ["/", "/console/console.js", "/console/console.css"] {
                #expect(try await client.request(.get, path).status == .ok, "\(path) is open")
            }
            let bearer: HTTPFields = [.authorization: "Bearer \(Self.token)"]
            #expect(try await client.request(.get, "/api/v1/jobs", headers: bearer).status == .ok)
            #expect(try await client.request(.post, "/api/v1/jobs", json: "{}", headers: bearer).status == .ok)
            #expect(try await client.request(.get, "/metrics", headers: bearer).status == .ok)
            #expect(try await client.request(.get, "/api/v1/jobs").status == .unauthorized, "nothing was remembered")
        }
    }

    /// The generated Swift client with `BearerToken`, over a real socket.
    @Test func theGeneratedClientSendsTheToken() async throws {
        var fixture = APIFixture()
        fixture.runtime = .memory
        fixture.authentication = APIAuthentication(token: Self.token)
        try await fixture.run(.live) { client in
            let port = try #require(client.port)
            let url = URL(string: "http://127.0.0.1:\(port)")!
            let withToken = try Client.make(baseURL: url, middlewares: [BearerToken(Self.token + "\n")])
            let job = try await withToken.createJob(body: .json(.init(payload: nil))).ok.body.json
            #expect(try await withToken.getJobs().ok.body.json.map(\.name) == [job.name])
            let without = try Client.make(baseURL: url)
            let refused = try await without.getJobs()
            guard case .unauthorized(let answer) = refused else {
                Issue.record("without the token: \(refused)")
                return
            }
            #expect(try answer.body.json.reason == "Unauthorized")
        }
    }
}
