/// Thrown instead of a half-valid configuration: it carries every problem found, so a
/// user fixes the file in one round instead of one error per run.
public struct ConfigValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
