import Foundation
import PackagePlugin

/// Build-tool plugin: embeds every `Models/*.yaml` and `Models/regimens/*.yaml`
/// of the package into the target as Swift string literals (see
/// `ketasim-embed-models`).
///
/// The model and regimen files stay the single source of truth; this only
/// carries their text into the binary so that `ketasim` works from any
/// directory and after being copied elsewhere.
@main
struct EmbedModelCatalog: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let models = context.package.directoryURL.appending(path: "Models")
    let files = try yamlFiles(in: models)
    let regimens = try yamlFiles(in: models.appending(path: "regimens"))
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalog.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(files.count) model files and \(regimens.count) regimens",
        executable: try context.tool(named: "ketasim-embed-models").url,
        arguments: [output.path] + files.map(\.path) + ["--regimens"] + regimens.map(\.path),
        inputFiles: files + regimens,
        outputFiles: [output]
      )
    ]
  }

  /// The `.yaml` files directly in `directory` (none if it does not exist), by name.
  private func yamlFiles(in directory: URL) throws -> [URL] {
    guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
    return try FileManager.default
      .contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "yaml" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
  }
}
