import Foundation
import PackagePlugin

/// Build-tool plugin: embeds every `Models/*.yaml` of the package into the
/// target as Swift string literals (see `ketasim-embed-models`).
///
/// The model files stay the single source of truth; this only carries their
/// text into the binary so that `ketasim` works from any directory and after
/// being copied elsewhere.
@main
struct EmbedModelCatalog: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let models = context.package.directoryURL.appending(path: "Models")
    let files = try FileManager.default
      .contentsOfDirectory(at: models, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "yaml" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalog.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(files.count) model files",
        executable: try context.tool(named: "ketasim-embed-models").url,
        arguments: [output.path] + files.map(\.path),
        inputFiles: files,
        outputFiles: [output]
      )
    ]
  }
}
