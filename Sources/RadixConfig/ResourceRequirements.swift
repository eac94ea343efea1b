/// A job's or override's `resources:` block: what is reserved (`requests`) and the ceiling
/// (`limits`). Docker maps them to MemoryReservation/Memory and CPU shares/NanoCpus.
public struct ResourceRequirements: Sendable, Hashable {
    public var requests: ResourceList
    public var limits: ResourceList

    public init(requests: ResourceList = ResourceList(), limits: ResourceList = ResourceList()) {
        self.requests = requests
        self.limits = limits
    }

    public var isEmpty: Bool { requests.isEmpty && limits.isEmpty }

    /// Per-key merge: whatever `override` sets wins, the rest is inherited.
    public func overridden(by override: ResourceRequirements) -> ResourceRequirements {
        ResourceRequirements(requests: requests.overridden(by: override.requests),
                             limits: limits.overridden(by: override.limits))
    }
}
