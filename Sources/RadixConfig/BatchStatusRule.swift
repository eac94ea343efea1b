/// An entry of a job's `batchStatusRules:`: when its condition holds for the statuses of a batch's jobs,
/// the batch reports `batchStatus`. The first rule that holds wins; with none, a batch is Waiting,
/// Active or Completed.
public struct BatchStatusRule: Sendable, Hashable {
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        /// Every job's status passes (true for a batch without jobs).
        case all = "All"
        /// At least one job's status passes.
        case any = "Any"
    }

    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case `in` = "In"
        case notIn = "NotIn"
    }

    /// The job statuses a rule can name.
    public static let jobStatuses: Set<String> = ["Waiting", "Active", "Running", "Succeeded", "Failed", "Stopping", "Stopped"]
    /// The statuses a rule can give a batch.
    public static let batchStatuses: Set<String> = ["Waiting", "Active", "Running", "Succeeded", "Failed", "Stopping", "Stopped", "Completed"]

    public var condition: Condition
    public var `operator`: Operator
    public var jobStatuses: Set<String>
    public var batchStatus: String

    public init(condition: Condition, operator: Operator, jobStatuses: Set<String>, batchStatus: String) {
        self.condition = condition
        self.operator = `operator`
        self.jobStatuses = jobStatuses
        self.batchStatus = batchStatus
    }

    /// Whether the rule holds for a batch whose jobs are in `statuses`.
    public func holds(for statuses: [String]) -> Bool {
        let passes = { (status: String) in self.jobStatuses.contains(status) == (self.operator == .in) }
        switch condition {
        case .all: return statuses.allSatisfy(passes)
        case .any: return statuses.contains(where: passes)
        }
    }
}
