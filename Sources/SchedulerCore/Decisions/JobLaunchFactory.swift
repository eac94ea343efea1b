import Foundation
import RadixConfig

/// Applies a request's overrides to the job's configuration and checks the result: the only place
/// where what a client may ask for is decided. The client cannot choose the image (only its tag,
/// where the configuration has a placeholder), mounts or privileges.
public enum JobLaunchFactory {
    public static func launch(for request: JobRequest, name: String, configuration: SchedulerConfiguration) throws(SchedulerError) -> JobLaunch {
        let job = configuration.job
        let request = withPlacementDefaults(request, of: job)
        var problems: [String] = []

        if let payload = request.payload {
            if job.payloadPath == nil {
                throw .badRequest("job \(job.name) takes no payload: it has no payload.path in radixconfig.yaml")
            }
            let size = payload.utf8.count
            if size > configuration.payloadLimit { throw .payloadTooLarge(size: size, limit: configuration.payloadLimit) }
        }

        // The image: the configured one, with the request's tag where the configuration asks for one.
        guard var image = job.image else {
            throw .badRequest("job \(job.name) has no image configured")
        }
        if let tag = request.imageTagName {
            guard ImageTagPlaceholder.isPresent(in: configuredImage(of: job)) else {
                throw .badRequest("imageTagName is not allowed: the image of job \(job.name) has no {imageTagName} placeholder")
            }
            if !isValidTag(tag) { problems.append("imageTagName: \"\(tag)\" is not a valid image tag") }
            image = ImageTagPlaceholder.substitute(in: configuredImage(of: job), tagName: tag)
        }
        if ImageTagPlaceholder.isPresent(in: image) {
            throw .badRequest("job \(job.name) needs an imageTagName: its image \(image) has a {imageTagName} placeholder")
        }

        var variables = job.variables
        for (key, value) in request.variables ?? [:] {
            if !isValidVariableName(key) {
                problems.append("variables: \"\(key)\" is not a valid variable name")
            } else if ReservedVariables.isReserved(key) {
                problems.append("variables: \(key): names starting with \(ReservedVariables.prefix) are set by the scheduler")
            } else {
                variables[key] = value
            }
        }

        var resources = job.resources
        func quantities(_ values: [String: String]?, side: String) -> ResourceList {
            var list = ResourceList()
            for (key, text) in values ?? [:] {
                switch key {
                case "cpu":
                    do { list.cpu = try CPUQuantity(parsing: text) } catch { problems.append("resources.\(side).cpu: \(error)") }
                case "memory":
                    do { list.memory = try MemoryQuantity(parsing: text) } catch { problems.append("resources.\(side).memory: \(error)") }
                default:
                    problems.append("resources.\(side).\(key): only cpu and memory are supported")
                }
            }
            return list
        }
        resources = resources.overridden(by: ResourceRequirements(requests: quantities(request.requests, side: "requests"),
                                                                  limits: quantities(request.limits, side: "limits")))
        if let request = resources.requests.cpu, let limit = resources.limits.cpu, request > limit {
            problems.append("resources: cpu request \(request) is more than the limit \(limit)")
        }
        if let request = resources.requests.memory, let limit = resources.limits.memory, request > limit {
            problems.append("resources: memory request \(request) is more than the limit \(limit)")
        }
        for problem in EngineResourceBounds.problems(of: resources, hostCPUs: configuration.engineCPUs) {
            problems.append("resources.\(problem.field): \(problem.message)")
        }

        let timeLimit = request.timeLimitSeconds ?? job.timeLimitSeconds
        if timeLimit < 1 { problems.append("timeLimitSeconds: must be at least 1, got \(timeLimit)") }
        let backoffLimit = request.backoffLimit ?? job.backoffLimit
        if backoffLimit < 0 || backoffLimit > 1000 { problems.append("backoffLimit: must be between 0 and 1000, got \(backoffLimit)") }
        if let jobId = request.jobId, jobId.utf8.count > 253 || jobId.contains(where: { $0.isNewline }) {
            problems.append("jobId: at most 253 characters on one line")
        }
        if request.command?.isEmpty == true { problems.append("command: must not be empty when given") }
        for (field, values) in [("command", request.command), ("args", request.args)] {
            if values?.contains(where: { $0.utf8.contains(0) }) == true { problems.append("\(field): must not contain NUL characters") }
        }
        if variables.values.contains(where: { $0.utf8.contains(0) }) { problems.append("variables: values must not contain NUL characters") }
        problems += request.failurePolicy?.problems() ?? []
        let user = request.runAsUser ?? job.runAsUser
        if let user, !RunAsUser.isValid(user) { problems.append("runAsUser: \(RunAsUser.rule(user))") }
        let architecture = request.architecture.flatMap(NodeArchitecture.init(rawValue:))
        problems += placementProblems(request, configuration: configuration)
        let (gpus, gpuProblems) = gpuRequest(request, configuration: configuration)
        problems += gpuProblems
        if !problems.isEmpty { throw .invalidRequest(problems.sorted()) }

        return JobLaunch(
            name: name,
            selector: configuration.selector,
            environmentName: job.environment,
            jobId: request.jobId,
            image: image,
            environment: variables,
            command: request.command ?? job.command,
            args: request.args ?? job.args,
            nanoCPUs: resources.limits.cpu?.nanoCPUs,
            cpuShares: resources.requests.cpu.map(EngineResourceBounds.cpuShares(for:)),
            memoryBytes: resources.limits.memory?.bytes,
            memoryReservationBytes: resources.requests.memory?.bytes,
            network: configuration.network,
            exposedPorts: job.ports.map(\.port),
            timeLimitSeconds: timeLimit,
            backoffLimit: backoffLimit,
            failurePolicy: request.failurePolicy ?? job.failurePolicy,
            payload: request.payload.map { PayloadFile(directory: job.payloadPath!, bytes: Array($0.utf8)) },
            user: user.map { String($0) },
            readOnlyRootFilesystem: job.readOnlyFileSystem,
            nodeType: request.nodeType?.isEmpty == false ? request.nodeType : nil,
            architecture: architecture,
            gpus: gpus
        )
    }

