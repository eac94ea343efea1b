import Yams

/// Builds a `RadixApplication` from the document's root node. Environments are read
/// first because jobs and components refer to them; names, scheduler ports and webhooks
/// are checked across the whole file here.
struct ApplicationDecoder {
    static let apiVersion = "radix.equinor.com/v1"
    static let kind = "RadixApplication"

    let context: DecodeContext

    func decode(_ root: Node) -> RadixApplication? {
        guard let top = MappingReader.make(root, path: "", line: root.line ?? 1, context: context) else { return nil }

        let apiVersion = top.string("apiVersion")
        if let apiVersion, apiVersion != Self.apiVersion {
            top.report("apiVersion", "expected \(Self.apiVersion), got \"\(apiVersion)\"")
        }
        let kind = top.string("kind")
        if let kind, kind != Self.kind {
            top.report("kind", "expected \(Self.kind), got \"\(kind)\"")
        }

        var application = RadixApplication(apiVersion: apiVersion, kind: kind, name: "")
        if let metadata = top.mapping("metadata") {
            let name = metadata.requiredString("name")
            application.name = name ?? ""
            if let name, let message = FieldRules.dnsLabel(name) { metadata.report("name", message) }
            application.metadataExtra = metadata.extra()
        } else if top.node("metadata") == nil {
            top.report("metadata", "is required (with the application's name in metadata.name)")
        }

        if let spec = top.mapping("spec") {
            decodeSpec(spec, into: &application)
        } else if top.node("spec") == nil {
            top.report("spec", "is required")
        }
        application.extra = top.extra()
        return application
    }

    private func decodeSpec(_ spec: MappingReader, into application: inout RadixApplication) {
        var environmentNames = FirstSeen<String>()
        for entry in spec.mappings("environments") {
            guard let name = entry.requiredString("name") else { continue }
            if let message = FieldRules.dnsLabel(name) {
                entry.report("name", message)
            } else if let clash = environmentNames.check(name, line: entry.line("name"), owner: "another environment") {
                entry.report("name", "\"\(name)\" is \(clash)")
            }
            application.environments.append(EnvironmentDefinition(name: name, extra: entry.extra()))
        }
        let listed = application.environmentNames

        // Components and jobs become host names in one network: their names share one namespace.
        var names = FirstSeen<String>()
        let componentDecoder = ComponentDecoder(environmentNames: listed)
        for entry in spec.mappings("components") {
            let component = componentDecoder.decode(entry)
            if !component.name.isEmpty,
               let clash = names.check(component.name, line: entry.line("name"), owner: "component \(component.name)") {
                entry.report("name", "\"\(component.name)\" is \(clash)")
            }
            application.components.append(component)
        }

        var schedulerPorts = FirstSeen<Int>()
        var jobDecoder = JobDecoder(environmentNames: listed)
        for entry in spec.mappings("jobs") {
            let job = jobDecoder.decode(entry)
            if !job.name.isEmpty,
               let clash = names.check(job.name, line: entry.line("name"), owner: "job \(job.name)") {
                entry.report("name", "\"\(job.name)\" is \(clash)")
            }
            if let port = job.schedulerPort, FieldRules.schedulerPort(port) == nil,
               let clash = schedulerPorts.check(port, line: entry.line("schedulerPort"), owner: "job \(job.name)") {
                entry.report("schedulerPort", "port \(port) is \(clash)")
            }
            application.jobs.append(job)
        }
        WebhookRules.check(jobDecoder.webhooks, components: application.components, jobs: application.jobs)
        application.specExtra = spec.extra()
    }
}
