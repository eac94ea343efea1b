import Foundation
import JobSchedulerAPI
import RadixConfig
import WebhookNotifications

/// What `serve` runs, once the flags, their environment variables and the config file are combined:
/// a flag wins over its variable, which wins over the default.
public struct ServeSettings: Sendable, Equatable {
    public var configPath: String
    public var jobName: String?
    public var environment: String?
    public var port: Int?
    public var host: String
    public var historyLimit: Int
    public var network: String?
    public var stopGracePeriodSeconds: Int
    /// How many jobs of each job run at once; nil: no limit.
    public var maxRunning: Int? = nil
    /// The file holding the webhooks' signing secret (`whsec_...`); nil: deliveries are not signed.
    public var webhookSecretFile: String? = nil
    /// Addresses to send a webhook's requests to, by host name (`--resolve host=address`).
    public var hostAddresses: [String: String] = [:]
    /// The file holding the API's bearer token; nil: the API needs none.
    public var tokenFile: String? = nil
    /// The endpoints answered without the token (`health`, `metrics`, `docs`: the page and swagger.json).
    public var openEndpoints: Set<String> = ServeSettings.defaultOpenEndpoints
    /// What runs the jobs: containers on one engine, or services on a swarm (the engine is a manager).
    public var runtime: Runtime = .docker
    /// How many containers of each job are kept started ahead for submissions to take (0: none).
    public var warmPool = 0

    public enum Runtime: String, Sendable, Equatable, CaseIterable {
        case docker, swarm
    }

    public static let defaultHost = "0.0.0.0"
    public static let defaultOpenEndpoints: Set<String> = ["health", "metrics", "docs"]
    public static let defaultHistoryLimit = 10
    public static let largestWarmPool = JobDefinition.largestWarmPool
    public static let defaultStopGracePeriodSeconds = 30

    /// One environment variable per flag, for running in a container.
    public enum Variable {
        public static let config = "JOB_SCHEDULER_CONFIG"
        public static let job = "JOB_SCHEDULER_JOB"
        public static let env = "JOB_SCHEDULER_ENV"
        public static let port = "JOB_SCHEDULER_PORT"
        public static let host = "JOB_SCHEDULER_HOST"
        public static let historyLimit = "JOB_SCHEDULER_HISTORY_LIMIT"
        public static let network = "JOB_SCHEDULER_NETWORK"
        public static let stopGracePeriod = "JOB_SCHEDULER_STOP_GRACE_PERIOD"
        public static let maxRunning = "JOB_SCHEDULER_MAX_RUNNING"
        public static let webhookSecretFile = "JOB_SCHEDULER_WEBHOOK_SECRET_FILE"
        public static let tokenFile = "JOB_SCHEDULER_TOKEN_FILE"
        public static let openEndpoints = "JOB_SCHEDULER_OPEN_ENDPOINTS"
        public static let runtime = "JOB_SCHEDULER_RUNTIME"
        public static let warmPool = "JOB_SCHEDULER_WARM_POOL"
    }