    /// What is wrong with the node a request chooses: anything, on one engine (there is no node to
    /// choose); on a swarm, a malformed node type or an architecture Radix does not name.
    static func placementProblems(_ request: JobRequest, configuration: SchedulerConfiguration) -> [String] {
        var problems: [String] = []
        for (field, value) in [("nodeType", request.nodeType), ("architecture", request.architecture)] {
            guard let value, !value.isEmpty else { continue }  // (empty: no choice, as in Radix)
            if !configuration.choosesNodes {
                problems.append("runtime.\(field): the node cannot be chosen: this scheduler runs its jobs on one engine (a swarm runtime chooses nodes)")
            } else if field == "nodeType", !isValidNodeType(value) {
                problems.append("runtime.nodeType: \"\(value.prefix(130))\" is not a node type (lower-case letters, digits and '-', at most 120)")
            } else if field == "architecture", NodeArchitecture(rawValue: value) == nil {
                problems.append("runtime.architecture: must be one of \(NodeArchitecture.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(value.prefix(130))\"")
            }
        }
        return problems
    }

    /// The GPUs a request asks for (Radix's `node`), or why they cannot be given: on one engine none can;
    /// on a swarm, constraints cannot say "any of", so at most one type may be allowed.
    static func gpuRequest(_ request: JobRequest, configuration: SchedulerConfiguration) -> (GPURequest?, [String]) {
        let types = (request.gpu ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let countText = request.gpuCount?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !types.isEmpty || !countText.isEmpty else { return (nil, []) }  // (empty: nothing asked, as in Radix)
        guard configuration.choosesNodes else {
            return (nil, ["node: GPUs cannot be requested: this scheduler runs its jobs on one engine (a swarm runtime reserves them)"])
        }
        var problems: [String] = []
        let count = countText.isEmpty ? 1 : Int(countText) ?? 0
        if count < 1 { problems.append("node.gpuCount: must be a whole number of at least 1, got \"\(countText.prefix(30))\"") }
        let excluded = types.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) }
        let allowed = types.filter { !$0.hasPrefix("-") }
        if allowed.count > 1 {
            problems.append("node.gpu: a swarm can require one GPU type, not any of \(allowed.count) (\(allowed.joined(separator: ", ")))")
        }
        for type in allowed + excluded where !isValidNodeType(type) {
            problems.append("node.gpu: \"\(type.prefix(130))\" is not a GPU type (lower-case letters, digits and '-', at most 120)")
        }
        return problems.isEmpty ? (GPURequest(count: count, type: allowed.first, excludedTypes: excluded), []) : (nil, problems)
    }

    static func isValidNodeType(_ value: String) -> Bool { FieldRules.nodeType(value) == nil }

    /// The request with radixconfig's `runtime` and `node` where it gives none (each is replaced whole).
    static func withPlacementDefaults(_ request: JobRequest, of job: ResolvedJob) -> JobRequest {
        var request = request
        if request.nodeType == nil, request.architecture == nil, let runtime = job.runtime {
            request.nodeType = runtime.nodeType
            request.architecture = runtime.architecture
        }
        if request.gpu == nil, request.gpuCount == nil, let node = job.node {
            request.gpu = node.gpu
            request.gpuCount = node.gpuCount
        }
        return request
    }

    /// What this scheduler cannot honour of radixconfig's `runtime` and `node` for the job (a node to
    /// choose on one engine, several GPU types on a swarm): `serve` refuses to start with it.
    public static func placementProblems(of job: ResolvedJob, configuration: SchedulerConfiguration) -> [String] {
        let defaults = withPlacementDefaults(JobRequest(), of: job)
        return placementProblems(defaults, configuration: configuration) + gpuRequest(defaults, configuration: configuration).1
    }

    /// The image as configured, before any tag was filled in (resolution fills the configured tag).
    private static func configuredImage(of job: ResolvedJob) -> String {
        job.imageTemplate ?? job.image ?? ""
    }

    static func isValidTag(_ tag: String) -> Bool {
        guard let first = tag.unicodeScalars.first, tag.unicodeScalars.count <= 128 else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        return (CharacterSet.alphanumerics.contains(first) || first == "_") && tag.unicodeScalars.allSatisfy(allowed.contains)
    }

    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        return name.unicodeScalars.allSatisfy(allowed.contains)
    }
}
