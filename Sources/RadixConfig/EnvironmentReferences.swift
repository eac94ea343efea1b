/// Checks `environmentConfig[].environment` entries of one job or component: each must
/// name a listed environment (when any are listed) and appear only once.
struct EnvironmentReferences {
    let listed: [String]
    private var entries = FirstSeen<String>()

    init(listed: [String]) {
        self.listed = listed
    }

    mutating func check(_ entry: MappingReader, environment: String) {
        if !listed.isEmpty, !listed.contains(environment) {
            entry.report("environment", "\"\(environment)\" is not one of the environments in spec.environments (\(listed.joined(separator: ", ")))")
        } else if let clash = entries.check(environment, line: entry.line("environment"), owner: "another environmentConfig entry") {
            entry.report("environment", "\"\(environment)\" is \(clash)")
        }
    }
}
