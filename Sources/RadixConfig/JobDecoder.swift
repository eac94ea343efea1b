import Foundation

/// Builds a `JobDefinition` from one `spec.jobs[]` mapping and checks the rules that
/// concern a single job; rules across jobs live in `ApplicationDecoder`.
struct JobDecoder {
    let environmentNames: [String]
    /// Every webhook read so far, checked by `WebhookRules` once all components and jobs are known.
    private(set) var webhooks: [WebhookRules.Site] = []

    init(environmentNames: [String]) {
        self.environmentNames = environmentNames
    }

    mutating func decode(_ job: MappingReader) -> JobDefinition {
        let name = job.requiredString("name")
        if let name, let message = FieldRules.dnsLabel(name, maxLength: FieldRules.maxJobNameLength) {
            job.report("name", message)
        }

        // Required, but for a job whose cron covers every environment (checked below, once those are read).
        let portGiven = job.node("schedulerPort") != nil
        let schedulerPort = job.int("schedulerPort")
        if let schedulerPort, let message = FieldRules.schedulerPort(schedulerPort) {
            job.report("schedulerPort", message)
        }

        var payload: JobPayload?
        if let block = job.mapping("payload"), let path = block.requiredString("path") {
            if let message = FieldRules.absolutePath(path) { block.report("path", message) }
            payload = JobPayload(path: path, extra: block.extra())
        }

        let src = job.string("src")
        let image = job.string("image")
        if src == nil, image == nil, job.node("src") == nil, job.node("image") == nil {
            job.context.report(job.path, line: job.line, "a job needs src (a folder to build an image from) or image")
        }

        var definition = JobDefinition(
            name: name ?? "",
            src: src,
            dockerfileName: job.string("dockerfileName"),
            image: image,
            imageTagName: job.string("imageTagName"),
            schedulerPort: schedulerPort,
            payload: payload,
            ports: job.ports(),
            variables: job.variables(),
            resources: job.resources(),
            timeLimitSeconds: Self.timeLimit(job),
            backoffLimit: Self.backoffLimit(job),
            command: job.stringList("command"),
            args: job.stringList("args"),
            notifications: notifications(job),
            failurePolicy: job.failurePolicy(),
            batchStatusRules: job.batchStatusRules())
        definition.cron = job.cron()
        definition.runtime = job.runtimeSelection()
        definition.node = job.gpuSelection()
        definition.maxRunning = job.int("maxRunning")
        definition.warmPool = job.int("warmPool")
        definition.uniqueJobIds = job.bool("uniqueJobIds") ?? false
        definition.readOnlyFileSystem = job.bool("readOnlyFileSystem") ?? false
        if let user = job.int("runAsUser") {
            if RunAsUser.isValid(Int64(user)) { definition.runAsUser = Int64(user) } else { job.report("runAsUser", RunAsUser.rule(user)) }
        }
        if let value = definition.maxRunning, value < 1 { job.report("maxRunning", "must be at least 1, got \(value)") }
        if let value = definition.warmPool, !(0...JobDefinition.largestWarmPool).contains(value) {
            job.report("warmPool", "must be between 0 and \(JobDefinition.largestWarmPool), got \(value)")
        }
        job.checkRequestsWithinLimits(definition.resources, resourcesPath: job.path("resources"), line: job.line("resources"))

        var references = EnvironmentReferences(listed: environmentNames)
        var overrides: [(config: JobEnvironmentConfig, reader: MappingReader)] = []
        for entry in job.mappings("environmentConfig") {
            guard let override = decodeOverride(entry, references: &references) else { continue }
            overrides.append((override, entry))
        }
        definition.environmentConfig = overrides.map(\.config)
        if !portGiven && !Self.cronCoversEveryEnvironment(definition, environments: environmentNames) {
            job.report("schedulerPort", "is required (only a job with a cron in every environment may leave it out: it serves no API)")
        }
        definition.extra = job.extra()

        for (override, entry) in overrides where !override.resources.isEmpty {
            let merged = definition.resources.overridden(by: override.resources)
            entry.checkRequestsWithinLimits(merged, resourcesPath: entry.path("resources"), line: entry.line("resources"))
        }
        ImageTagRules.check(definition, job: job, overrides: overrides, environmentNames: environmentNames)
        return definition
    }

    private mutating func decodeOverride(_ entry: MappingReader, references: inout EnvironmentReferences) -> JobEnvironmentConfig? {
        let environment = entry.requiredString("environment")
        if let environment { references.check(entry, environment: environment) }
        let cron = entry.cron()
        let runtime = entry.runtimeSelection()
        let node = entry.gpuSelection()
        var override = JobEnvironmentConfig(
            environment: environment ?? "",
            variables: entry.variables(),
            resources: entry.resources(),
            image: entry.string("image"),
            imageTagName: entry.string("imageTagName"),
            timeLimitSeconds: Self.timeLimit(entry),
            backoffLimit: Self.backoffLimit(entry),
            command: entry.stringList("command"),
            args: entry.stringList("args"),
            notifications: notifications(entry),
            failurePolicy: entry.failurePolicy(),
            batchStatusRules: entry.batchStatusRules(),
            extra: entry.extra())
        override.cron = cron
        override.runtime = runtime
        override.node = node
        return environment == nil ? nil : override
    }

    /// Whether the job runs on a schedule wherever it is deployed: its own cron, or one in every environment.
    static func cronCoversEveryEnvironment(_ job: JobDefinition, environments: [String]) -> Bool {
        job.cron != nil || (!environments.isEmpty && environments.allSatisfy { job.environmentConfig(for: $0)?.cron != nil })
    }

    private static func timeLimit(_ reader: MappingReader) -> Int? {
        let value = reader.int("timeLimitSeconds")
        if let value, let message = FieldRules.timeLimitSeconds(value) { reader.report("timeLimitSeconds", message) }
        return value
    }

    private static func backoffLimit(_ reader: MappingReader) -> Int? {
        let value = reader.int("backoffLimit")
        if let value, let message = FieldRules.backoffLimit(value) { reader.report("backoffLimit", message) }
        return value
    }

    private mutating func notifications(_ reader: MappingReader) -> JobNotifications? {
        guard let block = reader.mapping("notifications") else { return nil }
        // Trimmed here, for every reader of the config; like Radix, a blank one means none.
        let webhook = block.string("webhook")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let webhook, !webhook.isEmpty { webhooks.append(WebhookRules.Site(url: webhook, notifications: block)) }
        return JobNotifications(webhook: webhook?.isEmpty == false ? webhook : nil, extra: block.extra())
    }
}
