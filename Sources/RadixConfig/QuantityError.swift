/// Why a CPU or memory quantity string was rejected; the message is shown to users as-is.
public struct QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String {
        "invalid quantity \"\(text)\": \(reason)"
    }
}
