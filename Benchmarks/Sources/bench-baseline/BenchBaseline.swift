import Foundation
import Hummingbird

/// The baseline of the API-under-load measurement: a plain Hummingbird router that answers
/// `GET /api/v1/jobs/{name}` and `GET /api/v1/jobs` with fixed bytes (the scheduler's own answers,
/// captured by the harness), so the difference to the scheduler is the scheduler's own work.
///
///     bench-baseline --port 8080 --job job.json --jobs jobs.json
@main
struct BenchBaseline {
    static func main() async throws {
        var port = 8080
        var jobFile: String?
        var jobsFile: String?
        var arguments = CommandLine.arguments.dropFirst()[...]
        while let argument = arguments.popFirst() {
            switch argument {
            case "--port": port = Int(arguments.popFirst() ?? "") ?? port
            case "--job": jobFile = arguments.popFirst()
            case "--jobs": jobsFile = arguments.popFirst()
            default:
                FileHandle.standardError.write(Data("usage: bench-baseline --port N --job FILE --jobs FILE\n".utf8))
                exit(2)
            }
        }
        let job = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: jobFile ?? "/dev/null")))
        let jobs = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: jobsFile ?? "/dev/null")))

        let router = Router()
        router.get("/api/v1/jobs") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: jobs))
        }
        router.get("/api/v1/jobs/:name") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: job))
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-baseline")
        )
        try await app.runService()
    }
}
