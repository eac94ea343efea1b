import DockerEngine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RadixConfig
import SchedulerCore
import Testing
@testable import JobSchedulerAPI

/// Whatever a client sends, the answer is a Radix Status body with a 4xx, never a 5xx. What is refused
/// is refused before any engine is asked, so these run on the in-memory runtime, except the payload
/// that must arrive whole in a real container.
@Suite("jobs API errors")
struct RequestErrorTests {
    @Test func malformedJSONIs422Invalid() async throws {
        try await APIFixture(runtime: .memory).run { client in
            for body in [#"{"payload": "#, "not json", #"{"payload":"x"} trailing"#] {
                let message = try await client.request(.post, "/api/v1/jobs", json: body).expectFailure(422, "Invalid")
                #expect(message.hasPrefix("invalid request body: not valid JSON: "), "\(message)")
            }
            #expect(try await client.request(.get, "/api/v1/jobs").text == "[]")
        }
    }

    @Test func wrongFieldTypesAre422NamingTheField() async throws {
        try await APIFixture(runtime: .memory).run { client in
            let cases: [(String, String)] = [
                (#"{"timeLimitSeconds":"ten"}"#, "timeLimitSeconds"),
                (#"{"backoffLimit":1.5}"#, "backoffLimit: 1.5 is not a whole number"),
                (#"{"backoffLimit":99999999999}"#, "backoffLimit: 99999999999 does not fit in int32"),
                (#"{"timeLimitSeconds":1e30}"#, "timeLimitSeconds"),
                (#"{"payload":42}"#, "payload"),
                (#"{"command":"sh"}"#, "command"),
                (#"{"args":["a",1]}"#, "args[1]"),
                (#"{"variables":{"A":1}}"#, "variables"),
                (#"{"resources":{"limits":{"cpu":1}}}"#, "resources.limits"),
                (#"[]"#, "found an array"),
                (#""a string""#, "found a string"),
            ]
            for (body, field) in cases {
                let message = try await client.request(.post, "/api/v1/jobs", json: body).expectFailure(422, "Invalid")
                #expect(message.contains(field), "\(body) -> \(message)")
            }
        }
    }

    @Test func valuesTheSchedulerRefusesAre422() async throws {
        try await APIFixture(runtime: .memory).run { client in
            let message = try await client.request(.post, "/api/v1/jobs",
                                                   json: #"{"timeLimitSeconds":0,"resources":{"limits":{"memory":"1Gb"}}}"#)
                .expectFailure(422, "Invalid")
            #expect(message.contains("timeLimitSeconds") && message.contains("memory"), "\(message)")
        }
    }

    /// A field the scheduler does not know (a typo, a newer client's) is refused naming it, at any depth
    /// and in a batch, rather than dropped: the job would otherwise run otherwise than asked.
    @Test func anUnknownFieldIsRefusedNamingIt() async throws {
        let jobs = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(jobs)).run { client in
            let cases = [
                ("/api/v1/jobs", #"{"payloads":"x"}"#, "payloads"),
                ("/api/v1/jobs", #"{"node":{"gpus":"1"}}"#, "node.gpus"),
                ("/api/v1/jobs", #"{"runtime":{"arch":"arm64"}}"#, "runtime.arch"),
                ("/api/v1/jobs", #"{"resources":{"limit":{"cpu":"1"}}}"#, "resources.limit"),
                ("/api/v1/jobs", #"{"failurePolicy":{"rules":[{"action":"FailJob","onExitCodes":{"operator":"In","values":[1],"x":1}}]}}"#,
                 "failurePolicy.rules[0].onExitCodes.x"),
                ("/api/v1/batches", #"{"jobScheduleDescriptions":[{"payload":"a"},{"payload":"b","priority":1}]}"#,
                 "jobScheduleDescriptions[1].priority"),
                ("/api/v1/batches", #"{"jobScheduleDescriptions":[{}],"defaultRadixJobComponentConfig":{"payload":"a"}}"#,
                 "defaultRadixJobComponentConfig.payload"),
                ("/api/v1/batches", #"{"jobScheduleDescriptions":[{}],"batchID":"x"}"#, "batchID"),
            ]
            for (path, body, field) in cases {
                let message = try await client.request(.post, path, json: body).expectFailure(422, "Invalid")
                #expect(message.contains("\(field): not a field of this request"), "\(body) -> \(message)")
            }
            #expect(jobs.containerNames.isEmpty, "a refused request made a container")
        }
    }

    @Test func aRequestsFailurePolicyReplacesTheConfiguredOneAndIsCheckedAsRadixDoes() async throws {
        let jobs = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(jobs)).run { client in
            let bad = #"{"failurePolicy":{"rules":[{"action":"FailJob","onExitCodes":{"operator":"In","values":[0, 3, 3, 300]}}]}}"#
            let message = try await client.request(.post, "/api/v1/jobs", json: bad).expectFailure(422, "Invalid")
            #expect(message.contains("failurePolicy.rules[0].onExitCodes.values: 0 cannot be used with the In operator"), "\(message)")
            #expect(message.contains("must be distinct") && message.contains("between 0 and 255, got 300"), "\(message)")
            let unknown = #"{"failurePolicy":{"rules":[{"action":"Retry","onExitCodes":{"operator":"In","values":[3]}}]}}"#
            _ = try await client.request(.post, "/api/v1/jobs", json: unknown).expectFailure(422, "Invalid")
            #expect(jobs.containerNames.isEmpty, "a refused request made a container")
            let name = try await client.submit(#"{"failurePolicy":{"rules":[{"action":"Ignore","onExitCodes":{"operator":"NotIn","values":[1]}}]}}"#)
            let policy = try #require(jobs.container(name)?.launch.failurePolicy)
            #expect(policy.rules.map(\.action) == [.ignore])
            #expect(policy.rules.first?.onExitCodes == ExitCodeRequirement(operator: .notIn, values: [1]))
        }
    }

    @Test func onASwarmTheNodeTypeAndArchitectureChooseTheNodeAndBadOnesAre422() async throws {
        let runtime = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(runtime), choosesNodes: true).run { client in
            let name = try await client.submit(#"{"runtime":{"nodeType":"memory-optimized","architecture":"arm64"}}"#)
            let launch = try #require(runtime.container(name)?.launch)
            #expect(launch.nodeType == "memory-optimized" && launch.architecture == .arm64)
            #expect(SwarmJobRuntime.constraints(for: launch) == ["node.labels.nodetype==memory-optimized", "node.platform.arch==aarch64"])
            // A batch's defaults choose for every job that does not choose itself.
            let batch = try await client.submitBatch(#"""
                {"defaultRadixJobComponentConfig":{"runtime":{"nodeType":"big"}},
                 "jobScheduleDescriptions":[{},{"runtime":{"nodeType":"small","architecture":"amd64"}}]}
                """#)
            let launches = jobs(of: batch).compactMap { ($0["name"] as? String).flatMap { runtime.container($0)?.launch } }
            #expect(launches.map(\.nodeType) == ["big", "small"] && launches.map(\.architecture) == [nil, .amd64])
            for body in [#"{"runtime":{"nodeType":"GPU_1"}}"#, #"{"runtime":{"nodeType":"-gpu"}}"#] {
                let message = try await client.request(.post, "/api/v1/jobs", json: body).expectFailure(422, "Invalid")
                #expect(message.contains("runtime.nodeType:"), "\(message)")
            }
            // (Not one of the document's architectures.)
            let message = try await client.request(.post, "/api/v1/jobs", json: #"{"runtime":{"architecture":"sparc"}}"#).expectFailure(422, "Invalid")
            #expect(message.contains("runtime.architecture"), "\(message)")
            // GPUs: reserved as the generic resource `gpu`, their type a node label.
            let withGPUs = try await client.submit(#"{"node":{"gpu":"nvidia-v100, -nvidia-k80","gpuCount":"2"}}"#)
            let gpuLaunch = try #require(runtime.container(withGPUs)?.launch)
            #expect(gpuLaunch.gpus == GPURequest(count: 2, type: "nvidia-v100", excludedTypes: ["nvidia-k80"]))
            #expect(SwarmJobRuntime.constraints(for: gpuLaunch) == ["node.labels.gpu==nvidia-v100", "node.labels.gpu!=nvidia-k80"])
            #expect(runtime.container(try await client.submit(#"{"node":{"gpu":"nvidia-a100"}}"#))?.launch.gpus?.count == 1, "one by default")
            for (body, field) in [(#"{"node":{"gpu":"nvidia-v100,nvidia-p100"}}"#, "node.gpu:"), (#"{"node":{"gpuCount":"0"}}"#, "node.gpuCount:"),
                                  (#"{"node":{"gpuCount":"many"}}"#, "node.gpuCount:")] {
                let message = try await client.request(.post, "/api/v1/jobs", json: body).expectFailure(422, "Invalid")
                #expect(message.contains(field), "\(message)")
            }
            #expect(runtime.containerNames.count == 5, "a refused request made no container")
        }
    }

    @Test func radixFieldsThatCannotBeHonouredAre422AndNothingRuns() async throws {
        let jobs = InMemoryJobRuntime(clock: WallClock())
        // (On one engine: there is no node to choose.)
        try await APIFixture(runtime: .inMemory(jobs), choosesNodes: false).run { client in
            let refused = [
                (#"{"node":{"gpu":"nvidia-v100","gpuCount":"1"}}"#, "node"),
                (#"{"runtime":{"architecture":"arm64"}}"#, "runtime.architecture"),
                (#"{"runtime":{"nodeType":"gpu"}}"#, "runtime.nodeType"),
                (#"{"runAsUser":-1}"#, "runAsUser"),
            ]
            for (body, field) in refused {
                let message = try await client.request(.post, "/api/v1/jobs", json: body).expectFailure(422, "Invalid")
                #expect(message.contains("\(field):"), "\(message)")
            }
            #expect(jobs.containerNames.isEmpty, "a refused request made a container")
            // null is the same as leaving a field out, and safeToRestart asks nothing this scheduler does not keep.
            // An empty runtime chooses nothing (as in Radix).
            let name = try await client.submit(#"{"node":null,"runtime":{"nodeType":""},"failurePolicy":null,"runAsUser":null,"safeToRestart":true}"#)
            #expect(jobs.containerNames == [name])
            // runAsUser is honoured: the container runs as that user.
            let asUser = try await client.submit(#"{"runAsUser":1000}"#)
            #expect(jobs.container(asUser)?.launch.user == "1000")
            // Radix's document has no null timestamps on a pod: an unknown one is left out (a job's are null).
            try await client.waitFor(name, toBe: ["Running"])
            let running = try await client.status(of: name)
            let pod = try #require((running["podStatuses"] as? [[String: Any]])?.first)
            #expect(pod["startTime"] is String && pod.keys.contains("endTime") == false, "\(pod)")
            #expect(running["ended"] is NSNull)
        }
    }

    @Test func aTimeLimitOverTheContractsMaximumIs422() async throws {
        let jobs = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(jobs)).run { client in
            for limit in ["2147483648", "9223372036854775807"] {
                let message = try await client.request(.post, "/api/v1/jobs", json: #"{"timeLimitSeconds":\#(limit)}"#).expectFailure(422, "Invalid")
                #expect(message.contains("timeLimitSeconds: must be at most 2147483647"), "\(message)")
            }
            let name = try await client.submit(#"{"timeLimitSeconds":2147483647}"#)
            try await client.waitFor(name, toBe: ["Running"])
            jobs.exit(name, code: 0)
            try await client.waitFor(name, toBe: ["Succeeded"])
        }
    }

    @Test func anImageIsRefusedWith400() async throws {
        let jobs = InMemoryJobRuntime(clock: WallClock())
        try await APIFixture(runtime: .inMemory(jobs)).run { client in
            let message = try await client.request(.post, "/api/v1/jobs", json: #"{"image":"images.example/library/alpine:3"}"#).expectFailure(400, "BadRequest")
            #expect(message.contains("image cannot be chosen") && message.contains(TestEngine.image), "\(message)")
            // null is the same as leaving it out.
            let name = try await client.submit(#"{"image":null}"#)
            #expect(jobs.container(name)?.launch.image == TestEngine.image)
        }
    }

    @Test func payloadForAJobWithoutPayloadPathIs400() async throws {
        try await APIFixture(payloadPath: nil, runtime: .memory).run { client in
            let message = try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"x"}"#).expectFailure(400, "BadRequest")
            #expect(message.contains("payload"), "\(message)")
        }
    }

    @Test func imageTagForAnImageWithoutPlaceholderIs400() async throws {
        try await APIFixture(runtime: .memory).run { client in
            try await client.request(.post, "/api/v1/jobs", json: #"{"imageTagName":"v2"}"#).expectFailure(400, "BadRequest")
        }
    }

    @Test func payloadOverTheLimitIs413() async throws {
        // (1 MiB; a byte less than the swarm's largest config on a swarm.)
        try await APIFixture(runtime: .memory).run { client in
            let payload = String(repeating: "a", count: APIFixture.largestPayload + 1)
            let message = try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"\#(payload)"}"#)
                .expectFailure(413, "RequestEntityTooLarge")
            #expect(message.contains(String(APIFixture.largestPayload)), "\(message)")
            #expect(try await client.request(.get, "/api/v1/jobs").text == "[]")
        }
    }

    @Test func bodyOverTheServerLimitIs413() async throws {
        try await APIFixture(requestBodyLimit: 64 * 1024, runtime: .memory).run { client in
            let payload = String(repeating: "a", count: 70 * 1024)
            try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"\#(payload)"}"#)
                .expectFailure(413, "RequestEntityTooLarge")
        }
    }

    /// 1 MiB on one engine; on a swarm, what a swarm config holds (and one byte more is refused).
    @Test func theLargestPayloadWithEscapesIsAccepted() async throws {
        // Control characters take six bytes each in JSON: the body is far larger than the payload.
        let largest = APIFixture.largestPayload
        let fixture = APIFixture(script: "[ $(wc -c < /args/payload) -eq \(largest) ]")
        try await fixture.run { client in
            try await client.request(.post, "/api/v1/jobs", json: #"{"payload":"\#(String(repeating: "x", count: largest + 1))"}"#)
                .expectFailure(413, "RequestEntityTooLarge")
            let payload = String(repeating: "\u{01}", count: largest)
            let body = try JSONSerialization.data(withJSONObject: ["payload": payload])
            #expect(body.count > 6_000_000)
            let response = try await client.execute(uri: "/api/v1/jobs", method: .post,
                                                    headers: [.contentType: "application/json"], body: ByteBuffer(data: body))
            #expect(response.status == .ok, "\(response.status)")
            let name = try #require(try response.object()["name"] as? String)
            let done = try await client.waitFor(name, toBe: ["Succeeded", "Failed"])
            #expect(done["status"] as? String == "Succeeded", "\(done)")
        }
    }

    @Test func unknownRoutesAre404StatusBodies() async throws {
        try await APIFixture(runtime: .memory).run { client in
            for (method, path) in [(HTTPRequest.Method.get, "/index.html"), (.get, "/api/v1/nothing"), (.get, "/api/v2/jobs"),
                                   (.post, "/api/v1/jobs/a/b/c"), (.get, "/jobs"), (.get, "/api/v1/jobs/x/logs/more")] {
                let message = try await client.request(method, path).expectFailure(404, "NotFound")
                #expect(message.contains(path), "\(message)")
            }
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405() async throws {
        try await APIFixture(runtime: .memory).run { client in
            for (method, path, allowed) in [(HTTPRequest.Method.put, "/api/v1/jobs", "GET, POST"),
                                            (.get, "/api/v1/jobs/stop", "POST"),
                                            (.patch, "/api/v1/jobs/work-20260101000000-abcdefgh", "DELETE, GET"),
                                            (.get, "/api/v1/jobs/x/stop", "POST"),
                                            (.delete, "/api/v1/jobs/x/logs", "GET"),
                                            (.post, "/swagger.json", "GET"),
                                            (.post, "/", "GET"),
                                            (.post, "/health", "GET"),
                                            (.put, "/metrics", "GET")] {
                let response = try await client.request(method, path)
                try response.expectFailure(405, "MethodNotAllowed")
                #expect(response.headers[.allow] == allowed, "\(method) \(path)")
            }
        }
    }

    @Test func anyContentTypeAndAcceptAreReadAsJSON() async throws {
        try await APIFixture(runtime: .memory).run { client in
            // What `curl -d` sends, and a client asking for HTML.
            let response = try await client.request(.post, "/api/v1/jobs", json: #"{"jobId":"form"}"#,
                                                    headers: [.contentType: "application/x-www-form-urlencoded", .accept: "text/html"])
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.object()["jobId"] as? String == "form")
            let list = try await client.request(.get, "/api/v1/jobs", headers: [.accept: "text/plain"])
            #expect(list.status == .ok)
            #expect(list.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test func bodiesOfOperationsWithoutOneAreIgnored() async throws {
        try await APIFixture(runtime: .memory).run { client in
            let response = try await client.request(.get, "/api/v1/jobs", json: "this is not JSON")
            #expect(response.status == .ok)
            #expect(try await client.request(.post, "/api/v1/jobs/stop", json: "{").status == .ok)
        }
    }

    @Test func anUnreachableEngineIs503() async throws {
        let runtime = DockerJobRuntime(client: DockerEngineClient(host: DockerHost(socketPath: "/tmp/no-engine-\(UUID().uuidString).sock")))
        let fixture = APIFixture()
        await #expect(throws: SchedulerError.self) {
            _ = try await buildApplication(configuration: fixture.configuration, runtime: runtime,
                                           server: APIServerOptions(port: 0), logger: APIFixture.logger)
        }
        // A scheduler whose engine went away after it started answers 503 where it needs the engine.
        PrometheusMetrics.bootstrap()
        let scheduler = JobScheduler(configuration: fixture.configuration, runtime: runtime, logger: APIFixture.logger)
        let app = Application(router: try await buildRouter(scheduler: scheduler))
        try await app.test(.router) { client in
            try await client.request(.post, "/api/v1/jobs", json: "{}").expectFailure(503, "ServiceUnavailable")
            #expect(try await client.request(.get, "/api/v1/jobs").text == "[]")
        }
    }
}
