import DockerEngine
import Foundation
@testable import SchedulerCore
import Testing

/// The warm pool's decisions, without an engine: what a claimed job runs, what its claim says, which
/// launches a pool can take, and which containers are jobs.
@Suite("Warm claims")
struct WarmClaimTests {
    static func image(entrypoint: [String]?, command: [String]?, user: String = "") throws -> ImageDetails {
        var config: [String: Any] = ["User": user]
        config["Entrypoint"] = entrypoint
        config["Cmd"] = command
        let json = try JSONSerialization.data(withJSONObject: ["Id": "sha256:1", "Config": config])
        return try JSONDecoder().decode(ImageDetails.self, from: json)
    }

    static func launch(command: [String]? = nil, args: [String]? = nil) -> JobLaunch {
        JobLaunch(name: "work-20261207120000-abcdefgh", selector: JobSelector(applicationName: "app", jobComponent: "work"),
                  image: "img:1", environment: [:], command: command, args: args, network: "net", exposedPorts: [3000],
                  timeLimitSeconds: 60, backoffLimit: 0, payload: PayloadFile(directory: "/args", bytes: Array("p".utf8)))
    }

    struct CommandCase: Sendable, CustomTestStringConvertible {
        var entrypoint: [String]?
        var cmd: [String]?
        var command: [String]?
        var args: [String]?
        var expected: [String]
        var testDescription: String { "\(entrypoint ?? []) \(cmd ?? []) + \(command ?? []) \(args ?? []) -> \(expected)" }
    }

    @Test(arguments: [
        CommandCase(entrypoint: nil, cmd: ["sh", "run.sh"], command: nil, args: nil, expected: ["sh", "run.sh"]),
        CommandCase(entrypoint: ["/entry"], cmd: ["--default"], command: nil, args: nil, expected: ["/entry", "--default"]),
        CommandCase(entrypoint: ["/entry"], cmd: ["--default"], command: nil, args: ["--mine"], expected: ["/entry", "--mine"]),
        // A command of the job's own replaces the entrypoint, and the image's CMD is then not used.
        CommandCase(entrypoint: ["/entry"], cmd: ["--default"], command: ["/bin/other"], args: nil, expected: ["/bin/other"]),
        CommandCase(entrypoint: ["/entry"], cmd: ["--default"], command: ["/bin/other"], args: ["a", "b"], expected: ["/bin/other", "a", "b"]),
        CommandCase(entrypoint: nil, cmd: nil, command: nil, args: ["echo", "hi"], expected: ["echo", "hi"]),
    ])
    func theCommandIsTheOneTheEngineWouldRun(_ given: CommandCase) throws {
        let image = try Self.image(entrypoint: given.entrypoint, command: given.cmd)
        #expect(WarmClaim.arguments(for: Self.launch(command: given.command, args: given.args), image: image) == given.expected)
    }

    @Test func theClaimIsFieldsThenThePayload() {
        let payload = PayloadFile(directory: "/args/", bytes: [0, 1, 2, 0xff])
        let message = WarmClaim.message(arguments: ["sh", "-c", "x"], environment: ["A=1"], payload: payload)
        #expect(message == Array("3\0sh\0-c\0x\01\0A=1\0/args/payload\04\0".utf8) + [0, 1, 2, 0xff])
        #expect(WarmClaim.message(arguments: ["true"], environment: [], payload: nil) == Array("1\0true\00\0\00\0".utf8))
    }

    @Test func onlyALaunchLikeTheTemplateTakesAPooledContainer() {
        let template = Self.launch()
        var same = Self.launch(command: ["sh"], args: ["-c", "echo"])
        same.environment = ["X": "1"]
        same.jobId = "id"
        same.timeLimitSeconds = 5
        #expect(WarmClaim.fit(same, template: template) == .some(nil))
        var noPayload = template
        noPayload.payload = nil
        #expect(WarmClaim.fit(noPayload, template: template) == .some(nil))
        let changes: [(inout JobLaunch) -> Void] = [
            { $0.image = "img:2" }, { $0.user = "1000" }, { $0.network = nil }, { $0.exposedPorts = [] },
            { $0.readOnlyRootFilesystem = true }, { $0.payload = PayloadFile(directory: "/other", bytes: []) },
            { $0.environment = ["NUL": "a\0b"] }, { $0.nodeType = "gpu" },
        ]
        for change in changes {
            var launch = template
            change(&launch)
            #expect(WarmClaim.fit(launch, template: template) == nil)
        }
    }

    @Test func otherCPUAndMemoryBoundsAreChangedByTheEngineUnlessOneIsTakenAway() {
        var template = Self.launch()
        template.memoryBytes = 64 << 20
        var launch = template
        launch.nanoCPUs = 500_000_000
        launch.memoryBytes = 32 << 20
        launch.memoryReservationBytes = 16 << 20
        #expect(WarmClaim.fit(launch, template: template)
                == .some(WarmClaim.ResourceChange(nanoCPUs: 500_000_000, memoryBytes: 32 << 20, memoryReservationBytes: 16 << 20)))
        // No memory limit where the members have one: the engine cannot take it away from a running container.
        launch.memoryBytes = nil
        #expect(WarmClaim.fit(launch, template: template) == nil)
    }

    @Test func aPooledContainerIsAJobOnlyOnceRenamed() {
        let labels = [WarmClaim.memberLabel: "work-warm-abcdefabcdef", "radix-app": "app"]
        #expect(WarmClaim.claimedName(current: "work-warm-abcdefabcdef", labels: labels) == nil)
        #expect(WarmClaim.claimedName(current: "work-20261207120000-abcdefgh", labels: labels) == "work-20261207120000-abcdefgh")
        #expect(WarmClaim.claimedName(current: "work-20261207120000-abcdefgh", labels: ["radix-app": "app"]) == nil)
        // A member's name is never a job's.
        let member = WarmClaim.newMemberName(for: "work")
        #expect(!JobNaming.isJobName(member, of: "work"))
    }

    @Test func theMembersUserMustBeANumber() {
        #expect(WarmClaim.userID(launchUser: nil, imageUser: "") == 0)
        #expect(WarmClaim.userID(launchUser: nil, imageUser: "root") == 0)
        #expect(WarmClaim.userID(launchUser: nil, imageUser: "1000:1000") == 1000)
        #expect(WarmClaim.userID(launchUser: "2000", imageUser: "nobody") == 2000)
        #expect(WarmClaim.userID(launchUser: nil, imageUser: "nobody") == nil)
    }
}
