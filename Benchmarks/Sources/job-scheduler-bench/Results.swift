import Foundation

/// Everything one run measured, written as JSON beside the report and rendered into BENCHMARKS.md.
struct Results: Sendable, Codable {
    var machine: Machine?
    var lifecycle: Lifecycle?
    var burst: Burst?
    var statusDelay: StatusDelay?
    var load: Load?
    var memory: Memory?
    var startup: Startup?
    var batch: Batch?
    var batchHistory: BatchHistory?
    var failures: [String] = []
    var loadAfter: Double?

    struct Machine: Sendable, Codable {
        var date: String
        var cpu: String
        var cores: Int
        var memory: String
        var kernel: String
        var os: String
        var docker: String
        var dockerAPI: String
        var swift: String
        var image: String
        var command: String
        var loadBefore: Double
        var revision: String
    }

    struct SchedulerSample: Sendable, Codable {
        var name: String
        /// From sending the POST to its answer.
        var post: Double
        /// From sending the POST to the first GET that showed Running (nil when never seen running).
        var runningSeen: Double?
        /// From sending the POST to the first GET that showed Succeeded.
        var total: Double
        var startedWall: Double
        var answeredWall: Double
        var seenWall: Double
    }

    /// Times of the engine's events for one job, in ms after the job's t0.
    struct EngineTimeline: Sendable, Codable {
        var create: Double?
        var start: Double?
        var die: Double?
        var dieArrival: Double?
    }

    struct Lifecycle: Sendable, Codable {
        var scheduler: [SchedulerSample]
        var direct: [Engine.DirectSample]
        var schedulerTimeline: [EngineTimeline]
        var directTimeline: [EngineTimeline]
    }

    struct BurstRound: Sendable, Codable {
        var kind: String
        var seconds: Double
        var jobsPerSecond: Double
        /// Scheduler only: when the last POST was answered, seconds after the burst began.
        var lastAnswer: Double?
    }

    struct Burst: Sendable, Codable {
        var size: Int
        var rounds: [BurstRound]
    }

    struct DelaySample: Sendable, Codable {
        var name: String
        /// Terminal status first seen on GET, after the `die` event reached the benchmark.
        var afterArrival: Double
        /// The same, after the engine's own time of the event.
        var afterEngine: Double
        /// How long the event took to reach the benchmark.
        var eventDelivery: Double
    }

    struct StatusDelay: Sendable, Codable {
        var pollMicroseconds: Int
        var samples: [DelaySample]
    }

    struct WrkResult: Sendable, Codable {
        var target: String
        var url: String
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
        var max: Double
        var errors: String?
        var responseBytes: Int
        /// Every round's requests/s and p99, when the target was measured in rounds (the figures above are
        /// their medians, max the rounds' max).
        var roundsRequestsPerSecond: [Double]?
        var roundsP99: [Double]?
    }

    struct Load: Sendable, Codable {
        var historyJobs: Int
        var runningJobs: Int
        var connections: Int
        var threads: Int
        var seconds: Int
        var results: [WrkResult]
        var schedulerRSSAfter: ResidentSize?
        var baselineRSSAfter: ResidentSize?
    }

    struct Memory: Sendable, Codable {
        var idle: ResidentSize
        var running: ResidentSize
        var runningJobs: Int
        var afterRestartWithRunning: ResidentSize?
    }

    struct Batch: Sendable, Codable {
        var size: Int
        /// Direct lifecycles under way at once.
        var directConcurrency: Int
        /// POST until GET /batches/{name} showed it Completed.
        var schedulerSeconds: Double
        /// POST until its answer.
        var postSeconds: Double
        /// The same batch with `--max-running 8`, and each GET /batches/{name} (ms) while it ran.
        var queuedSeconds: Double
        var queuedReads: [Double]
        var directSeconds: Double
        var directNoRemoveSeconds: Double
    }

    struct BatchHistory: Sendable, Codable {
        var batches: Int
        var jobsPerBatch: Int
        /// Milliseconds of each GET /batches, one after the other on one connection.
        var getBatches: [Double]
        var getBatchesBytes: Int
        var getBatch: [Double]
        var getBatchBytes: Int
        /// Milliseconds from exec until the API answered.
        var startup: [Double]
    }

    struct Startup: Sendable, Codable {
        var empty: [Double]
        var withJobs: [Double]
        var jobs: Int
    }
}
