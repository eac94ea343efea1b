import Foundation
@testable import SchedulerCore
import RadixConfig
import Testing

@Suite("Job names")
struct JobNamingTests {
    @Test func formatIsJobTimestampAndEightRandomCharacters() {
        let date = Date(timeIntervalSince1970: 1_617_792_956)  // 2021-04-07T10:55:56Z
        let name = JobNaming.newName(for: "compute", at: date)
        #expect(name.hasPrefix("compute-20210407105556-"))
        let suffix = name.split(separator: "-").last!
        #expect(suffix.count == 8)
        #expect(suffix.allSatisfy { $0.isLowercase || $0.isNumber })
        #expect(JobNaming.isJobName(name, of: "compute"))
    }

    @Test func namesAreUnique() {
        let names = (0..<10_000).map { _ in JobNaming.newName(for: "etl") }
        #expect(Set(names).count == names.count)
    }

    @Test func foreignNamesAreRecognised() {
        #expect(!JobNaming.isJobName("etl-20210407105556-abcdefgh", of: "compute"))
        #expect(!JobNaming.isJobName("compute-2021040710555-abcdefgh", of: "compute"))
        #expect(!JobNaming.isJobName("compute-20210407105556-ABCDEFGH", of: "compute"))
        #expect(!JobNaming.isJobName("compute-20210407105556-abcdefgh-x", of: "compute"))
    }
}

@Suite("Status from what the engine reports")
struct StatusDerivationTests {
    let created = Date(timeIntervalSince1970: 1_000_000)

    func job(_ state: JobObservation.RunState, exit: Int = 0, restarts: Int = 0, backoff: Int = 0, stop: Bool = false,
             finishedAfter: TimeInterval? = nil, limit: Int = 60, error: String = "", oom: Bool = false) -> JobObservation {
        JobObservation(name: "compute-19700112134640-abcdefgh", jobId: "j1", image: "img", imageID: "sha256:1", created: created,
                       startedAt: state == .created ? nil : created.addingTimeInterval(1),
                       finishedAt: finishedAfter.map { created.addingTimeInterval($0) }, runState: state, exitCode: exit,
                       oomKilled: oom, engineError: error, restartCount: restarts, timeLimitSeconds: limit, backoffLimit: backoff,
                       stopRequested: stop)
    }

    @Test func lifecycle() {
        #expect(JobStatusDerivation.status(of: job(.created)).state == .waiting)
        let running = JobStatusDerivation.status(of: job(.running))
        #expect(running.state == .running)
        #expect(running.started == created.addingTimeInterval(1))
        #expect(running.ended == nil)
        let done = JobStatusDerivation.status(of: job(.exited, finishedAfter: 5))
        #expect(done.state == .succeeded)
        #expect(done.ended == created.addingTimeInterval(5))
        #expect(done.failed == 0)
        #expect(done.podStatuses.first?.exitCode == 0)
        #expect(done.podStatuses.first?.reason == "Completed")
        #expect(done.jobId == "j1")
    }

    @Test func failureCarriesExitCodeAndMessage() {
        let failed = JobStatusDerivation.status(of: job(.exited, exit: 3, finishedAfter: 5))
        #expect(failed.state == .failed)
        #expect(failed.failed == 1)
        #expect(failed.message?.contains("exit code 3") == true)
        #expect(failed.podStatuses.first?.exitCode == 3)
        #expect(failed.podStatuses.first?.reason == "Error")
    }

    @Test func retriesCountFailedAttempts() {
        // The engine has counted the restart it is about to make.
        let retrying = JobStatusDerivation.status(of: job(.restarting, exit: 1, restarts: 2, backoff: 3, finishedAfter: 3))
        #expect(retrying.state == .running)
        #expect(retrying.failed == 2)
        #expect(retrying.podStatuses.first?.replicaState == .failing)
        let exhausted = JobStatusDerivation.status(of: job(.exited, exit: 1, restarts: 3, backoff: 3, finishedAfter: 9))
        #expect(exhausted.state == .failed)
        #expect(exhausted.failed == 4)
        #expect(exhausted.podStatuses.first?.restartCount == 3)
        let recovered = JobStatusDerivation.status(of: job(.exited, exit: 0, restarts: 2, backoff: 3, finishedAfter: 9))
        #expect(recovered.state == .succeeded)
        #expect(recovered.failed == 2)
    }

