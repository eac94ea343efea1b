import RadixConfig
import Testing
@testable import SchedulerCore

/// A job's `runtime` and `node` from radixconfig.yaml are the defaults of a request's: a request's own
/// replaces each whole; on one engine nothing can honour them, and `serve` is told why.
@Suite("Placement from radixconfig and requests")
struct PlacementDecisionTests {
    static func configuration(choosesNodes: Bool, runtime: RuntimeSelection? = nil, node: GPUSelection? = nil) -> SchedulerConfiguration {
        var job = ResolvedJob(name: "work", image: "busybox:latest", schedulerPort: 8000)
        job.runtime = runtime
        job.node = node
        var configuration = SchedulerConfiguration(applicationName: "app", job: job)
        configuration.choosesNodes = choosesNodes
        return configuration
    }

    @Test func theJobsRuntimeAndGPUsAreTheDefaults() throws {
        let configuration = Self.configuration(choosesNodes: true, runtime: RuntimeSelection(nodeType: "gpu-big", architecture: "arm64"),
                                               node: GPUSelection(gpu: "nvidia-v100, -nvidia-k80", gpuCount: "2"))
        let launch = try JobLaunchFactory.launch(for: JobRequest(), name: "work-1", configuration: configuration)
        #expect(launch.nodeType == "gpu-big")
        #expect(launch.architecture == .arm64)
        #expect(launch.gpus == GPURequest(count: 2, type: "nvidia-v100", excludedTypes: ["nvidia-k80"]))
        #expect(JobLaunchFactory.placementProblems(of: configuration.job, configuration: configuration).isEmpty)
    }

    @Test func aRequestsRuntimeOrNodeReplacesTheJobsWhole() throws {
        let configuration = Self.configuration(choosesNodes: true, runtime: RuntimeSelection(nodeType: "gpu-big", architecture: "arm64"),
                                               node: GPUSelection(gpu: "nvidia-v100", gpuCount: "2"))
        let launch = try JobLaunchFactory.launch(for: JobRequest(nodeType: "small", gpuCount: "1"), name: "work-1", configuration: configuration)
        #expect(launch.nodeType == "small")
        #expect(launch.architecture == nil, "not the job's: the request's runtime replaced it whole")
        #expect(launch.gpus == GPURequest(count: 1), "any type: the request's node replaced the job's whole")
        // An empty choice in the request means no choice.
        let unplaced = try JobLaunchFactory.launch(for: JobRequest(nodeType: "", gpu: ""), name: "work-2", configuration: configuration)
        #expect(unplaced.nodeType == nil && unplaced.architecture == nil && unplaced.gpus == nil)
    }

    @Test func onOneEngineAJobThatChoosesNodesCannotRun() {
        let configuration = Self.configuration(choosesNodes: false, runtime: RuntimeSelection(architecture: "amd64"),
                                               node: GPUSelection(gpuCount: "1"))
        let problems = JobLaunchFactory.placementProblems(of: configuration.job, configuration: configuration)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.hasPrefix("runtime.architecture: the node cannot be chosen") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("node: GPUs cannot be requested") }, "\(problems)")
        #expect(JobLaunchFactory.placementProblems(of: Self.configuration(choosesNodes: false).job,
                                                   configuration: Self.configuration(choosesNodes: false)).isEmpty)
    }

    @Test func onASwarmOnlyOneGPUTypeCanBeRequired() {
        let configuration = Self.configuration(choosesNodes: true, node: GPUSelection(gpu: "nvidia-v100, nvidia-a100"))
        let problems = JobLaunchFactory.placementProblems(of: configuration.job, configuration: configuration)
        #expect(problems == ["node.gpu: a swarm can require one GPU type, not any of 2 (nvidia-v100, nvidia-a100)"])
    }
}
