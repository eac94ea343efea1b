extension JobDefinition {
    /// Merges the `environmentConfig` entry for `environment` over the job, the way Radix
    /// does: variables and resources merge key by key (the environment wins), scalar
    /// settings and lists (failure policy, batch status rules) are replaced when the environment
    /// sets them, and unset limits get defaults.
    /// An environment without an entry (or nil) yields the job's own values.
    public func resolved(for environment: String?) -> ResolvedJob {
        let override = environment.flatMap { environmentConfig(for: $0) }

        let imageTagName = override?.imageTagName ?? imageTagName
        let imageTemplate = override?.image ?? image
        let image = imageTemplate.map {
            ImageTagPlaceholder.resolve(image: $0, tagName: imageTagName).image
        }
        var variables = variables
        if let override {
            variables.merge(override.variables) { _, environmentValue in environmentValue }
        }

        var resolved = ResolvedJob(
            name: name,
            environment: environment,
            src: src,
            dockerfileName: dockerfileName,
            image: image,
            imageTemplate: imageTemplate,
            imageTagName: imageTagName,
            schedulerPort: schedulerPort,
            payloadPath: payload?.path,
            ports: ports,
            variables: variables,
            resources: override.map { resources.overridden(by: $0.resources) } ?? resources,
            timeLimitSeconds: override?.timeLimitSeconds ?? timeLimitSeconds ?? Self.defaultTimeLimitSeconds,
            backoffLimit: override?.backoffLimit ?? backoffLimit ?? Self.defaultBackoffLimit,
            command: override?.command ?? command,
            args: override?.args ?? args,
            notifications: override?.notifications ?? notifications,
            failurePolicy: override?.failurePolicy ?? failurePolicy,
            batchStatusRules: override?.batchStatusRules ?? batchStatusRules ?? [],
            maxRunning: maxRunning
        )
        resolved.cron = override?.cron ?? cron
        resolved.runtime = override?.runtime ?? runtime
        resolved.node = override?.node ?? node
        resolved.uniqueJobIds = uniqueJobIds
        resolved.warmPool = warmPool
        resolved.runAsUser = runAsUser
        resolved.readOnlyFileSystem = readOnlyFileSystem
        return resolved
    }
}
