import Foundation
import PackagePlugin

/// Builds a Swift source holding the files of the target's `Assets` folder (its page template, script
/// and style), at build time: the executable serves them from memory and needs no resource bundle beside
/// it (a scheduler image is one binary).
@main
struct EmbedConsoleAssets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let files = target.sourceFiles.map(\.url).filter { $0.deletingLastPathComponent().lastPathComponent == "Assets" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("ConsoleAssets+Files.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) console files in \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: [output.path, "ConsoleAssets"] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
