import Foundation
import Testing

/// The repository must stand alone: no tracked text file may point a reader at
/// the project's internal reference notes, which are not part of the repository.
@Suite struct StandaloneDocsTests {
  /// The internal file names, built from pieces so that this file does not match itself.
  static let forbidden: [String] = [
    "ketamine" + "-pk.md",
    "peers" + ".md",
    "metabolites-and" + "-effects",
    "swift-" + "engineering.md",
    "architecture" + "-review.md",
    "shared" + "/reference",
  ]

  static let roots = ["README.md", "Models", "Sources", "Tests", "Benchmarks", "Notebooks"]
  static let skippedFolders: Set<String> = [".build", ".swiftpm", ".git", "__pycache__", ".ipynb_checkpoints"]
  static let textExtensions: Set<String> = [
    "md", "swift", "yaml", "yml", "py", "ipynb", "txt", "csv", "json", "sh", "R",
  ]

  static func textFiles(under url: URL) -> [URL] {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
    if !isDirectory.boolValue {
      return textExtensions.contains(url.pathExtension) ? [url] : []
    }
    guard let children = try? manager.contentsOfDirectory(at: url, includingPropertiesForKeys: nil) else {
      return []
    }
    var files: [URL] = []
    for child in children.sorted(by: { $0.path < $1.path }) {
      let name = child.lastPathComponent
      if skippedFolders.contains(name) || name.hasPrefix(".build") { continue }
      files += textFiles(under: child)
    }
    return files
  }

  @Test func noTrackedTextFileCitesTheInternalReferenceNotes() throws {
    let root = CLI.packageRoot
    var findings: [String] = []
    var scanned = 0
    for top in Self.roots {
      for file in Self.textFiles(under: root.appendingPathComponent(top)) {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
        scanned += 1
        let relative = String(file.path.dropFirst(root.path.count + 1))
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
          for name in Self.forbidden where line.contains(name) {
            findings.append("\(relative):\(index + 1): \(name)")
          }
        }
      }
    }
    #expect(scanned > 50)
    #expect(findings.isEmpty, "internal reference notes cited:\n\(findings.joined(separator: "\n"))")
  }
}
