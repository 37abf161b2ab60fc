import Foundation
import KetasimCore

extension SessionSheet.Format {
  /// The format named by `path`'s extension (`--report-to`).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` for another extension.
  init(path: String) throws {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "md", "markdown": self = .markdown
    case "html", "htm": self = .html
    case "txt": self = .text
    default:
      throw KetasimError.invalidValue("report-to", path, accepted: "a file name ending in .md, .html or .txt")
    }
  }
}
