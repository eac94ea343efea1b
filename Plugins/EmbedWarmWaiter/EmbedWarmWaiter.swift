import Foundation
import PackagePlugin

/// Compiles the warm pool's waiter (`WarmWaiter/waiter.c`) with the system's C compiler, statically
/// (it runs in any job's image, whatever its libc) and stripped (it is copied into every pooled
/// container), then embeds the binary in the target as `WarmWaiterBinary.base64Files`. The scheduler
/// then carries its waiter inside its own executable: nothing to install beside it.
@main
struct EmbedWarmWaiter: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let source = context.package.directoryURL.appendingPathComponent("WarmWaiter/waiter.c")
        let binary = context.pluginWorkDirectoryURL.appendingPathComponent("job-warm-waiter")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("WarmWaiterBinary+Files.swift")
        let compiler = ProcessInfo.processInfo.environment["CC"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/usr/bin/cc"
        // One command (the binary is no output of its own: SwiftPM would copy it as a resource).
        let script = #"set -e; "$1" -static -Os -s -Wall -o "$2" "$3"; "$4" "$5" WarmWaiterBinary "$2""#
        return [
            .buildCommand(
                displayName: "Compiling the warm pool's waiter and embedding it in \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", compiler, binary.path, source.path, try context.tool(named: "embed-files").url.path, output.path],
                inputFiles: [source],
                outputFiles: [output]
            )
        ]
    }
}
