/// Consistency of `image` and `imageTagName`: a `{imageTagName}` placeholder needs a tag
/// name in every environment the job runs in, and a tag name without a placeholder would
/// be silently ignored, which is almost certainly a mistake.
enum ImageTagRules {
    static func check(_ definition: JobDefinition, job: MappingReader,
                      overrides: [(config: JobEnvironmentConfig, reader: MappingReader)],
                      environmentNames: [String]) {
        let anyPlaceholder = ([definition.image] + overrides.map(\.config.image))
            .compactMap { $0 }.contains(where: ImageTagPlaceholder.isPresent(in:))
        if definition.imageTagName != nil, !anyPlaceholder {
            job.report("imageTagName", "is set but image has no \(ImageTagPlaceholder.token) placeholder to put it in")
        }
        for (config, reader) in overrides where config.imageTagName != nil {
            let image = config.image ?? definition.image
            if !(image.map(ImageTagPlaceholder.isPresent(in:)) ?? false) {
                reader.report("imageTagName", "is set but image has no \(ImageTagPlaceholder.token) placeholder to put it in")
            }
        }

        // Which environments the job will run in: the listed ones, else those it overrides.
        var targets: [String?] = environmentNames.isEmpty ? overrides.map(\.config.environment) : environmentNames
        if targets.isEmpty { targets = [nil] }

        // Group the environments lacking a tag by the image setting that needs it.
        var missing: [(reader: MappingReader, key: String, environments: [String])] = []
        for environment in targets where definition.resolved(for: environment).hasUnresolvedImageTag {
            let override = overrides.first { $0.config.environment == environment && $0.config.image != nil }
            let owner = override?.reader ?? job
            if let index = missing.firstIndex(where: { $0.reader === owner }) {
                missing[index].environments.append(environment ?? "")
            } else {
                missing.append((owner, "image", environment.map { [$0] } ?? []))
            }
        }
        for entry in missing {
            let scope = entry.environments.isEmpty
                ? ""
                : " for environment \(entry.environments.map { "\"\($0)\"" }.joined(separator: ", "))"
            entry.reader.report(entry.key, "contains \(ImageTagPlaceholder.token) but no imageTagName is set\(scope)")
        }
    }
}
