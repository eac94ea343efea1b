import DockerEngine
import Foundation
import Testing

/// The real engine the tests run against (DOCKER_HOST, or the default socket), and the image they run:
/// `jobsched-busybox:latest`, built FROM scratch by scripts/build-images.sh.
enum TestEngine {
    static let image = "jobsched-busybox:latest"
    static let client = DockerEngineClient(host: (try? DockerHost.fromEnvironment(ProcessInfo.processInfo.environment))
        ?? DockerHost(socketPath: DockerHost.defaultSocketPath))
    /// Every container a test creates carries this label, so a run can clean up after itself.
    static let testLabel = "dockerengine.tests"

    static func uniqueName(_ prefix: String) -> String {
        "det-\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Creates a container running `script` with the busybox shell, removes it after `body`.
    static func withContainer<T>(
        _ script: String, name: String? = nil, tty: Bool = false, labels: [String: String] = [:],
        _ body: (String) async throws -> T
    ) async throws -> T {
        let spec = ContainerSpec(image: image, labels: labels.merging([testLabel: "1"]) { a, _ in a },
                                 command: ["sh", "-c", script], tty: tty)
        let created = try await client.createContainer(name: name ?? uniqueName("c"), spec: spec)
        do {
            let result = try await body(created.id)
            try? await client.removeContainer(created.id, force: true)
            return result
        } catch {
            try? await client.removeContainer(created.id, force: true)
            throw error
        }
    }
}
