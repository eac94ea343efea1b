import DockerEngine
import Foundation
import RadixConfig
import SchedulerCore

// Conversions between the API's types and the core's. Field names and meanings are the same on both
// sides; only representations differ (Int32/Int64 vs Int, an empty image ID vs none, enums of the same
// values).

extension RadixJobStatus {
    init(_ status: SchedulerCore.JobStatus) {
        self.init(
            name: status.name,
            jobId: status.jobId,
            batchName: status.batchName,
            batchId: status.batchId,
            schedule: status.schedule,
            scheduledAt: status.scheduledAt,
            created: status.created,
            started: status.started,
            ended: status.ended,
            updated: status.updated,
            status: status.state,
            message: status.message,
            failed: Int32(clamping: status.failed),
            restart: status.restarted.map { RFC3339.format($0) },
            podStatuses: status.podStatuses.map(RadixPodStatus.init)
        )
    }
}

extension RadixPodStatus {
    init(_ pod: SchedulerCore.PodStatus) {
        self.init(
            name: pod.name,
            created: pod.created,
            startTime: pod.startTime,
            endTime: pod.endTime,
            containerStarted: pod.containerStarted,
            replicaStatus: Components.Schemas.ReplicaStatus(status: .init(pod.replicaState)),
            statusMessage: pod.statusMessage,
            restartCount: Int32(clamping: pod.restartCount),
            image: pod.image,
            imageId: pod.imageId.isEmpty ? nil : pod.imageId,
            podIndex: Int64(pod.podIndex),
            exitCode: pod.exitCode.map { Int32(clamping: $0) },
            reason: pod.reason
        )
    }
}

extension Components.Schemas.ReplicaStatus.StatusPayload {
    init(_ state: SchedulerCore.ReplicaState) {
        switch state {
        case .pending: self = .pending
        case .starting: self = .starting
        case .running: self = .running
        case .succeeded: self = .succeeded
        case .failing: self = .failing
        case .failed: self = .failed
        case .terminated: self = .terminated
        case .stopped: self = .stopped
        }
    }
}

extension JobRequest {
    /// The core's request for a `POST /api/v1/jobs` body (or one job of a batch). Whether its values are
    /// acceptable is the scheduler's to judge (`JobLaunchFactory`), so the rules live in one place.
    init(_ description: Components.Schemas.JobScheduleDescription) {
        self.init(
            payload: description.payload,
            jobId: description.jobId,
            variables: description.variables?.additionalProperties,
            requests: description.resources?.requests?.additionalProperties,
            limits: description.resources?.limits?.additionalProperties,
            timeLimitSeconds: description.timeLimitSeconds.map { Int(clamping: $0) },
            backoffLimit: description.backoffLimit.map { Int($0) },
            command: description.command,
            args: description.args,
            imageTagName: description.imageTagName,
            failurePolicy: description.failurePolicy.map(FailurePolicy.init),
            runAsUser: description.runAsUser,
            nodeType: description.runtime?.nodeType,
            architecture: description.runtime?.architecture?.rawValue,
            gpu: description.node?.gpu,
            gpuCount: description.node?.gpuCount
        )
    }

    /// A batch's defaults (`defaultRadixJobComponentConfig`): the same overrides, without payload or ID.
    init(_ config: Components.Schemas.RadixJobComponentConfig) {
        self.init(
            variables: config.variables?.additionalProperties,
            requests: config.resources?.requests?.additionalProperties,
            limits: config.resources?.limits?.additionalProperties,
            timeLimitSeconds: config.timeLimitSeconds.map { Int(clamping: $0) },
            backoffLimit: config.backoffLimit.map { Int($0) },
            command: config.command,
            args: config.args,
            imageTagName: config.imageTagName,
            failurePolicy: config.failurePolicy.map(FailurePolicy.init),
            runAsUser: config.runAsUser,
            nodeType: config.runtime?.nodeType,
            architecture: config.runtime?.architecture?.rawValue,
            gpu: config.node?.gpu,
            gpuCount: config.node?.gpuCount
        )
    }
}

extension FailurePolicy {
    init(_ policy: Components.Schemas.FailurePolicy) {
        self.init(rules: policy.rules.map { rule in
            FailurePolicyRule(
                action: FailurePolicyRule.Action(rawValue: rule.action.rawValue) ?? .count,
                onExitCodes: ExitCodeRequirement(operator: rule.onExitCodes._operator == .notIn ? .notIn : .in,
                                                 values: rule.onExitCodes.values.map { Int($0) }))
        })
    }
}
