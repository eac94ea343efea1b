import RadixConfig

/// A failure policy as one label value: `FailJob:In:42,43;Ignore:NotIn:1`, rules in order. Short, and
/// read back exactly (a label is all a container carries of its job's settings).
enum FailurePolicyLabel {
    static func encode(_ policy: FailurePolicy) -> String {
        policy.rules.map { rule in
            "\(rule.action.rawValue):\(rule.onExitCodes.operator.rawValue):" + rule.onExitCodes.values.map(String.init).joined(separator: ",")
        }.joined(separator: ";")
    }

    /// nil for a value that is not such a policy (a label set by hand).
    static func decode(_ text: String) -> FailurePolicy? {
        if text.isEmpty { return FailurePolicy(rules: []) }
        var rules: [FailurePolicyRule] = []
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, let action = FailurePolicyRule.Action(rawValue: String(fields[0])),
                  let op = ExitCodeRequirement.Operator(rawValue: String(fields[1])) else { return nil }
            var values: [Int] = []
            for value in fields[2].split(separator: ",") {
                guard let code = Int(value) else { return nil }
                values.append(code)
            }
            rules.append(FailurePolicyRule(action: action, onExitCodes: ExitCodeRequirement(operator: op, values: values)))
        }
        return FailurePolicy(rules: rules)
    }
}
