import Foundation

/// Radix's rules for a job's `notifications.webhook`: status changes are posted inside the
/// application's own network, so the URL must name a component or job of the application on
/// one of its declared ports, and never on the port a component exposes publicly. They need
/// every component and job, so they run once the whole spec is read.
enum WebhookRules {
    /// A webhook as written, with the `notifications` mapping holding it, to report at its key.
    struct Site {
        let url: String
        let notifications: MappingReader
    }

    static func check(_ sites: [Site], components: [ComponentDefinition], jobs: [JobDefinition]) {
        for site in sites {
            if let message = problem(with: site.url, components: components, jobs: jobs) {
                site.notifications.report("webhook", message)
            }
        }
    }

    /// What is wrong with `url`, or nil. Like Radix, only the first broken rule is told.
    static func problem(with url: String, components: [ComponentDefinition], jobs: [JobDefinition]) -> String? {
        // Radix lowercases first (the decoder has trimmed it): names match in any case.
        let text = url.lowercased()
        guard let parts = URLComponents(string: text), let host = parts.host, !host.isEmpty else {
            return "\"\(url)\" is not a valid URL: expected http://<component or job>:<port>/<path>"
        }
        // A little stricter than Radix, which lets a scheme-less `//backend:8080/x` through.
        guard let scheme = parts.scheme, ["http", "https"].contains(scheme) else {
            return "\"\(url)\" must start with http:// or https://"
        }
        let target = Target(named: host, components: components, jobs: jobs)
        guard let port = parts.port else {
            guard let target else {
                return "\"\(url)\" has no port: give a component or job (\(names(components, jobs))) and one of its ports"
            }
            return "\"\(url)\" has no port: \(target.choice)"
        }
        guard let target else {
            return "\"\(url)\" does not call this application: its host must be a component or job (\(names(components, jobs)))"
        }
        guard let declared = target.ports.first(where: { $0.port == port }) else {
            return "\"\(url)\" uses port \(port), which \(target.label) does not declare: \(target.choice)"
        }
        if target.isPublic(declared) {
            return "\"\(url)\" uses port \(port), which must not be the public port of \(target.label): \(target.choice)"
        }
        return nil
    }

    private static func names(_ components: [ComponentDefinition], _ jobs: [JobDefinition]) -> String {
        (components.map(\.name) + jobs.map(\.name)).filter { !$0.isEmpty }.joined(separator: ", ")
    }

    /// A component or job a webhook may call. Components come first, as in Radix.
    private struct Target {
        /// `component backend` or `job compute`, as messages name it.
        let label: String
        let ports: [PortDefinition]
        /// Name of a component's public port; jobs have none.
        let publicPort: String?

        init?(named host: String, components: [ComponentDefinition], jobs: [JobDefinition]) {
            if let component = components.first(where: { $0.name.lowercased() == host }) {
                self.label = "component \(component.name)"
                self.ports = component.ports
                self.publicPort = component.publicPort
            } else if let job = jobs.first(where: { $0.name.lowercased() == host }) {
                self.label = "job \(job.name)"
                self.ports = job.ports
                self.publicPort = nil
            } else {
                return nil
            }
        }

        func isPublic(_ port: PortDefinition) -> Bool {
            publicPort?.lowercased() == port.name.lowercased()
        }

        /// What to write instead: the ports a webhook may use, or how to get one.
        var choice: String {
            let allowed = ports.filter { !isPublic($0) }.map { String($0.port) }
            if allowed.isEmpty {
                let other = ports.isEmpty ? "" : " other than its public port"
                return "\(label) declares no port a webhook may use; add one\(other) to its ports"
            }
            return "give one of \(label)'s ports (\(allowed.joined(separator: ", ")))"
        }
    }
}
