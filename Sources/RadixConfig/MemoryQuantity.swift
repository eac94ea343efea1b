/// A memory amount from radixconfig (`256Mi`, `1G`, `1024`), in bytes for Docker's
/// HostConfig.Memory / MemoryReservation.
public struct MemoryQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let bytes: Int64
    /// The text from the file, shown back to users unchanged.
    public let text: String

    public init(parsing text: String) throws(QuantityError) {
        let quantity = try KubernetesQuantity.parse(text)
        // Kubernetes accepts "500m" bytes (half a byte), but it is nearly always a typo.
        if quantity.suffix == "m" {
            throw QuantityError(text: text, reason: "\"m\" means thousandths of a byte here; did you mean \"Mi\" or \"M\"?")
        }
        guard let bytes = quantity.roundedUp(toUnitExponent: 0) else {
            throw QuantityError(text: text, reason: "it is too large")
        }
        self.bytes = bytes
        self.text = text
    }

    public init(bytes: Int64) {
        self.bytes = bytes
        self.text = "\(bytes)"
    }

    public var description: String { text }

    // Equal amounts are equal however they were written ("500m" == "0.5").
    public static func == (lhs: MemoryQuantity, rhs: MemoryQuantity) -> Bool {
        lhs.bytes == rhs.bytes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }

    public static func < (lhs: MemoryQuantity, rhs: MemoryQuantity) -> Bool {
        lhs.bytes < rhs.bytes
    }
}