    @Test func deadlineIsRecognisedFromTheTimesAlone() {
        let late = JobStatusDerivation.status(of: job(.exited, exit: 137, finishedAfter: 60.01, limit: 60))
        #expect(late.state == .failed)
        #expect(late.podStatuses.first?.reason == JobStatusDerivation.deadlineExceeded)
        let early = JobStatusDerivation.status(of: job(.exited, exit: 137, finishedAfter: 30, limit: 60))
        #expect(early.podStatuses.first?.reason == "Error")
    }

    @Test func stopRequests() {
        #expect(JobStatusDerivation.status(of: job(.running, stop: true)).state == .stopping)
        let stopped = JobStatusDerivation.status(of: job(.exited, exit: 143, stop: true, finishedAfter: 4))
        #expect(stopped.state == .stopped)
        #expect(stopped.failed == 0)
        #expect(JobStatusDerivation.status(of: job(.created, stop: true)).state == .stopped)
    }

    @Test func startErrorsAndOOM() {
        let broken = JobStatusDerivation.status(of: job(.created, exit: 127, error: "exec: \"nope\": executable file not found"))
        #expect(broken.state == .failed)
        #expect(broken.message?.contains("executable file not found") == true)
        let oom = JobStatusDerivation.status(of: job(.exited, exit: 137, finishedAfter: 2, oom: true))
        #expect(oom.podStatuses.first?.reason == "OOMKilled")
    }
}

@Suite("History retention")
struct HistoryRetentionTests {
    func status(_ index: Int, _ state: JobState) -> JobStatus {
        JobStatus(name: String(format: "job-%03d", index), created: Date(timeIntervalSince1970: Double(index)),
                  ended: state.isTerminal ? Date(timeIntervalSince1970: Double(index) + 0.5) : nil, state: state)
    }

    @Test func keepsTheLatestOfEachKindAndNeverActiveJobs() {
        var jobs: [JobStatus] = []
        for index in 0..<15 { jobs.append(status(index, index.isMultiple(of: 3) ? .stopped : .succeeded)) }
        for index in 15..<27 { jobs.append(status(index, .failed)) }
        for index in 27..<40 { jobs.append(status(index, index.isMultiple(of: 2) ? .running : .waiting)) }
        let removed = Set(HistoryRetention.jobsToRemove(from: jobs, limit: 10))
        #expect(removed == Set((0..<5).map { String(format: "job-%03d", $0) } + [15, 16].map { String(format: "job-%03d", $0) }))
    }

    @Test func zeroKeepsNothingEnded() {
        let jobs = [status(1, .succeeded), status(2, .failed), status(3, .running)]
        #expect(Set(HistoryRetention.jobsToRemove(from: jobs, limit: 0)) == ["job-001", "job-002"])
    }

    @Test func eachSchedulesLatestRunIsKept() {
        func run(_ index: Int, schedule: Int, tick: TimeInterval) -> JobStatus {
            var job = status(index, .succeeded)
            job.name = String(format: "work-%014d-sched%03d", index, schedule)
            job.schedule = "@hourly"  // two schedules with one expression
            job.scheduledAt = Date(timeIntervalSince1970: tick)
            return job
        }
        let jobs = [run(1, schedule: 0, tick: 100), run(2, schedule: 0, tick: 200), run(3, schedule: 1, tick: 150), status(4, .succeeded)]
        #expect(Set(HistoryRetention.jobsToRemove(from: jobs, limit: 0)) == [jobs[0].name, "job-004"])
    }
}

@Suite("Request overrides and validation")
struct JobLaunchFactoryTests {
    let configuration = SchedulerConfiguration(
        applicationName: "app",
        job: ResolvedJob(name: "compute", image: "repo/compute:v1", imageTemplate: "repo/compute:{imageTagName}", imageTagName: "v1",
                         schedulerPort: 8000, payloadPath: "/compute/args", ports: [PortDefinition(name: "http", port: 3000)],
                         variables: ["A": "1", "B": "2"],
                         resources: ResourceRequirements(requests: ResourceList(cpu: try! CPUQuantity(parsing: "100m"), memory: try! MemoryQuantity(parsing: "32Mi")),
                                                         limits: ResourceList(cpu: try! CPUQuantity(parsing: "1"), memory: try! MemoryQuantity(parsing: "64Mi"))),
                         timeLimitSeconds: 300, backoffLimit: 1),
        network: "appnet")

