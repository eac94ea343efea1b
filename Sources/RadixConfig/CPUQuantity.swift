/// A CPU amount from radixconfig (`500m`, `0.5`, `2`), kept both in the Kubernetes unit
/// (millicores) and in the unit Docker's HostConfig.NanoCpus wants (cores * 1e9).
public struct CPUQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Thousandths of a core, rounded up like Kubernetes does.
    public let millicores: Int64
    /// Billionths of a core, for Docker's `NanoCpus`.
    public let nanoCPUs: Int64
    /// The text from the file, shown back to users unchanged.
    public let text: String

    public init(parsing text: String) throws(QuantityError) {
        let quantity = try KubernetesQuantity.parse(text)
        guard !quantity.isBinary else {
            throw QuantityError(text: text, reason: "CPU is given in cores (0.5, 2) or millicores (500m), not with \"\(quantity.suffix)\"")
        }
        guard let millicores = quantity.roundedUp(toUnitExponent: -3),
              let nanoCPUs = quantity.roundedUp(toUnitExponent: -9) else {
            throw QuantityError(text: text, reason: "it is too large")
        }
        self.millicores = millicores
        self.nanoCPUs = nanoCPUs
        self.text = text
    }

    public init(millicores: Int64) {
        self.millicores = millicores
        self.nanoCPUs = millicores * 1_000_000
        self.text = millicores % 1000 == 0 ? "\(millicores / 1000)" : "\(millicores)m"
    }

    public var description: String { text }

    // Equal amounts are equal however they were written ("500m" == "0.5").
    public static func == (lhs: CPUQuantity, rhs: CPUQuantity) -> Bool {
        lhs.nanoCPUs == rhs.nanoCPUs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(nanoCPUs)
    }

    public static func < (lhs: CPUQuantity, rhs: CPUQuantity) -> Bool {
        lhs.nanoCPUs < rhs.nanoCPUs
    }
}
