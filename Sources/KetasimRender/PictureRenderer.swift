import CRender
import KetasimCore

/// Turns the SVG pictures of ``ConcentrationPlot``, ``OverlayPlot`` and
/// ``BandPlot`` into PNG or PDF with librsvg and cairo, the renderers of the
/// GNOME desktop, rather than an encoder of our own.
///
/// The C module `CRender` makes the calls, and opens the libraries on the
/// first picture drawn: a command that draws none does not load them.
public enum PictureRenderer {
  /// Pixels per SVG unit in a PNG: 2, so that a 900 × 500 picture is a
  /// 1800 × 1000 image, sharp on a high-density screen and in print.
  public static let pixelsPerSVGUnit = 2.0

  /// PDF points per SVG unit (an SVG unit is a CSS pixel, 1/96 inch; a point is 1/72 inch).
  public static let pointsPerSVGUnit = 0.75

  /// The picture `svg` (a standalone SVG document of `width` × `height`
  /// units) in `format`.
  ///
  /// - Throws: ``KetasimError/writeFailed(_:reason:)`` naming `label` when
  ///   librsvg cannot be loaded or cannot read the document, or cairo cannot
  ///   draw or encode it.
  public static func render(svg: String, width: Double, height: Double, as format: PictureFormat, label: String)
    throws -> [UInt8]
  {
    precondition(width > 0 && height > 0, "a picture needs a positive size, got \(width) × \(height)")
    let (kind, scale): (kr_format, Double)
    switch format {
    case .svg: return Array(svg.utf8)
    case .png: (kind, scale) = (KR_FORMAT_PNG, pixelsPerSVGUnit)
    case .pdf: (kind, scale) = (KR_FORMAT_PDF, pointsPerSVGUnit)
    }
    var bytes: UnsafeMutablePointer<UInt8>?
    var count = 0
    var message: UnsafeMutablePointer<CChar>?
    defer {
      kr_free(bytes)
      kr_free(message)
    }
    let status = svg.utf8CString.withUnsafeBufferPointer { text in
      kr_render(text.baseAddress, text.count - 1, width, height, scale, kind, &bytes, &count, &message)
    }
    guard status == 0, let bytes else {
      throw KetasimError.writeFailed(label, reason: message.map { String(cString: $0) } ?? "could not draw the picture")
    }
    return Array(UnsafeBufferPointer(start: bytes, count: count))
  }
}

extension PictureRenderer {
  /// `plot` in `format` (see ``render(svg:width:height:as:label:)``).
  public static func render(_ plot: ConcentrationPlot, as format: PictureFormat, label: String) throws -> [UInt8] {
    try render(svg: plot.svg, width: Double(plot.width), height: Double(plot.height), as: format, label: label)
  }

  /// `plot` in `format` (see ``render(svg:width:height:as:label:)``).
  public static func render(_ plot: OverlayPlot, as format: PictureFormat, label: String) throws -> [UInt8] {
    try render(svg: plot.svg, width: Double(plot.width), height: Double(plot.height), as: format, label: label)
  }

  /// `plot` in `format` (see ``render(svg:width:height:as:label:)``).
  public static func render(_ plot: BandPlot, as format: PictureFormat, label: String) throws -> [UInt8] {
    try render(svg: plot.svg, width: Double(plot.width), height: Double(plot.height), as: format, label: label)
  }
}