    @Test func defaultsComeFromTheConfiguration() throws {
        let launch = try JobLaunchFactory.launch(for: JobRequest(), name: "n", configuration: configuration)
        #expect(launch.image == "repo/compute:v1")
        #expect(launch.environment == ["A": "1", "B": "2"])
        #expect(launch.nanoCPUs == 1_000_000_000)
        #expect(launch.cpuShares == 102)
        #expect(launch.memoryBytes == Int64(64 * 1_048_576))
        #expect(launch.memoryReservationBytes == Int64(32 * 1_048_576))
        #expect(launch.timeLimitSeconds == 300)
        #expect(launch.backoffLimit == 1)
        #expect(launch.exposedPorts == [3000])
        #expect(launch.network == "appnet")
        #expect(launch.payload == nil)
    }

    @Test func requestOverridesWin() throws {
        let request = JobRequest(payload: "p", jobId: "id-7", variables: ["B": "x", "C": "y"], requests: ["memory": "16Mi"],
                                 limits: ["cpu": "500m"], timeLimitSeconds: 5, backoffLimit: 0, command: ["sh"], args: ["-c", "true"],
                                 imageTagName: "v2")
        let launch = try JobLaunchFactory.launch(for: request, name: "n", configuration: configuration)
        #expect(launch.image == "repo/compute:v2")
        #expect(launch.environment == ["A": "1", "B": "x", "C": "y"])
        #expect(launch.nanoCPUs == 500_000_000)
        #expect(launch.memoryReservationBytes == Int64(16 * 1_048_576))
        #expect(launch.memoryBytes == Int64(64 * 1_048_576))
        #expect(launch.timeLimitSeconds == 5)
        #expect(launch.command == ["sh"])
        #expect(launch.args == ["-c", "true"])
        #expect(launch.jobId == "id-7")
        #expect(launch.payload?.directory == "/compute/args")
        #expect(launch.payload?.bytes == Array("p".utf8))
    }

