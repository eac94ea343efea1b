import Foundation
import RadixConfig
import SchedulerCore

/// `GET /api/v1/jobs/{jobName}/settings`: what a job was made with.
extension JobsAPI {
    func getJobSettings(_ input: Operations.GetJobSettings.Input) async throws -> Operations.GetJobSettings.Output {
        try await .answering {
            let settings = try scheduler.settings(named: input.path.jobName)
            return .ok(.init(body: .json(.init(
                image: settings.image, payloadPath: settings.payloadPath, payloadBytes: settings.payloadBytes.map(Int64.init),
                timeLimitSeconds: Int64(settings.timeLimitSeconds), backoffLimit: Int32(clamping: settings.backoffLimit),
                failurePolicy: settings.failurePolicy.map { .init(value1: Components.Schemas.FailurePolicy($0)) }
            ))))
        }
    }
}

extension Components.Schemas.FailurePolicy {
    init(_ policy: FailurePolicy) {
        self.init(rules: policy.rules.map { rule in
            Components.Schemas.FailurePolicyRule(
                action: .init(rawValue: rule.action.rawValue) ?? .count,
                onExitCodes: .init(_operator: rule.onExitCodes.operator == .notIn ? .notIn : ._in, values: rule.onExitCodes.values.map(Int32.init))
            )
        })
    }
}