    /// A setting that cannot be used, said in one line.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Combines the command's flags with the environment's variables and checks each value on its own.
    public static func resolve(_ command: ServeCommand, environment: [String: String]) throws(Problem) -> ServeSettings {
        func text(_ flag: String?, _ variable: String) -> String? {
            if let flag { return flag }
            guard let value = environment[variable], !value.isEmpty else { return nil }
            return value
        }
        func number(_ flag: Int?, _ variable: String, _ name: String) throws(Problem) -> Int? {
            if let flag { return flag }
            guard let value = environment[variable], !value.isEmpty else { return nil }
            guard let number = Int(value) else { throw Problem("\(variable)=\(value): \(name) must be a whole number") }
            return number
        }
        var hostAddresses: [String: String] = [:]
        for entry in command.resolve {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw Problem("--resolve \(entry): expected host=address, such as receiver=127.0.0.1")
            }
            hostAddresses[parts[0]] = parts[1]
        }
        var runtime = Runtime.docker
        if let name = text(command.runtime, Variable.runtime) {
            guard let named = Runtime(rawValue: name) else { throw Problem("--runtime \(name): expected docker or swarm") }
            runtime = named
        }
        var settings = ServeSettings(
            configPath: text(command.config, Variable.config) ?? RadixConfigFile.defaultFileName,
            jobName: text(command.job, Variable.job),
            environment: text(command.env, Variable.env),
            port: try number(command.port, Variable.port, "--port"),
            host: text(command.host, Variable.host) ?? defaultHost,
            historyLimit: try number(command.historyLimit, Variable.historyLimit, "--history-limit") ?? defaultHistoryLimit,
            network: text(command.network, Variable.network),
            stopGracePeriodSeconds: try number(command.stopGracePeriod, Variable.stopGracePeriod, "--stop-grace-period")
                ?? defaultStopGracePeriodSeconds,
            maxRunning: try number(command.maxRunning, Variable.maxRunning, "--max-running"),
            webhookSecretFile: text(command.webhookSecretFile, Variable.webhookSecretFile),
            hostAddresses: hostAddresses,
            tokenFile: text(command.tokenFile, Variable.tokenFile),
            openEndpoints: try text(command.openEndpoints, Variable.openEndpoints).map(Self.endpoints) ?? defaultOpenEndpoints,
            runtime: runtime
        )
        settings.warmPool = try number(command.warmPool, Variable.warmPool, "--warm-pool") ?? 0
        try settings.check()
        return settings
    }

    func check() throws(Problem) {
        if let port {
            guard jobName != nil else {
                throw Problem("--port (or \(Variable.port)) needs --job (or \(Variable.job)): without it every job is served on its own schedulerPort")
            }
            guard (1...65535).contains(port) else { throw Problem("--port must be between 1 and 65535, got \(port)") }
        }
        guard historyLimit >= 1 else { throw Problem("--history-limit must be at least 1, got \(historyLimit)") }
        guard stopGracePeriodSeconds >= 0 else {
            throw Problem("--stop-grace-period must be 0 or more seconds, got \(stopGracePeriodSeconds)")
        }
        if let maxRunning, maxRunning < 1 { throw Problem("--max-running must be at least 1, got \(maxRunning)") }
        guard !host.isEmpty else { throw Problem("--host must not be empty") }
        guard (0...Self.largestWarmPool).contains(warmPool) else {
            throw Problem("--warm-pool must be between 0 and \(Self.largestWarmPool), got \(warmPool)")
        }
        if warmPool > 0, runtime == .swarm {
            throw Problem("--warm-pool works on one engine (--runtime docker): a swarm places each job's task itself")
        }
    }

    /// The jobs to serve, each with the port it listens on; checks them against the config.
    /// A job without a port (no schedulerPort: its cron covers every environment) runs its schedules only.
    public func jobs(of application: RadixApplication) throws(Problem) -> [(job: ResolvedJob, port: Int?)] {
        let definitions: [JobDefinition]
        if let jobName {
            guard let definition = application.job(named: jobName) else {
                let known = application.jobs.map(\.name)
                throw Problem("--job \(jobName) is not a job of \(configPath)"
                    + (known.isEmpty ? " (it has no jobs)" : " (its jobs: \(known.joined(separator: ", ")))"))
            }
            definitions = [definition]
        } else {
            definitions = application.jobs
            guard !definitions.isEmpty else { throw Problem("\(configPath) has no jobs to serve") }
        }
        let jobs = definitions.map { $0.resolved(for: environment) }
        for job in jobs where job.image == nil {
            throw Problem("job \(job.name) has no image: set spec.jobs[].image (an image built from \(job.src ?? "its src"))")
        }
        let served = jobs.map { (job: $0, port: port ?? $0.schedulerPort) }
        var seen: [Int: String] = [:]
        for case let (job, port?) in served {
            if let other = seen[port] { throw Problem("jobs \(other) and \(job.name) both use port \(port)") }
            seen[port] = job.name
        }
        return served
    }
}

extension ServeSettings {
    /// The webhooks' signing secret, read from `webhookSecretFile`; nil when there is none.
    /// The endpoints `--open-endpoints` names: any of `health`, `metrics` and `docs`, or `none`.
    static func endpoints(_ text: String) throws(Problem) -> Set<String> {
        let names = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        if names == ["none"] { return [] }
        guard !names.isEmpty, names.isSubset(of: defaultOpenEndpoints) else {
            throw Problem("--open-endpoints \(text): name some of health, metrics and docs (comma-separated), or none")
        }
        return names
    }

    /// The paths of the open endpoints.
    static func paths(of endpoints: Set<String>) -> Set<String> {
        var paths: Set<String> = []
        if endpoints.contains("health") { paths.insert("/health") }
        if endpoints.contains("metrics") { paths.insert("/metrics") }
        if endpoints.contains("docs") { paths.formUnion(["/docs", "/swagger.json"]) }
        return paths
    }

    /// A file a flag names, as text.
    static func contents(of path: String, flag: String) throws(Problem) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem("\(flag) \(path): cannot read it (\(error.localizedDescription))")
        }
    }

    /// The API's authentication, from the token file; nil without one.
    func authentication() throws(Problem) -> APIAuthentication? {
        guard let path = tokenFile else { return nil }
        let text = try Self.contents(of: path, flag: "--token-file")
        guard let authentication = APIAuthentication(token: text, openPaths: Self.paths(of: openEndpoints)) else {
            throw Problem("--token-file \(path): the file is empty")
        }
        return authentication
    }

    func webhookSecret() throws(Problem) -> WebhookSecret? {
        guard let path = webhookSecretFile else { return nil }
        let text = try Self.contents(of: path, flag: "--webhook-secret-file")
        do {
            return try WebhookSecret(text)
        } catch {
            throw Problem("--webhook-secret-file \(path): \(error)")
        }
    }
}
