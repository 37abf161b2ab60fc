import Foundation
import KetasimCore

/// The file format of a session sheet, chosen by the file's extension.
enum SheetFormat {
  case markdown, html, text

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

  func render(_ sheet: SessionSheet) -> String {
    switch self {
    case .markdown: return sheet.markdown
    case .html: return sheet.html
    case .text: return sheet.text
    }
  }
}
