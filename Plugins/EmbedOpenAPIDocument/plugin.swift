import Foundation
import PackagePlugin

/// Embeds the target's `openapi.json` in the target itself, as a generated Swift source holding the
/// document's bytes, so the server answers `GET /swagger.json` with exactly the document it was
/// generated from and the executable needs no resource bundle beside it.
///
/// `openapi.json` may be a symlink (JobSchedulerAPI's points at the top-level swagger.json): the build
/// depends on the file it resolves to, so editing the contract rebuilds the embedded copy.
@main
struct EmbedOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        guard let document = target.sourceFiles.first(where: { $0.url.lastPathComponent == "openapi.json" }) else {
            Diagnostics.error("\(target.name) has no openapi.json to embed")
            return []
        }
        let input = document.url.resolvingSymlinksInPath()
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("OpenAPIDocument+Bytes.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(input.lastPathComponent) in \(target.name)",
                executable: try context.tool(named: "embed-openapi-document").url,
                arguments: [input.path, output.path],
                inputFiles: [input, document.url],
                outputFiles: [output]
            )
        ]
    }
}
