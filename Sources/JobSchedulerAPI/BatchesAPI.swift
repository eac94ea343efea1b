import Foundation
import SchedulerCore

/// The `Batch` operations of swagger.json, on the same scheduler as the jobs'.
extension JobsAPI {
    func createBatch(_ input: Operations.CreateBatch.Input) async throws -> Operations.CreateBatch.Output {
        try await .answering {
            let status = try await scheduler.submitBatch(try batchRequest(from: input.body),
                                                         idempotencyKey: try Self.idempotencyKey(input.headers.idempotencyKey))
            return .ok(.init(body: .json(RadixBatchStatus(status))))
        }
    }

    /// The core's request for a `POST /api/v1/batches` body, refusing what the scheduler cannot take.
    private func batchRequest(from body: Operations.CreateBatch.Input.Body) throws -> BatchRequest {
        guard case .json(let description) = body else { return BatchRequest(jobs: []) }
        if let defaults = description.defaultRadixJobComponentConfig {
            try refuseUnsupported(RequestFields(defaults, path: "defaultRadixJobComponentConfig."))
        }
        for (index, job) in description.jobScheduleDescriptions.enumerated() {
            try refuseUnsupported(RequestFields(job, path: "jobScheduleDescriptions[\(index)]."))
        }
        return BatchRequest(batchId: description.batchId, jobs: description.jobScheduleDescriptions.map(JobRequest.init),
                            defaults: description.defaultRadixJobComponentConfig.map(JobRequest.init))
    }

    func getBatches(_ input: Operations.GetBatches.Input) async throws -> Operations.GetBatches.Output {
        .ok(.init(body: .json(scheduler.batches().map(RadixBatchStatus.init))))
    }

    func getBatch(_ input: Operations.GetBatch.Input) async throws -> Operations.GetBatch.Output {
        try await .answering {
            .ok(.init(body: .json(RadixBatchStatus(try scheduler.batch(named: input.path.batchName)))))
        }
    }

    func getBatchJob(_ input: Operations.GetBatchJob.Input) async throws -> Operations.GetBatchJob.Output {
        try await .answering {
            .ok(.init(body: .json(RadixJobStatus(try scheduler.job(named: input.path.jobName, inBatch: input.path.batchName)))))
        }
    }

    func deleteBatch(_ input: Operations.DeleteBatch.Input) async throws -> Operations.DeleteBatch.Output {
        let name = input.path.batchName
        return try await .answering {
            try await scheduler.deleteBatch(named: name)
            return .ok(.init(body: .json(StatusBody.success("batch \(name) successfully deleted"))))
        }
    }

    func stopBatch(_ input: Operations.StopBatch.Input) async throws -> Operations.StopBatch.Output {
        let name = input.path.batchName
        return try await .answering {
            _ = try await scheduler.stopBatch(named: name)
            return .ok(.init(body: .json(StatusBody.success("batch \(name) successfully stopped"))))
        }
    }

    func restartBatch(_ input: Operations.RestartBatch.Input) async throws -> Operations.RestartBatch.Output {
        try await .answering {
            .ok(.init(body: .json(RadixBatchStatus(try await scheduler.restartBatch(named: input.path.batchName)))))
        }
    }

    func stopAllBatches(_ input: Operations.StopAllBatches.Input) async throws -> Operations.StopAllBatches.Output {
        try await .answering {
            _ = try await scheduler.stopAllBatches()
            return .ok(.init(body: .json(StatusBody.success("batches successfully stopped"))))
        }
    }

    func stopBatchJob(_ input: Operations.StopBatchJob.Input) async throws -> Operations.StopBatchJob.Output {
        let (batch, job) = (input.path.batchName, input.path.jobName)
        return try await .answering {
            _ = try await scheduler.stop(job: job, inBatch: batch)
            return .ok(.init(body: .json(StatusBody.success("job \(job) in the batch \(batch) successfully stopped"))))
        }
    }
}
