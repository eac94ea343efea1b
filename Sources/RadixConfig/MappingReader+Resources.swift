/// Reading `resources:` blocks, shared by jobs, components and their overrides.
extension MappingReader {
    func resources(_ key: String = "resources") -> ResourceRequirements {
        guard let block = mapping(key) else { return ResourceRequirements() }
        let requirements = ResourceRequirements(
            requests: block.mapping("requests").map(Self.resourceList) ?? ResourceList(),
            limits: block.mapping("limits").map(Self.resourceList) ?? ResourceList())
        _ = block.extra() // unknown keys under resources carry no meaning for a container
        return requirements
    }

    private static func resourceList(_ reader: MappingReader) -> ResourceList {
        ResourceList(cpu: reader.cpu("cpu"), memory: reader.memory("memory"), extra: reader.extra())
    }

    /// Kubernetes rejects a request above its limit; Docker would silently misbehave.
    /// `resourcesPath` is where the offending block lives, `line` where to point.
    func checkRequestsWithinLimits(_ resources: ResourceRequirements, resourcesPath: String, line: Int?) {
        for problem in EngineResourceBounds.problems(of: resources) {
            context.report(ConfigPath.key(resourcesPath, problem.field), line: line, problem.message)
        }
        if let request = resources.requests.cpu, let limit = resources.limits.cpu, request > limit {
            context.report(ConfigPath.key(resourcesPath, "requests.cpu"), line: line,
                           "request \(request) is more than the limit \(limit)")
        }
        if let request = resources.requests.memory, let limit = resources.limits.memory, request > limit {
            context.report(ConfigPath.key(resourcesPath, "requests.memory"), line: line,
                           "request \(request) is more than the limit \(limit)")
        }
    }
}
