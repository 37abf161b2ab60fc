import Foundation
import PackagePlugin

/// Build-tool plugin: embeds the page of `ketasim serve` (the files in the
/// target's `Page` folder) into the target as Swift string literals (see
/// `ketasim-embed-models --web-assets`), so that the server needs no files
/// beside the binary and the page needs no build step.
@main
struct EmbedWebAssets: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let page = target.directoryURL.appending(path: "Page")
    let files = try FileManager.default
      .contentsOfDirectory(at: page, includingPropertiesForKeys: nil)
      .filter { !$0.lastPathComponent.hasPrefix(".") }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedWebAssets.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(files.count) page files",
        executable: try context.tool(named: "ketasim-embed-models").url,
        arguments: ["--web-assets", output.path] + files.map(\.path),
        inputFiles: files,
        outputFiles: [output]
      )
    ]
  }
}
