import Foundation
import KetasimCore

/// The file format of a picture, chosen by the file's extension.
public enum PictureFormat: String, Sendable, CaseIterable {
  /// The SVG document itself.
  case svg
  /// A raster image at ``PictureRenderer/pixelsPerSVGUnit`` pixels per SVG unit.
  case png
  /// A vector page, one SVG unit to 0.75 pt (96 px to the inch).
  case pdf

  /// The format named by `path`'s extension (case-insensitive).
  ///
  /// - Throws: ``KetasimError/invalidValue(_:_:accepted:)`` for another extension.
  public init(path: String) throws {
    guard let format = PictureFormat(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased()) else {
      throw KetasimError.invalidValue("plot", path, accepted: "a file name ending in .svg, .png or .pdf")
    }
    self = format
  }
}
