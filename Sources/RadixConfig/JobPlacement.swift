/// Where a job's containers may run, as radixconfig.yaml says it (Radix's `runtime`): nodes of a node
/// type, or of a CPU architecture. Only a scheduler that chooses nodes (the swarm runtime) can honour it.
public struct RuntimeSelection: Sendable, Hashable {
    public var nodeType: String?
    public var architecture: String?

    public init(nodeType: String? = nil, architecture: String? = nil) {
        self.nodeType = nodeType
        self.architecture = architecture
    }

    /// The architectures Radix names.
    public static let architectures = ["amd64", "arm64"]
}

/// The GPUs a job's containers need, as radixconfig.yaml says it (Radix's `node`): how many, and the
/// GPU types, comma-separated, `-` before one its node must not have (`nvidia-v100, -nvidia-k80`).
public struct GPUSelection: Sendable, Hashable {
    public var gpu: String?
    public var gpuCount: String?

    public init(gpu: String? = nil, gpuCount: String? = nil) {
        self.gpu = gpu
        self.gpuCount = gpuCount
    }
}

extension MappingReader {
    /// `runtime: {architecture, nodeType}`; nil when not given.
    func runtimeSelection() -> RuntimeSelection? {
        guard let block = mapping("runtime") else { return nil }
        let selection = RuntimeSelection(nodeType: block.string("nodeType"), architecture: block.string("architecture"))
        if let type = selection.nodeType, let message = FieldRules.nodeType(type) { block.report("nodeType", message) }
        if let architecture = selection.architecture, !architecture.isEmpty, !RuntimeSelection.architectures.contains(architecture) {
            block.report("architecture", "must be one of \(RuntimeSelection.architectures.joined(separator: ", ")), got \"\(architecture)\"")
        }
        _ = block.extra()
        return selection
    }

    /// `node: {gpu, gpuCount}`; nil when not given.
    func gpuSelection() -> GPUSelection? {
        guard let block = mapping("node") else { return nil }
        let selection = GPUSelection(gpu: block.string("gpu"), gpuCount: block.string("gpuCount"))
        if let count = selection.gpuCount?.trimmingCharacters(in: .whitespaces), !count.isEmpty, (Int(count) ?? 0) < 1 {
            block.report("gpuCount", "must be a whole number of at least 1, got \"\(count)\"")
        }
        for type in (selection.gpu ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !type.isEmpty {
            let name = type.hasPrefix("-") ? String(type.dropFirst()) : type
            if name.isEmpty || FieldRules.nodeType(name) != nil {
                block.report("gpu", "\"\(type)\" is not a GPU type (lower-case letters, digits and '-', at most 120; '-' first to exclude one)")
            }
        }
        _ = block.extra()
        return selection
    }
}
