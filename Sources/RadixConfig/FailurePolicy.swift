/// `failurePolicy:` of a job: how a failed attempt's exit code counts against its `backoffLimit`.
/// The rules are read in order and the first that matches decides; no match counts the failure.
public struct FailurePolicy: Sendable, Hashable {
    public static let maximumRules = 20

    public var rules: [FailurePolicyRule]

    public init(rules: [FailurePolicyRule]) {
        self.rules = rules
    }

    /// What a failed attempt that exited with `exitCode` leads to.
    public func action(forExitCode exitCode: Int) -> FailurePolicyRule.Action {
        rules.first { $0.onExitCodes.matches(exitCode) }?.action ?? .count
    }
}

public struct FailurePolicyRule: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// The job fails at once, whatever retries it had left.
        case failJob = "FailJob"
        /// The attempt is retried without counting against the backoff limit.
        case ignore = "Ignore"
        /// The attempt counts against the backoff limit, as without a rule.
        case count = "Count"
    }

    public var action: Action
    public var onExitCodes: ExitCodeRequirement

    public init(action: Action, onExitCodes: ExitCodeRequirement) {
        self.action = action
        self.onExitCodes = onExitCodes
    }
}

/// Which exit codes a failure policy rule is about.
public struct ExitCodeRequirement: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case `in` = "In"
        case notIn = "NotIn"
    }

    public static let maximumValues = 255

    public var `operator`: Operator
    public var values: [Int]

    public init(operator: Operator, values: [Int]) {
        self.operator = `operator`
        self.values = values
    }

    /// A success (exit code 0) never matches.
    public func matches(_ exitCode: Int) -> Bool {
        guard exitCode != 0 else { return false }
        return values.contains(exitCode) == (self.operator == .in)
    }
}

extension FailurePolicy {
    /// What is wrong with a policy given in a request (radixconfig's is checked as it is read, with
    /// lines): Radix's rules, each problem naming the rule and value it is about.
    public func problems(field: String = "failurePolicy") -> [String] {
        var problems: [String] = []
        if rules.count > Self.maximumRules {
            problems.append("\(field).rules: at most \(Self.maximumRules) rules are allowed, got \(rules.count)")
        }
        for (index, rule) in rules.enumerated() {
            let path = "\(field).rules[\(index)].onExitCodes.values"
            let values = rule.onExitCodes.values
            if values.isEmpty || values.count > ExitCodeRequirement.maximumValues {
                problems.append("\(path): needs 1 to \(ExitCodeRequirement.maximumValues) exit codes, got \(values.count)")
            }
            if let bad = values.first(where: { $0 < 0 || $0 > 255 }) {
                problems.append("\(path): an exit code is between 0 and 255, got \(bad)")
            }
            if Set(values).count != values.count { problems.append("\(path): exit codes must be distinct") }
            if rule.onExitCodes.operator == .in && values.contains(0) {
                problems.append("\(path): 0 cannot be used with the In operator: a success never matches a rule")
            }
        }
        return problems
    }
}
