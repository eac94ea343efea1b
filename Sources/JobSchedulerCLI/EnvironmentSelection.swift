import RadixConfig

/// Checks an environment chosen on the command line against the config, reported like
/// any other config problem so the user sees one consistent format.
enum EnvironmentSelection {
    static func check(_ environment: String, in application: RadixApplication,
                      fileName: String) throws(ConfigValidationError) {
        guard application.environment(named: environment) == nil else { return }
        let listed = application.environmentNames
        let message = listed.isEmpty
            ? "--env \(environment) was given but spec.environments lists no environments"
            : "--env \(environment) is not one of the listed environments (\(listed.joined(separator: ", ")))"
        throw ConfigValidationError(problems: [
            ConfigProblem(file: fileName, path: "spec.environments", line: nil, message: message)
        ])
    }
}
