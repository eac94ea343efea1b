/// What a Docker engine accepts of a container's resources, checked before anything is created: a
/// value outside these bounds would be accepted by the API and then fail the job's start (or, for a
/// CPU limit that rounds to nothing, run it with no limit at all).
public enum EngineResourceBounds {
    /// The smallest memory limit and reservation the engine takes (6 MiB).
    public static let minimumMemoryBytes: Int64 = 6 * 1_048_576
    /// The smallest CPU limit the engine takes: a hundredth of a core.
    public static let minimumCPULimitNanoCPUs: Int64 = 10_000_000
    /// The most CPU shares a container may have (a request of 256 cores, at 1024 shares a core).
    public static let maximumCPUShares: Int64 = 262_144

    /// One problem per value out of bounds, by its place under `resources` (`limits.cpu`, ...). With
    /// `hostCPUs`, a CPU limit is also checked against the engine's cores.
    public static func problems(of resources: ResourceRequirements, hostCPUs: Int? = nil) -> [(field: String, message: String)] {
        var problems: [(String, String)] = []
        if let limit = resources.limits.cpu {
            if limit.nanoCPUs < minimumCPULimitNanoCPUs {
                problems.append(("limits.cpu", "\(limit) is less than the engine's smallest CPU limit, 10m (a hundredth of a core)"))
            } else if let hostCPUs, limit.nanoCPUs > Int64(hostCPUs) * 1_000_000_000 {
                problems.append(("limits.cpu", "\(limit) is more than the engine's \(hostCPUs) cores"))
            }
        }
        if let request = resources.requests.cpu, cpuShares(for: request) > maximumCPUShares {
            problems.append(("requests.cpu", "\(request) is more than the engine's largest CPU request, 256 cores"))
        }
        for (field, memory) in [("limits.memory", resources.limits.memory), ("requests.memory", resources.requests.memory)] {
            if let memory, memory.bytes < minimumMemoryBytes {
                problems.append((field, "\(memory) is less than the engine's smallest, 6Mi"))
            }
        }
        return problems
    }

    /// The CPU shares a request is given (1024 a core, at least 2, the engine's least).
    public static func cpuShares(for request: CPUQuantity) -> Int64 {
        max(2, request.millicores.multipliedReportingOverflow(by: 1024).partialValue / 1000)
    }
}
