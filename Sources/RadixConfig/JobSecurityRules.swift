/// Environment variables the scheduler sets in every job's container (`RADIX_JOB_NAME`, `RADIX_APP`,
/// `RADIX_COMPONENT`, `RADIX_ENVIRONMENT`, ...): no configuration or request may set a name of theirs,
/// as in Radix, where `RADIX_*` names are the platform's.
public enum ReservedVariables {
    public static let prefix = "RADIX_"

    public static func isReserved(_ name: String) -> Bool { name.hasPrefix(prefix) }
}

extension MappingReader {
    /// A `variables:` mapping, without (and reporting) the names the scheduler sets itself.
    func variables(_ key: String = "variables") -> [String: String] {
        var variables = stringMap(key)
        for name in variables.keys.filter(ReservedVariables.isReserved).sorted() {
            context.report(ConfigPath.key(path(key), name), line: line(key),
                           "names starting with \(ReservedVariables.prefix) are set by the scheduler")
            variables[name] = nil
        }
        return variables
    }
}

/// A job's `runAsUser`: a user ID the engine can run a container as.
public enum RunAsUser {
    public static func isValid(_ user: Int64) -> Bool { (0...2_147_483_647).contains(user) }

    public static func rule(_ user: some BinaryInteger) -> String { "must be a user ID from 0 to 2147483647, got \(user)" }
}
