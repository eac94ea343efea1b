import Foundation
import FuzzCorpus
import RadixConfig

/// Reads any bytes as a radixconfig.yaml, as `serve` and `validate` do, and resolves every job for every
/// environment: whatever the file holds, the answer is an application or a list of problems, never a
/// crash or a hang.
func check(_ bytes: [UInt8]) {
    guard let yaml = String(validating: bytes, as: UTF8.self) else { return }
    guard case .success(let application) = RadixConfigFile.check(yaml: yaml) else { return }
    for job in application.jobs {
        for environment in [nil] + application.environments.map(\.name) {
            _ = job.resolved(for: environment)
        }
    }
}

@main
struct RadixConfigFuzzer {
    static func main() throws { try FuzzMain.run(check) }
}
