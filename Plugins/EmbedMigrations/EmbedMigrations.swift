import Foundation
import PackagePlugin

/// Compiles `Sources/Store/Migrations/*.sql` into the Store module as string constants, so the
/// `faultline` binary carries its schema: no resource bundle to ship beside it or to lose when
/// the binary is copied elsewhere (`Bundle.module` stops the process when its bundle is missing).
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        // `directoryURL` needs tools version 6.1; the package is at 6.0.
        let directory = URL(fileURLWithPath: target.directory.string).appending(path: "Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) migrations",
            executable: try context.tool(named: "embed-migrations").url,
            arguments: [output.path] + files.map(\.path),
            inputFiles: files,
            outputFiles: [output])]
    }
}
