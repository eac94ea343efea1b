import JobScheduler

/// The `/api/v1` operations of swagger.json, implemented on one job's scheduler. Each answers with the
/// responses the contract documents for it; an error it does not document is thrown, and
/// `RadixStatusMiddleware` still answers it with a Status body of the right code.
struct JobsAPI: APIProtocol {
    let scheduler: JobScheduler

    func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        let request = switch input.body {
        case .none: JobRequest()
        case .json(let description): JobRequest(description)
        }
        do {
            let status = try await scheduler.submit(request)
            return .ok(.init(body: .json(Components.Schemas.JobStatus(status))))
        } catch {
            let body = StatusBody.failure(error)
            switch error.httpStatus {
            case 400: return .badRequest(.init(body: .json(body)))
            case 413: return .contentTooLarge(.init(body: .json(body)))
            case 422: return .unprocessableContent(.init(body: .json(body)))
            case 503: return .serviceUnavailable(.init(body: .json(body)))
            default: throw error
            }
        }
    }

    func getJobs(_ input: Operations.GetJobs.Input) async throws -> Operations.GetJobs.Output {
        let jobs = await scheduler.jobs()
        return .ok(.init(body: .json(jobs.map(Components.Schemas.JobStatus.init))))
    }

    func getJob(_ input: Operations.GetJob.Input) async throws -> Operations.GetJob.Output {
        do {
            let status = try await scheduler.job(named: input.path.jobName)
            return .ok(.init(body: .json(Components.Schemas.JobStatus(status))))
        } catch {
            let body = StatusBody.failure(error)
            switch error.httpStatus {
            case 404: return .notFound(.init(body: .json(body)))
            case 503: return .serviceUnavailable(.init(body: .json(body)))
            default: throw error
            }
        }
    }

    func deleteJob(_ input: Operations.DeleteJob.Input) async throws -> Operations.DeleteJob.Output {
        let name = input.path.jobName
        do {
            try await scheduler.delete(named: name)
            return .ok(.init(body: .json(StatusBody.success("job \(name) successfully deleted"))))
        } catch {
            let body = StatusBody.failure(error)
            switch error.httpStatus {
            case 404: return .notFound(.init(body: .json(body)))
            case 503: return .serviceUnavailable(.init(body: .json(body)))
            default: throw error
            }
        }
    }

    func stopJob(_ input: Operations.StopJob.Input) async throws -> Operations.StopJob.Output {
        let name = input.path.jobName
        do {
            let status = try await scheduler.stop(named: name)
            let message = status.state == .stopped ? "job \(name) successfully stopped" : "job \(name) is stopping"
            return .ok(.init(body: .json(StatusBody.success(message))))
        } catch {
            let body = StatusBody.failure(error)
            switch error.httpStatus {
            case 400: return .badRequest(.init(body: .json(body)))
            case 404: return .notFound(.init(body: .json(body)))
            case 503: return .serviceUnavailable(.init(body: .json(body)))
            default: throw error
            }
        }
    }

    func stopAllJobs(_ input: Operations.StopAllJobs.Input) async throws -> Operations.StopAllJobs.Output {
        do {
            let stopped = try await scheduler.stopAll()
            let message = stopped.isEmpty
                ? "no job is waiting or running, nothing to stop"
                : "stopping \(stopped.count) job\(stopped.count == 1 ? "" : "s"): " + stopped.map(\.name).joined(separator: ", ")
            return .ok(.init(body: .json(StatusBody.success(message))))
        } catch {
            switch error.httpStatus {
            case 503: return .serviceUnavailable(.init(body: .json(StatusBody.failure(error))))
            default: throw error
            }
        }
    }
}
