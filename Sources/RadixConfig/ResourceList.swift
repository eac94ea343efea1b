/// One side of a resources block (`requests` or `limits`). Each amount is optional because
/// an environment override may set only one of them and inherit the other.
public struct ResourceList: Sendable, Hashable {
    public var cpu: CPUQuantity?
    public var memory: MemoryQuantity?
    /// Other resource names (e.g. GPUs) are kept, not interpreted.
    public var extra: [String: YAMLValue]

    public init(cpu: CPUQuantity? = nil, memory: MemoryQuantity? = nil, extra: [String: YAMLValue] = [:]) {
        self.cpu = cpu
        self.memory = memory
        self.extra = extra
    }

    public var isEmpty: Bool { cpu == nil && memory == nil && extra.isEmpty }

    /// This list with every amount that `override` sets replacing ours.
    public func overridden(by override: ResourceList) -> ResourceList {
        ResourceList(cpu: override.cpu ?? cpu,
                     memory: override.memory ?? memory,
                     extra: extra.merging(override.extra) { _, new in new })
    }
}