    @Test func invalidFieldsAreAllReported() {
        let request = JobRequest(variables: ["1BAD": "x"], requests: ["cpu": "lots", "gpu": "1"], limits: ["memory": "12Q"],
                                 timeLimitSeconds: 0, backoffLimit: -1, imageTagName: "bad tag")
        #expect {
            try JobLaunchFactory.launch(for: request, name: "n", configuration: configuration)
        } throws: { error in
            guard case SchedulerError.invalidRequest(let problems) = error else { return false }
            return problems.count == 7
        }
    }

    /// The problems of a request the factory refuses; empty when it is accepted.
    func problems(of request: JobRequest, engineCPUs: Int? = nil) -> [String] {
        var configuration = configuration
        configuration.engineCPUs = engineCPUs
        do {
            _ = try JobLaunchFactory.launch(for: request, name: "n", configuration: configuration)
            return []
        } catch {
            guard case .invalidRequest(let problems) = error else { return ["\(error)"] }
            return problems
        }
    }

    /// The scheduler's own RADIX_* variables cannot be set by a request, whatever the scheduler serves.
    @Test func theSchedulersVariablesAreRefused() {
        for name in ["RADIX_ENVIRONMENT", "RADIX_JOB_NAME", "RADIX_APP", "RADIX_ANYTHING"] {
            #expect(problems(of: JobRequest(variables: [name: "x"])) == ["variables: \(name): names starting with RADIX_ are set by the scheduler"])
        }
        #expect(problems(of: JobRequest(variables: ["MY_RADIX_THING": "x", "radix_lower": "y"])).isEmpty)
    }

    /// Values the engine would refuse at the start (or, rounded to nothing, run with no limit) are
    /// refused before anything is created: values on each side of every bound.
    @Test func resourcesTheEngineCannotHonourAreRefused() {
        let cpuLimits: [(String, Bool)] = [("0.005", false), ("1e-9", false), ("9m", false), ("0", false), ("10m", true), ("0.01", true), ("1", true), ("2", true)]
        for (value, accepted) in cpuLimits {
            #expect(problems(of: JobRequest(requests: ["cpu": "1m"], limits: ["cpu": value]), engineCPUs: 2).isEmpty == accepted, "limits.cpu \(value)")
        }
        for (value, cores) in [("3", 2), ("2001m", 2), ("65", 64)] {
            #expect(problems(of: JobRequest(limits: ["cpu": value]), engineCPUs: cores) == ["resources.limits.cpu: \(value) is more than the engine's \(cores) cores"])
        }
        #expect(problems(of: JobRequest(limits: ["cpu": "3"])).isEmpty, "no engine's count known: not checked")
        var unlimited = configuration
        unlimited.job.resources.limits.cpu = nil
        for (value, accepted) in [("256", true), ("256001m", false), ("300", false), ("1e6", false), ("0", true)] {
            var request = JobRequest(requests: ["cpu": value])
            request.limits = nil
            let refused = (try? JobLaunchFactory.launch(for: request, name: "n", configuration: unlimited)) == nil
            #expect(refused != accepted, "requests.cpu \(value)")
        }
        for (value, accepted) in [("6Mi", true), ("6291455", false), ("1Mi", false), ("0", false), ("64Mi", true)] {
            #expect(problems(of: JobRequest(requests: ["memory": value], limits: ["memory": "64Mi"])).isEmpty == accepted, "requests.memory \(value)")
            #expect(problems(of: JobRequest(limits: ["memory": value])).filter { $0.hasPrefix("resources.limits.memory") }.isEmpty == accepted,
                    "limits.memory \(value)")
        }
        let shares = try? JobLaunchFactory.launch(for: JobRequest(requests: ["cpu": "256"], limits: ["cpu": "256"]), name: "n", configuration: configuration)
        #expect(shares?.cpuShares == 262_144)
    }

    @Test func aJobRunsAsTheRequestsUserElseTheConfiguredOneElseTheImages() throws {
        #expect(try JobLaunchFactory.launch(for: JobRequest(), name: "n", configuration: configuration).user == nil)
        var configured = configuration
        configured.job.runAsUser = 1000
        configured.job.readOnlyFileSystem = true
        let launch = try JobLaunchFactory.launch(for: JobRequest(), name: "n", configuration: configured)
        #expect(launch.user == "1000" && launch.readOnlyRootFilesystem)
        #expect(try JobLaunchFactory.launch(for: JobRequest(runAsUser: 0), name: "n", configuration: configured).user == "0")
        #expect(problems(of: JobRequest(runAsUser: -1)) == ["runAsUser: must be a user ID from 0 to 2147483647, got -1"])
        #expect(problems(of: JobRequest(runAsUser: 2_147_483_648)).count == 1)
        // A batch's default applies unless the job sets its own.
        #expect(JobRequest(runAsUser: 5).merged(over: JobRequest(runAsUser: 7)).runAsUser == 5)
        #expect(JobRequest().merged(over: JobRequest(runAsUser: 7)).runAsUser == 7)
    }

    @Test func payloadRules() {
        var noPayloadJob = configuration
        noPayloadJob.job.payloadPath = nil
        #expect(throws: SchedulerError.badRequest("job compute takes no payload: it has no payload.path in radixconfig.yaml")) {
            try JobLaunchFactory.launch(for: JobRequest(payload: "x"), name: "n", configuration: noPayloadJob)
        }
        let big = String(repeating: "é", count: 524_289)  // 1 MiB + 2 bytes in UTF-8
        #expect(throws: SchedulerError.payloadTooLarge(size: 1_048_578, limit: 1_048_576)) {
            try JobLaunchFactory.launch(for: JobRequest(payload: big), name: "n", configuration: configuration)
        }
        let exact = String(repeating: "a", count: 1_048_576)
        #expect(throws: Never.self) { try JobLaunchFactory.launch(for: JobRequest(payload: exact), name: "n", configuration: configuration) }
    }

    @Test func imageTagNeedsAPlaceholder() {
        var fixedImage = configuration
        fixedImage.job.image = "repo/etl:latest"
        fixedImage.job.imageTemplate = "repo/etl:latest"
        #expect(throws: SchedulerError.self) {
            try JobLaunchFactory.launch(for: JobRequest(imageTagName: "v2"), name: "n", configuration: fixedImage)
        }
    }
}
