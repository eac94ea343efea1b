import Foundation
import PackagePlugin

/// Builds two Swift sources from the target's `openapi.json`, at build time:
/// - the document's bytes, so the server answers `GET /swagger.json` with exactly the document it was
///   generated from and the executable needs no resource bundle beside it;
/// - the facts the server needs from the document beside the generated code (`OpenAPIContract`: its
///   paths with their methods, and the integer properties of its schemas), so nothing parses the
///   document at run time.
///
/// `openapi.json` may be a symlink (JobSchedulerAPI's points at the top-level swagger.json): the build
/// depends on the file it resolves to, so editing the contract rebuilds both.
@main
struct EmbedOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        guard let document = target.sourceFiles.first(where: { $0.url.lastPathComponent == "openapi.json" }) else {
            Diagnostics.error("\(target.name) has no openapi.json to embed")
            return []
        }
        let input = document.url.resolvingSymlinksInPath()
        let bytes = context.pluginWorkDirectoryURL.appendingPathComponent("OpenAPIDocument+Bytes.swift")
        let facts = context.pluginWorkDirectoryURL.appendingPathComponent("OpenAPIContract+Facts.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(input.lastPathComponent) and its facts in \(target.name)",
                executable: try context.tool(named: "embed-openapi-document").url,
                arguments: [input.path, bytes.path, facts.path],
                inputFiles: [input, document.url],
                outputFiles: [bytes, facts]
            )
        ]
    }
}
