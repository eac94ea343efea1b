/// Reading a job's `failurePolicy:` and `batchStatusRules:`, with Radix's rules for each.
extension MappingReader {
    func failurePolicy(_ key: String = "failurePolicy") -> FailurePolicy? {
        guard let block = mapping(key) else { return nil }
        let items = block.mappings("rules")
        if block.node("rules") == nil { block.report("rules", "is required") }
        if items.count > FailurePolicy.maximumRules {
            block.report("rules", "at most \(FailurePolicy.maximumRules) rules are allowed, got \(items.count)")
        }
        var rules: [FailurePolicyRule] = []
        for item in items {
            let action = item.requiredEnum("action", FailurePolicyRule.Action.self)
            var requirement: ExitCodeRequirement?
            if let codes = item.mapping("onExitCodes") {
                requirement = codes.exitCodeRequirement()
            } else {
                item.report("onExitCodes", "is required")
            }
            _ = item.extra()
            if let action, let requirement { rules.append(FailurePolicyRule(action: action, onExitCodes: requirement)) }
        }
        _ = block.extra()
        return FailurePolicy(rules: rules)
    }

    private func exitCodeRequirement() -> ExitCodeRequirement? {
        let op = requiredEnum("operator", ExitCodeRequirement.Operator.self)
        let entries = list("values")
        if node("values") == nil {
            report("values", "is required")
        } else if entries.isEmpty || entries.count > ExitCodeRequirement.maximumValues {
            report("values", "needs 1 to \(ExitCodeRequirement.maximumValues) exit codes, got \(entries.count)")
        }
        var values: [Int] = []
        var seen = FirstSeen<Int>()
        for entry in entries {
            guard entry.node.tagName == .int, let value = entry.node.int else {
                context.report(entry.path, line: entry.node.line, "expected an exit code (an integer), got \(entry.node.kindDescription)")
                continue
            }
            if value < 0 || value > 255 {
                context.report(entry.path, line: entry.node.line, "an exit code is between 0 and 255, got \(value)")
            } else if let clash = seen.check(value, line: entry.node.line, owner: "another value") {
                context.report(entry.path, line: entry.node.line, "exit code \(value) is \(clash)")
            } else if value == 0 && op == .in {
                context.report(entry.path, line: entry.node.line, "0 cannot be used with the In operator: a success never matches a rule")
            }
            values.append(value)
        }
        _ = extra()
        return op.map { ExitCodeRequirement(operator: $0, values: values) }
    }

    func batchStatusRules(_ key: String = "batchStatusRules") -> [BatchStatusRule]? {
        guard node(key) != nil else { return nil }
        var rules: [BatchStatusRule] = []
        for item in mappings(key) {
            let condition = item.requiredEnum("condition", BatchStatusRule.Condition.self)
            let op = item.requiredEnum("operator", BatchStatusRule.Operator.self)
            let statuses = item.stringList("jobStatuses")
            if item.node("jobStatuses") == nil { item.report("jobStatuses", "is required") }
            for (index, status) in (statuses ?? []).enumerated() where !BatchStatusRule.jobStatuses.contains(status) {
                context.report(ConfigPath.index(item.path("jobStatuses"), index), line: item.line("jobStatuses"),
                               "\"\(status)\" is not a job status; use one of \(BatchStatusRule.jobStatuses.sorted().joined(separator: ", "))")
            }
            let batchStatus = item.requiredString("batchStatus")
            if let batchStatus, !BatchStatusRule.batchStatuses.contains(batchStatus) {
                item.report("batchStatus", "\"\(batchStatus)\" is not a batch status; use one of \(BatchStatusRule.batchStatuses.sorted().joined(separator: ", "))")
            }
            _ = item.extra()
            if let condition, let op, let statuses, let batchStatus {
                rules.append(BatchStatusRule(condition: condition, operator: op, jobStatuses: Set(statuses), batchStatus: batchStatus))
            }
        }
        return rules
    }

    /// A required string that must be one of `T`'s raw values.
    func requiredEnum<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let text = requiredString(key) else { return nil }
        guard let value = T(rawValue: text) else {
            report(key, "\"\(text)\" is not allowed; use one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }
}
