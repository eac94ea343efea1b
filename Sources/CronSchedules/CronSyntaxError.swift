/// Why a schedule expression was refused, in words a person can act on.
public struct CronSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
