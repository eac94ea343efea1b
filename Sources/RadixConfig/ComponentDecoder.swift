/// Builds a `ComponentDefinition` from one `spec.components[]` mapping. Components are not
/// run yet, so only the rules that keep the file coherent are checked.
struct ComponentDecoder {
    let environmentNames: [String]

    func decode(_ component: MappingReader) -> ComponentDefinition {
        let name = component.requiredString("name")
        if let name, let message = FieldRules.dnsLabel(name) {
            component.report("name", message)
        }
        var definition = ComponentDefinition(
            name: name ?? "",
            src: component.string("src"),
            dockerfileName: component.string("dockerfileName"),
            image: component.string("image"),
            imageTagName: component.string("imageTagName"),
            ports: component.ports(),
            publicPort: component.string("publicPort"),
            variables: component.stringMap("variables"),
            resources: component.resources())
        component.checkRequestsWithinLimits(definition.resources, resourcesPath: component.path("resources"),
                                            line: component.line("resources"))

        var references = EnvironmentReferences(listed: environmentNames)
        for entry in component.mappings("environmentConfig") {
            let environment = entry.requiredString("environment")
            if let environment { references.check(entry, environment: environment) }
            let replicas = entry.int("replicas")
            if let replicas, let message = FieldRules.replicas(replicas) { entry.report("replicas", message) }
            let override = ComponentEnvironmentConfig(
                environment: environment ?? "",
                variables: entry.stringMap("variables"),
                resources: entry.resources(),
                image: entry.string("image"),
                imageTagName: entry.string("imageTagName"),
                replicas: replicas,
                extra: entry.extra())
            if environment != nil { definition.environmentConfig.append(override) }
        }
        definition.extra = component.extra()
        return definition
    }
}
