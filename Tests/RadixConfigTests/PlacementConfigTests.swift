import Testing
@testable import RadixConfig

/// A job's `runtime` (node type, architecture) and `node` (GPUs) in radixconfig.yaml: read, checked,
/// and replaced whole by an environment's.
@Suite("runtime and node of a job")
struct PlacementConfigTests {
    static let yaml = configYAML(jobs: """
        - name: train
          image: ml/train:1
          schedulerPort: 8000
          runtime:
            nodeType: gpu-big
          node:
            gpu: nvidia-v100, -nvidia-k80
            gpuCount: "2"
          environmentConfig:
            - environment: dev
              runtime:
                architecture: arm64
            - environment: prod
              node:
                gpuCount: 4
        """)

    @Test func theJobsOwnAndEachEnvironmentsReplacingItWhole() throws {
        let job = try #require(try RadixConfigFile.parse(yaml: Self.yaml).job(named: "train"))
        #expect(job.extra["runtime"] == nil && job.extra["node"] == nil, "modelled, not kept as unknown keys")
        let base = job.resolved(for: nil)
        #expect(base.runtime == RuntimeSelection(nodeType: "gpu-big"))
        #expect(base.node == GPUSelection(gpu: "nvidia-v100, -nvidia-k80", gpuCount: "2"))
        let dev = job.resolved(for: "dev")
        #expect(dev.runtime == RuntimeSelection(architecture: "arm64"), "the environment's runtime, not merged with the job's nodeType")
        #expect(dev.node == base.node)
        let prod = job.resolved(for: "prod")
        #expect(prod.runtime == base.runtime)
        #expect(prod.node == GPUSelection(gpuCount: "4"))
    }

    @Test(arguments: [
        RuleCase("architecture", jobs: """
            - name: train
              image: ml/train:1
              schedulerPort: 8000
              runtime:
                architecture: x86_64 #!
            """, path: "spec.jobs[0].runtime.architecture", message: "must be one of amd64, arm64, got \"x86_64\""),
        RuleCase("node type", jobs: """
            - name: train
              image: ml/train:1
              schedulerPort: 8000
              runtime:
                nodeType: Big_GPU #!
            """, path: "spec.jobs[0].runtime.nodeType", message: "is not a node type"),
        RuleCase("GPU count", jobs: """
            - name: train
              image: ml/train:1
              schedulerPort: 8000
              environmentConfig:
                - environment: dev
                  node:
                    gpuCount: "0" #!
            """, path: "spec.jobs[0].environmentConfig[0].node.gpuCount", message: "must be a whole number of at least 1"),
        RuleCase("GPU type", jobs: """
            - name: train
              image: ml/train:1
              schedulerPort: 8000
              node:
                gpu: "nvidia v100" #!
            """, path: "spec.jobs[0].node.gpu", message: "is not a GPU type"),
    ])
    func badValuesAreReportedWhereTheyAre(_ rule: RuleCase) throws {
        try rule.expectOneProblem()
    }
}
